"""Read-side queries of the loyalty domain: what the API shows and what services read,
never a write.

Functions for the API take the database alias to read from (``using``), so GraphQL
resolvers read from Saleor's replica as Saleor's own resolvers do; functions taking
many keys answer in one query, for dataloaders. Reads for the services (what a points
card paid, the redemptions an order settles) run on the default database, inside the
services' transactions.

A customer who has never earned a point has no ``LoyaltyAccount`` row; reads return
an unsaved account with zero balances instead of creating one.
"""

import dataclasses
import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    When,
)
from saleor.account.models import User
from saleor.giftcard.const import GIFT_CARD_PAYMENT_GATEWAY_ID
from saleor.giftcard.models import GiftCard
from saleor.order.models import Order
from saleor.payment import TransactionEventType
from saleor.payment.models import TransactionEvent, TransactionItem

from ..config import ChannelProgram, TierRule
from . import rules
from .models import (
    CustomerProfile,
    EntryStatus,
    EntryType,
    LoyaltyAccount,
    LoyaltyEntry,
    LoyaltyRedemption,
    RedemptionStatus,
)


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
    return tier_basis_values_of_programs([(account_ids, program)], now=now, using=using)


def tier_basis_values_of_programs(
    groups: Iterable[tuple[Iterable[int], ChannelProgram]],
    *,
    now: datetime.datetime,
    using: str,
) -> dict[int, Decimal]:
    """``tier_basis_values`` of accounts of several programmes (channels), in one query:
    each group's accounts summed under their own programme's window and basis."""
    groups = [(list(account_ids), program) for account_ids, program in groups]
    account_ids = [account_id for ids, _program in groups for account_id in ids]
    matches, amounts = Q(pk__in=[]), []
    for ids, program in groups:
        condition, column = rules.tier_basis_condition(program.config, now)
        matches |= Q(condition, account_id__in=ids)
        amounts.append(When(account_id__in=ids, then=F(column)))
    rows = (
        LoyaltyEntry.objects.using(using)
        .filter(matches)
        .order_by()
        .values("account_id")
        .annotate(total=Sum(Case(*amounts, output_field=DecimalField())))
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


@dataclasses.dataclass(frozen=True)
class OrderPoints:
    """An order's points as the ledger tells them (all counts positive)."""

    earned: int
    # Of the earned points, those still inside the return window (less their reversals).
    pending: int
    pending_until: datetime.datetime | None
    # Earned points taken back by refunds, line removals or cancellation.
    reversed: int
    # Points spent to pay for the order, and what they paid (points a refund gave
    # back are not deducted: they are new entries of the customer's ledger).
    redeemed: int
    redeemed_value: Decimal


NO_ORDER_POINTS = OrderPoints(
    earned=0, pending=0, pending_until=None, reversed=0, redeemed=0, redeemed_value=Decimal(0)
)


def order_points_by_order_id(order_ids: Iterable, *, using: str) -> dict[object, OrderPoints]:
    """The points of each order the ledger knows anything about, in two queries.

    An order is missing from the answer when no entry names it and no points were
    spent on it: a guest order, an order not paid yet, a channel without the programme.
    """
    order_ids = list(order_ids)
    pending = Q(status=EntryStatus.PENDING)
    entries = (
        LoyaltyEntry.objects.using(using)
        .filter(order_id__in=order_ids, type__in=[EntryType.EARN, EntryType.REVERSE])
        .order_by()
        .values("order_id")
        .annotate(
            earned=Sum("points", filter=Q(type=EntryType.EARN), default=0),
            reversed=Sum("points", filter=Q(type=EntryType.REVERSE), default=0),
            pending=Sum("points", filter=pending, default=0),
            pending_until=Max("available_at", filter=pending & Q(type=EntryType.EARN)),
        )
    )
    found = {
        row["order_id"]: dataclasses.replace(
            NO_ORDER_POINTS,
            earned=row["earned"],
            pending=max(row["pending"], 0),
            pending_until=row["pending_until"] if row["pending"] > 0 else None,
            reversed=-row["reversed"],
        )
        for row in entries
    }
    spent = LoyaltyRedemption.objects.using(using).filter(
        order_id__in=order_ids, status=RedemptionStatus.SPENT, spent_points__gt=0
    )
    for redemption in spent.order_by("pk"):
        points = found.get(redemption.order_id, NO_ORDER_POINTS)
        found[redemption.order_id] = dataclasses.replace(
            points,
            redeemed=points.redeemed + redemption.spent_points,
            redeemed_value=points.redeemed_value + redemption_spent_value(redemption),
        )
    return found


def redemption_spent_value(redemption: LoyaltyRedemption) -> Decimal:
    """What the spent points of a redemption paid, at the redemption's own rate.

    All of it when every point was spent; else the spent share, rounded down to the
    currency's unit as points are paid out.
    """
    if redemption.spent_points >= redemption.points:
        return redemption.value
    share = redemption.value * redemption.spent_points / redemption.points
    currency = redemption.currency
    return rules.from_minor_units(rules.to_minor_units(share, currency), currency)


def birthdays_by_user_id(user_ids: Iterable[int], *, using: str) -> dict[int, datetime.date | None]:
    user_ids = list(user_ids)
    stored = dict(
        CustomerProfile.objects.using(using)
        .filter(user_id__in=user_ids)
        .values_list("user_id", "birthday")
    )
    return {user_id: stored.get(user_id) for user_id in user_ids}


def active_redemptions_by_checkout_token(
    tokens: Iterable, *, using: str
) -> dict[object, LoyaltyRedemption]:
    """The active redemption of each checkout token that has one (for dataloaders)."""
    return {
        item.checkout_token: item
        for item in LoyaltyRedemption.objects.using(using).filter(
            checkout_token__in=list(tokens), status=RedemptionStatus.ACTIVE
        )
    }


def earliest_expiry_by_account_id(
    account_ids: Iterable[int], *, using: str
) -> dict[int, datetime.datetime]:
    """When the first of each account's spendable points expire (None: never)."""
    rows = (
        LoyaltyEntry.objects.using(using)
        .filter(
            account_id__in=list(account_ids),
            remaining__gt=0,
            status=EntryStatus.AVAILABLE,
            expires_at__isnull=False,
        )
        .order_by()
        .values("account_id")
        .annotate(first=Min("expires_at"))
    )
    return {row["account_id"]: row["first"] for row in rows}


def active_redemption(checkout_token) -> LoyaltyRedemption | None:
    """The checkout's active redemption, if any."""
    return LoyaltyRedemption.objects.filter(
        checkout_token=checkout_token, status=RedemptionStatus.ACTIVE
    ).first()


def gateway_transactions(gift_card_ids: Iterable[int]) -> QuerySet[TransactionItem]:
    """Saleor's gift-card-gateway transactions that name one of the cards."""
    return TransactionItem.objects.filter(
        app_identifier=GIFT_CARD_PAYMENT_GATEWAY_ID, gift_card_id__in=list(gift_card_ids)
    )


def checkout_gateway_authorisations(checkout_ids: Iterable) -> QuerySet[TransactionItem]:
    """Saleor's gift-card-gateway transactions authorising a card on one of the checkouts."""
    return TransactionItem.objects.filter(
        checkout_id__in=list(checkout_ids),
        app_identifier=GIFT_CARD_PAYMENT_GATEWAY_ID,
        gift_card_id__isnull=False,
        authorized_value__gt=0,
    )


def card_charged_values(gift_card_ids: Iterable[int]) -> dict[int, Decimal]:
    """What Saleor took, or will take, from each card in orders (by card id).

    Taken: the balance drop, with what a gateway refund put back on the card added
    back (the order still took it). Will take: the gift-card-gateway authorisations
    already on an order and not charged yet (``charge_gift_card_transactions`` charges
    them at confirmation, active card or not), up to the balance left. Checkout
    authorisations are not counted: settling voids them.
    """
    gift_card_ids = list(gift_card_ids)
    cards = GiftCard.objects.filter(pk__in=gift_card_ids).values_list(
        "pk", "initial_balance_amount", "current_balance_amount"
    )
    values, balances = {}, {}
    for pk, initial, current in cards:
        values[pk] = initial - current
        balances[pk] = current
    transactions = gateway_transactions(gift_card_ids).order_by()
    refunded = transactions.values("gift_card_id").annotate(total=Sum("refunded_value"))
    for row in refunded:
        values[row["gift_card_id"]] += row["total"]
    pending = (
        transactions.filter(
            ~Exists(
                TransactionEvent.objects.filter(
                    transaction=OuterRef("pk"), type=TransactionEventType.CHARGE_REQUEST
                )
            ),
            order_id__isnull=False,
            authorized_value__gt=0,
            charged_value=0,
        )
        .values("gift_card_id")
        .annotate(total=Sum("authorized_value"))
    )
    for row in pending:
        card_id = row["gift_card_id"]
        values[card_id] += min(row["total"], balances[card_id])
    return values


def first_order_paid_by(gift_card: GiftCard):
    """The id of the first order the card paid as checkout tender or through the gateway."""
    tender = gift_card.orders.order_by("created_at").values_list("pk", "created_at").first()
    gateway = (
        Order.objects.filter(
            pk__in=gateway_transactions([gift_card.pk])
            .filter(order_id__isnull=False)
            .values("order_id")
        )
        .order_by("created_at")
        .values_list("pk", "created_at")
        .first()
    )
    first = min(
        (item for item in (tender, gateway) if item), key=lambda item: item[1], default=None
    )
    return first[0] if first else None


def order_redemption_ids(order: Order) -> list[int]:
    """The active redemptions an order paid with or whose checkout it completed."""
    card_ids = list(order.gift_cards.values_list("pk", flat=True)) + list(
        TransactionItem.objects.filter(
            order_id=order.pk,
            app_identifier=GIFT_CARD_PAYMENT_GATEWAY_ID,
            gift_card_id__isnull=False,
        ).values_list("gift_card_id", flat=True)
    )
    redemptions = LoyaltyRedemption.objects.filter(
        status=RedemptionStatus.ACTIVE, gift_card_id__in=card_ids
    )
    if order.checkout_token:
        redemptions = redemptions | LoyaltyRedemption.objects.filter(
            status=RedemptionStatus.ACTIVE, checkout_token=order.checkout_token
        )
    return list(redemptions.order_by("pk").values_list("pk", flat=True))
