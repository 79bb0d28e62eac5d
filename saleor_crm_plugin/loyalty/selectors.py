"""Read-side queries of the loyalty domain: what the API shows, never a write.

Each function takes the database alias to read from (``using``), so GraphQL resolvers
read from Saleor's replica as Saleor's own resolvers do. Functions taking many keys
answer in one query, for dataloaders.

A customer who has never earned a point has no ``LoyaltyAccount`` row; reads return
an unsaved account with zero balances instead of creating one.
"""

import dataclasses
import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet, Sum
from saleor.account.models import User

from ..config import ChannelProgram, TierRule
from . import rules
from .models import CustomerProfile, LoyaltyAccount, LoyaltyEntry


def accounts_by_user_and_channel(
    keys: Iterable[tuple[int, int]], *, using: str
) -> dict[tuple[int, int], LoyaltyAccount]:
    """The account of each (user id, channel id); an unsaved empty one if none exists."""
    keys = list(keys)
    user_ids = {user_id for user_id, _channel_id in keys}
    channel_ids = {channel_id for _user_id, channel_id in keys}
    stored = {
        (account.user_id, account.channel_id): account
        for account in LoyaltyAccount.objects.using(using).filter(
            user_id__in=user_ids, channel_id__in=channel_ids
        )
    }
    return {
        key: stored.get(key) or LoyaltyAccount(user_id=key[0], channel_id=key[1]) for key in keys
    }


def channel_accounts(*, channel_slug: str, using: str) -> QuerySet[LoyaltyAccount]:
    """The customers' accounts of a channel (none for an unknown slug).

    A deleted customer's account (no user) counts in the programme's totals, not here.
    """
    return LoyaltyAccount.objects.using(using).filter(
        channel__slug=channel_slug, user__isnull=False
    )


def accounts_with_customer_email(
    accounts: QuerySet[LoyaltyAccount], text: str
) -> QuerySet[LoyaltyAccount]:
    """Accounts whose customer's e-mail contains ``text`` (case-insensitive)."""
    customers = User.objects.using(accounts.db).filter(
        pk=OuterRef("user_id"), email__icontains=text.strip()
    )
    return accounts.filter(Exists(customers))


def account_entries(account: LoyaltyAccount, *, using: str) -> QuerySet[LoyaltyEntry]:
    """The account's ledger, newest first (an unsaved account has none)."""
    if account.pk is None:
        return LoyaltyEntry.objects.using(using).none()
    return LoyaltyEntry.objects.using(using).filter(account=account).select_related("account")


def tier_basis_values(
    account_ids: Iterable[int],
    *,
    program: ChannelProgram,
    now: datetime.datetime,
    using: str,
) -> dict[int, Decimal]:
    """What counts towards a tier (``rules.tier_basis_condition``) for each account."""
    account_ids = list(account_ids)
    condition, column = rules.tier_basis_condition(program.config, now)
    rows = (
        LoyaltyEntry.objects.using(using)
        .filter(condition, account_id__in=account_ids)
        .order_by()
        .values("account_id")
        .annotate(total=Sum(column))
    )
    totals = {row["account_id"]: Decimal(row["total"] or 0) for row in rows}
    return {account_id: totals.get(account_id, Decimal(0)) for account_id in account_ids}


@dataclasses.dataclass(frozen=True)
class TierProgress:
    tier: TierRule | None
    next_tier: TierRule | None
    # Share of the next tier's threshold reached, 0..1; 1 at the top tier; None
    # when the programme has no tiers.
    progress: float | None


def tier_progress(
    *, tier_name: str, tiers: tuple[TierRule, ...], basis_value: Decimal
) -> TierProgress:
    """Where an account stands: its stored tier, the next one, and how close it is."""
    tier = rules.tier_by_name(tiers, tier_name)
    following = rules.next_tier(tiers, tier)
    if not tiers:
        progress = None
    elif following is None or following.threshold <= 0:
        progress = 1.0
    else:
        progress = float(min(max(basis_value / following.threshold, Decimal(0)), Decimal(1)))
    return TierProgress(tier=tier, next_tier=following, progress=progress)


def birthdays_by_user_id(user_ids: Iterable[int], *, using: str) -> dict[int, datetime.date | None]:
    user_ids = list(user_ids)
    stored = dict(
        CustomerProfile.objects.using(using)
        .filter(user_id__in=user_ids)
        .values_list("user_id", "birthday")
    )
    return {user_id: stored.get(user_id) for user_id in user_ids}
