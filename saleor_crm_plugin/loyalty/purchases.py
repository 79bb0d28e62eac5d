"""Points for purchases Saleor has no order for (a till in a store): the order rules.

The caller owns the purchase and names it with a key; this module knows nothing of
stores. A purchase earns like an order: the channel's rate and rounding, the
customer's tier multiplier when the points are credited, the pending window and expiry
counted from when the purchase happened (points for a receipt claimed a week later are
back-dated to the purchase), and refunds take back their share. ``void`` (a purchase
unlinked from the customer) takes back everything.

Keys: the earn is ``earn:<key>``, reversals ``reverse:<key>:<target>``. A caller that
links one purchase to different customers over time gives each link its own key.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.utils import timezone

from ..config import load_channel_program
from . import rules
from .accounts import account_get_or_create, expires_after
from .ledger import EntrySource, post_entry
from .models import EntryStatus, EntryType, LoyaltyAccount, LoyaltyEntry
from .reversals import ReversalSource, earn_reverse_to
from .tiers import account_tier_evaluate


@dataclasses.dataclass(frozen=True)
class Purchase:
    key: str
    user_id: int
    channel_id: int
    amount: Decimal
    currency: str
    occurred_at: datetime.datetime
    reference: str  # shown in the customer's ledger, e.g. "store purchase 7K2M-..."
    actor_user_id: int | None = None
    actor_app_id: int | None = None


@dataclasses.dataclass(frozen=True)
class PurchasePoints:
    earned: int
    reversed: int

    @property
    def kept(self) -> int:
        """What the shopper keeps of the earn: less what refunds took back."""
        return self.earned - self.reversed


NO_POINTS = PurchasePoints(earned=0, reversed=0)


def purchase_points_preview(
    *, user_id: int, channel_id: int, amount: Decimal, currency: str
) -> int:
    """What a purchase of ``amount`` would earn the customer now (nothing written).

    ``currency`` must be the channel's (the caller refuses other purchases).
    """
    program = load_channel_program(channel_id)
    if not program.active:
        return 0
    tier_name = (
        LoyaltyAccount.objects.filter(user_id=user_id, channel_id=channel_id)
        .values_list("tier_name", flat=True)
        .first()
    )
    multiplier = rules.tier_multiplier(program.config.loyalty.tiers, tier_name or "")
    return rules.points_for_amount(amount, currency, program.config, multiplier)


def purchase_points_sync(
    *,
    purchase: Purchase,
    refunded: Decimal = Decimal(0),
    void: bool = False,
    now: datetime.datetime | None = None,
) -> PurchasePoints:
    """Bring the ledger in line with the purchase: earn once, take back refunds or all."""
    now = now or timezone.now()
    earn = LoyaltyEntry.objects.filter(idempotency_key=f"earn:{purchase.key}").first()
    if earn is None:
        if void:
            return NO_POINTS
        earn = _earn(purchase, now=now)
        if earn is None:
            return NO_POINTS
    target = earn.points if void else rules.share_of_points(earn.points, refunded, purchase.amount)
    reversed_now = earn_reverse_to(
        earn=earn,
        target=target,
        source=ReversalSource(
            key_prefix=f"reverse:{purchase.key}",
            reason="unlinked" if void else "refund",
            source_reference=purchase.reference,
        ),
        now=now,
    )
    if reversed_now:
        account_tier_evaluate(
            account_id=earn.account_id, reason=f"{purchase.reference} reversed", now=now
        )
    return PurchasePoints(earned=earn.points, reversed=reversed_now)


def _earn(purchase: Purchase, *, now: datetime.datetime) -> LoyaltyEntry | None:
    points = purchase_points_preview(
        user_id=purchase.user_id,
        channel_id=purchase.channel_id,
        amount=purchase.amount,
        currency=purchase.currency,
    )
    if points <= 0:
        return None
    config = load_channel_program(purchase.channel_id).config
    account = account_get_or_create(
        user_id=purchase.user_id, channel_id=purchase.channel_id, now=now
    )
    available_at = purchase.occurred_at + datetime.timedelta(seconds=config.loyalty.pending_seconds)
    posting = post_entry(
        account=account,
        points=points,
        entry_type=EntryType.EARN,
        idempotency_key=f"earn:{purchase.key}",
        status=EntryStatus.PENDING if available_at > now else EntryStatus.AVAILABLE,
        source=EntrySource(
            source_reference=purchase.reference,
            spend_amount=purchase.amount,
            actor_user_id=purchase.actor_user_id,
            actor_app_id=purchase.actor_app_id,
            details={"currency": purchase.currency, "eligible": str(purchase.amount)},
        ),
        available_at=max(available_at, now),
        expires_at=expires_after(config.loyalty.expire_seconds, purchase.occurred_at),
        occurred_at=purchase.occurred_at,
    )
    if posting.created:
        account_tier_evaluate(account_id=account.pk, reason=f"{purchase.reference} earned", now=now)
    return posting.entry
