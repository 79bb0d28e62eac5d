"""Points redeemed at checkout, paid as a gift card of the checkout (ARCHITECTURE §4).

Saleor keeps totals, taxes and order creation: applying points creates a gift card
worth the points, restricted to the customer (``assign_gift_card_to_user``), tagged
``crm.loyalty.checkout`` in its metadata and attached to the checkout, so Saleor's own
gift-card-adjusted total drops and ``checkoutComplete`` pays with it.

Life of a redemption (``LoyaltyRedemption``), all under the account's row lock:

* **apply**: a ``REDEEM`` entry (``redeem:<id>``) reserves the points; the ledger
  refuses an overdraft, so two checkouts racing for the same points cannot both get
  them. Applying again settles the active redemption of the checkout first.
* **settle**, exactly once (the redemption leaves ``active`` under the lock): the
  points worth what Saleor took or will take from the card are spent, the rest is
  released (``release:<id>``, ``ledger.release_debit``: each point back to the batch
  it was reserved from, with that batch's expiry, the latest-expiring points first,
  so the spent points are those that expire first), and the card is deactivated and
  detached. A batch that expired while its points were reserved gets its share back
  and expires at once (``expire:<batch>``): expiry never takes reserved points, and
  they never come back spendable after their expiry.
  Settling happens when the order is created (``order_created``), when the shopper
  removes the points, and for checkouts deleted, left beyond the channel's
  ``redemption_hold`` or whose card the shopper removed (periodic task).
* **the gift-card gateway**: whoever reads the card's code can authorise it with
  ``transactionInitialize`` on Saleor's built-in gift-card gateway, on any checkout
  of the customer, and Saleor charges an order's authorisation at confirmation
  without looking at ``is_active`` (ARCHITECTURE §4). So what a card paid is
  ``card_charged_values``: its balance drop (refunds to the card added back) plus
  the authorisations already on an order, which Saleor will charge; settling first
  voids the card's authorisations still on checkouts (Saleor's own
  ``detach_gift_card_from_previous_checkout_transactions``), so a released point's
  value can never be charged afterwards.
* **completion**: ``checkout_points_check_completion`` (``preprocess_order_creation``)
  refuses an order paid by a points card that is not its checkout's active
  redemption (a code moved to another checkout, by promo code or by the gateway) or
  that pays more than ``redemption_max_percent`` of what the order asks for then.
* **refund**: an order paid partly with points gives back the refunded share of the
  points it spent (``return:order:<id>:<total>``, reconciled like earn reversals).
"""

import dataclasses
import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.db import transaction
from django.db.models import Exists, Min, OuterRef, Q, Sum
from django.utils import timezone
from saleor.account.models import User
from saleor.app.models import App
from saleor.checkout import calculations
from saleor.checkout.fetch import fetch_checkout_info, fetch_checkout_lines
from saleor.checkout.models import Checkout
from saleor.core.utils.promo_code import generate_promo_code
from saleor.giftcard import events as gift_card_events
from saleor.giftcard.const import GIFT_CARD_PAYMENT_GATEWAY_ID
from saleor.giftcard.lock_objects import gift_card_qs_select_for_update
from saleor.giftcard.models import GiftCard
from saleor.giftcard.utils import (
    add_gift_card_code_to_checkout,
    assign_gift_card_to_user,
)
from saleor.order.models import Order
from saleor.payment import TransactionEventType
from saleor.payment.models import TransactionEvent, TransactionItem
from saleor.plugins.manager import PluginsManager

from ..config import ChannelConfig, load_channel_program
from . import fetch, rules
from .accounts import get_or_create_account
from .error_codes import LoyaltyErrorCode
from .exceptions import InsufficientPoints, InvalidPoints, LoyaltyError, ProgramInactive
from .gift_card_gateway import detach_gift_card_from_previous_checkout_transactions
from .ledger import MAX_ENTRY_POINTS, EntrySource, post_entry, release_debit
from .lock_objects import loyalty_account_qs_select_for_update
from .models import (
    EntryStatus,
    EntryType,
    LoyaltyEntry,
    LoyaltyRedemption,
    RedemptionStatus,
)
from .orders import VOID_ORDER_STATUSES

GIFT_CARD_METADATA_KEY = "crm.loyalty.checkout"
BATCH_SIZE = 500


class CheckoutWithoutCustomer(LoyaltyError):
    code = LoyaltyErrorCode.ACCOUNT_REQUIRED.value


class PointsCardNotApplicable(LoyaltyError):
    """A points card pays a checkout it was not issued for, or beyond the cap."""

    code = LoyaltyErrorCode.INVALID.value


# --- arithmetic (pure) ----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CheckoutAmounts:
    """What a checkout asks for, as Saleor last calculated it (gift cards aside)."""

    currency: str
    total: Decimal  # gross, after vouchers and promotions, before gift cards
    eligible_base: Decimal  # what would earn points, before gift-card tender
    other_gift_cards: Decimal  # balance of the checkout's gift cards that are not ours


@dataclasses.dataclass(frozen=True)
class CheckoutLoyaltyQuote:
    available_points: int
    applied_points: int
    applied_value: Decimal
    max_redeemable_points: int
    points_to_earn: int


def points_value(points: int, *, config: ChannelConfig, currency: str) -> Decimal:
    """What ``points`` are worth at checkout, rounded down to the currency's unit."""
    return rules.from_minor_units(
        rules.to_minor_units(Decimal(points) * config.loyalty.point_value, currency), currency
    )


def payable_points(points: int, *, config: ChannelConfig, currency: str) -> int:
    """The most of ``points`` the currency can pay out exactly.

    A card is worth whole currency units (cents, yen): with a point worth 0.01 JPY,
    150 points make a 1 JPY card, which 100 points pay for; the other 50 stay with the
    customer instead of buying nothing.
    """
    value = points_value(points, config=config, currency=currency)
    return min(points, int((value / config.loyalty.point_value).to_integral_value(ROUND_FLOOR)))


def points_for_value(
    value: Decimal, *, points: int, full_value: Decimal, config: ChannelConfig
) -> int:
    """Of a redemption of ``points`` worth ``full_value``, the points ``value`` used."""
    if value <= 0:
        return 0
    if value >= full_value:
        return points
    return min(points, int((value / config.loyalty.point_value).to_integral_value(ROUND_CEILING)))


def max_redeemable_points(*, config: ChannelConfig, amounts: CheckoutAmounts, balance: int) -> int:
    """The most points a checkout takes: balance, percentage cap; 0 below the minimum."""
    payable = max(amounts.total - amounts.other_gift_cards, Decimal(0))
    cap_value = payable * config.loyalty.redemption_max_percent / 100
    cap_points = int(cap_value / config.loyalty.point_value)
    maximum = max(min(balance, cap_points, MAX_ENTRY_POINTS), 0)
    maximum = payable_points(maximum, config=config, currency=amounts.currency)
    return maximum if maximum >= max(config.loyalty.redemption_min_points, 1) else 0


def quote_checkout(
    *,
    config: ChannelConfig,
    amounts: CheckoutAmounts,
    balance: int | None,
    applied_points: int,
    applied_value: Decimal,
    multiplier: Decimal,
) -> CheckoutLoyaltyQuote:
    """Points of a checkout; ``balance`` is None for a checkout without a customer."""
    tender = min(amounts.other_gift_cards + applied_value, amounts.total)
    eligible = max(amounts.eligible_base - tender, Decimal(0))
    earn = rules.points_for_amount(eligible, amounts.currency, config, multiplier)
    if balance is None:
        return CheckoutLoyaltyQuote(0, 0, Decimal(0), 0, earn)
    maximum = max_redeemable_points(
        config=config, amounts=amounts, balance=balance + applied_points
    )
    return CheckoutLoyaltyQuote(
        available_points=max(balance, 0),
        applied_points=applied_points,
        applied_value=applied_value,
        max_redeemable_points=maximum,
        points_to_earn=earn,
    )


# --- reading a checkout ---------------------------------------------------------------


def is_loyalty_gift_card(gift_card: GiftCard) -> bool:
    return GIFT_CARD_METADATA_KEY in (gift_card.metadata or {})


def usable_gift_cards(gift_cards, *, today: datetime.date) -> list[GiftCard]:
    """The cards Saleor counts in a checkout's total (``get_total_gift_cards_balance``)."""
    return [
        card
        for card in gift_cards
        if card.is_active and (card.expiry_date is None or card.expiry_date >= today)
    ]


def checkout_amounts(checkout: Checkout, *, config: ChannelConfig, gift_cards) -> CheckoutAmounts:
    """``checkout``'s amounts from the prices Saleor stored on it last."""
    include_tax = config.loyalty.eligible_include_tax
    subtotal = checkout.subtotal.gross if include_tax else checkout.subtotal.net
    base = subtotal.amount
    if config.loyalty.eligible_include_shipping:
        shipping = checkout.shipping_price.gross if include_tax else checkout.shipping_price.net
        base += shipping.amount
    others = sum(
        (card.current_balance_amount for card in gift_cards if not is_loyalty_gift_card(card)),
        Decimal(0),
    )
    return CheckoutAmounts(
        currency=checkout.currency,
        total=checkout.total.gross.amount,
        eligible_base=base,
        other_gift_cards=others,
    )


def active_redemptions_by_checkout_token(tokens, *, using: str) -> dict:
    """The active redemption of each checkout token that has one (for dataloaders)."""
    return {
        item.checkout_token: item
        for item in LoyaltyRedemption.objects.using(using).filter(
            checkout_token__in=list(tokens), status=RedemptionStatus.ACTIVE
        )
    }


def earliest_expiry_by_account_id(account_ids, *, using: str) -> dict:
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


def _gateway_transactions(gift_card_ids):
    """Saleor's gift-card-gateway transactions that name one of the cards."""
    return TransactionItem.objects.filter(
        app_identifier=GIFT_CARD_PAYMENT_GATEWAY_ID, gift_card_id__in=list(gift_card_ids)
    )


def card_charged_values(gift_card_ids) -> dict[int, Decimal]:
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
    transactions = _gateway_transactions(gift_card_ids).order_by()
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


# --- apply and remove -----------------------------------------------------------------


def _active_redemption(checkout_token) -> LoyaltyRedemption | None:
    return (
        LoyaltyRedemption.objects.select_for_update()
        .filter(checkout_token=checkout_token, status=RedemptionStatus.ACTIVE)
        .first()
    )


def _check_points(points, *, maximum: int, balance: int, config: ChannelConfig) -> None:
    if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
        raise InvalidPoints("Points must be a whole number above zero.", field="points")
    if points > balance:
        raise InsufficientPoints(
            f"The customer has {max(balance, 0)} points to redeem.", field="points"
        )
    if points < config.loyalty.redemption_min_points:
        raise InvalidPoints(
            f"At least {config.loyalty.redemption_min_points} points must be redeemed at once.",
            field="points",
        )
    if points > maximum:
        raise InvalidPoints(
            f"At most {maximum} points can be redeemed on this checkout.",
            field="points",
        )


def apply_checkout_points(
    *,
    checkout: Checkout,
    points: int,
    manager: PluginsManager,
    actor_user: User | None = None,
    actor_app: App | None = None,
) -> LoyaltyRedemption:
    """Reserve ``points`` of the checkout's customer and pay them as a gift card.

    Replaces what the checkout had applied. Nothing is written when it raises.
    """
    program = load_channel_program(checkout.channel_id)
    if not program.active:
        raise ProgramInactive("The loyalty programme is not active in this channel.", field="id")
    if checkout.user_id is None:
        raise CheckoutWithoutCustomer(
            "Points can be redeemed only on a checkout of a signed-in customer.",
            field="id",
        )
    config = program.config
    lines, _ = fetch_checkout_lines(checkout)
    checkout_info = fetch_checkout_info(checkout, lines, manager)
    calculations.calculate_checkout_total(manager=manager, checkout_info=checkout_info, lines=lines)
    now = timezone.now()
    with transaction.atomic():
        account = get_or_create_account(user_id=checkout.user_id, channel_id=checkout.channel_id)
        locked = loyalty_account_qs_select_for_update().get(pk=account.pk)
        current = _active_redemption(checkout.token)
        gift_cards = [
            card
            for card in usable_gift_cards(checkout.gift_cards.all(), today=now.date())
            if current is None or card.pk != current.gift_card_id
        ]
        amounts = checkout_amounts(checkout_info.checkout, config=config, gift_cards=gift_cards)
        balance = locked.balance + (current.points if current else 0)
        maximum = max_redeemable_points(config=config, amounts=amounts, balance=balance)
        _check_points(points, maximum=maximum, balance=balance, config=config)
        points = payable_points(points, config=config, currency=checkout.currency)
        if points <= 0 or points < config.loyalty.redemption_min_points:
            raise InvalidPoints(
                "These points are worth less than the smallest amount of the currency.",
                field="points",
            )
        if current is not None:
            _settle(current, now=now)
        value = points_value(points, config=config, currency=checkout.currency)
        redemption = LoyaltyRedemption.objects.create(
            account=locked,
            checkout_token=checkout.token,
            points=points,
            value=value,
            currency=checkout.currency,
            created_at=now,
        )
        post_entry(
            account=locked,
            points=-points,
            entry_type=EntryType.REDEEM,
            idempotency_key=f"redeem:{redemption.pk}",
            source=EntrySource(
                source_reference=f"checkout:{checkout.token}",
                reason="redeemed at checkout",
                actor_user_id=actor_user.pk if actor_user else None,
                actor_app_id=actor_app.pk if actor_app else None,
            ),
            occurred_at=now,
        )
        gift_card = _issue_gift_card(
            checkout, value=value, actor_user=actor_user, actor_app=actor_app
        )
        LoyaltyRedemption.objects.filter(pk=redemption.pk).update(gift_card_id=gift_card.pk)
        redemption.gift_card_id = gift_card.pk
        add_gift_card_code_to_checkout(
            checkout,
            checkout.get_customer_email() or "",
            gift_card.code,
            checkout.currency,
        )
        _invalidate_prices([checkout.token], now=now)
    return redemption


def _issue_gift_card(checkout: Checkout, *, value: Decimal, actor_user, actor_app) -> GiftCard:
    customer = checkout.user
    gift_card = GiftCard.objects.create(
        code=generate_promo_code(),
        currency=checkout.currency,
        initial_balance_amount=value,
        current_balance_amount=value,
        created_by=customer,
        created_by_email=customer.email,
        app=actor_app,
        metadata={GIFT_CARD_METADATA_KEY: str(checkout.token)},
    )
    gift_card_events.gift_card_issued_event(gift_card, user=actor_user, app=actor_app)
    assign_gift_card_to_user(gift_card, customer)
    gift_card_events.gift_card_assigned_event(
        gift_card,
        previous_user_id=None,
        previous_email=None,
        user=actor_user,
        app=actor_app,
    )
    return gift_card


def _invalidate_prices(checkout_tokens, *, now) -> None:
    Checkout.objects.filter(token__in=list(checkout_tokens)).update(
        price_expiration=now, last_change=now
    )


def remove_checkout_points(*, checkout: Checkout) -> LoyaltyRedemption | None:
    """Release what the checkout had applied (nothing to release: nothing happens)."""
    active = LoyaltyRedemption.objects.filter(
        checkout_token=checkout.token, status=RedemptionStatus.ACTIVE
    ).first()
    if active is None:
        return None
    settle_redemption(redemption_id=active.pk)
    active.refresh_from_db()
    return active


# --- completion -----------------------------------------------------------------------


def checkout_points_check_completion(*, checkout: Checkout, now: datetime.datetime) -> None:
    """Refuse an order of ``checkout`` that a points card would pay against the rules.

    Run as the checkout completes (Saleor's ``preprocess_order_creation``, prices
    just recalculated). A points card pays the checkout when it is attached to it
    or authorised on it through the gift-card gateway; each such card must be the
    card of this checkout's active redemption (a code moved to another checkout
    keeps the cap and the points of the one it was issued for), and what it pays
    must stay within ``redemption_max_percent`` of what the checkout asks for now.
    Raises ``PointsCardNotApplicable``; reads only. It runs on every completion, so a
    checkout that no points card touches costs one query.
    """
    gateway_authorisations = TransactionItem.objects.filter(
        checkout_id=checkout.pk,
        app_identifier=GIFT_CARD_PAYMENT_GATEWAY_ID,
        gift_card_id__isnull=False,
        authorized_value__gt=0,
    )
    points_cards = GiftCard.objects.filter(
        Q(checkouts=checkout.pk) | Q(pk__in=gateway_authorisations.values("gift_card_id")),
        metadata__has_key=GIFT_CARD_METADATA_KEY,
    ).distinct()
    cards = {card.pk: card for card in points_cards}
    if not cards:
        return
    attached = {
        card.pk: card for card in usable_gift_cards(checkout.gift_cards.all(), today=now.date())
    }
    authorised = dict(
        gateway_authorisations.order_by()
        .values("gift_card_id")
        .annotate(total=Sum("authorized_value"))
        .values_list("gift_card_id", "total")
    )
    # A card pays when Saleor counts it (attached and usable) or has authorised it.
    cards = {pk: card for pk, card in cards.items() if pk in attached or pk in authorised}
    if not cards:
        return
    redemption = LoyaltyRedemption.objects.filter(
        checkout_token=checkout.token, status=RedemptionStatus.ACTIVE
    ).first()
    if redemption is None or set(cards) != {redemption.gift_card_id}:
        raise PointsCardNotApplicable(
            "A points card can pay only the checkout its points were applied to.",
            field="gift_cards",
        )
    card = cards[redemption.gift_card_id]
    paying = card.current_balance_amount
    if card.pk not in attached:
        paying = min(authorised[card.pk], paying)
    config = load_channel_program(checkout.channel_id).config
    amounts = checkout_amounts(
        checkout,
        config=config,
        gift_cards=[item for item in attached.values() if item.pk not in cards],
    )
    payable = max(amounts.total - amounts.other_gift_cards, Decimal(0))
    cap = payable * config.loyalty.redemption_max_percent / 100
    if min(paying, payable) > cap:
        raise PointsCardNotApplicable(
            f"Points can pay at most {config.loyalty.redemption_max_percent}% of this "
            "checkout; apply them again.",
            field="gift_cards",
        )


# --- settling -------------------------------------------------------------------------


def settle_redemption(
    *, redemption_id: int, order_id=None, now: datetime.datetime | None = None
) -> bool:
    """Spend what the card paid, release the rest, deactivate the card: once."""
    now = now or timezone.now()
    redemption = LoyaltyRedemption.objects.filter(
        pk=redemption_id, status=RedemptionStatus.ACTIVE
    ).first()
    if redemption is None:
        return False
    with transaction.atomic():
        loyalty_account_qs_select_for_update().get(pk=redemption.account_id)
        redemption = LoyaltyRedemption.objects.select_for_update().get(pk=redemption_id)
        if redemption.status != RedemptionStatus.ACTIVE:
            return False
        _settle(redemption, now=now, order_id=order_id)
    return True


def _settle(redemption: LoyaltyRedemption, *, now, order_id=None) -> None:
    """Settle an active redemption; the caller holds the account's lock.

    Under the card's row lock (Saleor's gateway and checkout completion take it
    before they authorise or charge the card) and its gateway transactions' locks,
    the card's checkout authorisations are voided first; what is left charged or
    authorised on orders is spent, the rest released.
    """
    config = load_channel_program(redemption.account.channel_id).config
    gift_card = gift_card_qs_select_for_update().filter(pk=redemption.gift_card_id).first()
    used = Decimal(0)
    if gift_card is not None:
        _lock_gateway_transactions(gift_card)
        detach_gift_card_from_previous_checkout_transactions(gift_card)
        charged = card_charged_values([gift_card.pk])[gift_card.pk]
        used = min(max(charged, Decimal(0)), redemption.value)
    spent = points_for_value(
        used, points=redemption.points, full_value=redemption.value, config=config
    )
    if spent and order_id is None:
        order_id = _first_order_paid_by(gift_card)
    released = redemption.points - spent
    if released:
        # Each point goes back to the batch it was reserved from, with its expiry.
        release_debit(
            account=redemption.account,
            debit=LoyaltyEntry.objects.get(idempotency_key=f"redeem:{redemption.pk}"),
            points=released,
            idempotency_key=f"release:{redemption.pk}",
            source=EntrySource(
                source_reference=f"checkout:{redemption.checkout_token}",
                reason="redemption released",
            ),
            occurred_at=now,
            now=now,
        )
    if gift_card is not None:
        _retire_gift_card(gift_card, now=now)
    LoyaltyRedemption.objects.filter(pk=redemption.pk).update(
        status=RedemptionStatus.SPENT if spent else RedemptionStatus.RELEASED,
        spent_points=spent,
        order_id=order_id if spent else None,
        settled_at=now,
    )


def _lock_gateway_transactions(gift_card: GiftCard) -> None:
    """Lock the card's gateway transactions (a completion moving one to its order
    waits, or is waited for, before the card's authorisations are read)."""
    list(
        _gateway_transactions([gift_card.pk])
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _first_order_paid_by(gift_card: GiftCard):
    """The first order the card paid as checkout tender or through the gateway."""
    tender = gift_card.orders.order_by("created_at").values_list("pk", "created_at").first()
    gateway = (
        Order.objects.filter(
            pk__in=_gateway_transactions([gift_card.pk])
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


def _retire_gift_card(gift_card: GiftCard, *, now) -> None:
    """Deactivate the card and take it off any checkout (their prices change)."""
    if gift_card.is_active:
        GiftCard.objects.filter(pk=gift_card.pk).update(is_active=False)
        gift_card_events.gift_card_deactivated_event(gift_card, user=None, app=None)
    tokens = list(gift_card.checkouts.values_list("token", flat=True))
    if tokens:
        gift_card.checkouts.clear()
        _invalidate_prices(tokens, now=now)


def settle_order_redemptions(*, order_id) -> int:
    """Settle the redemptions an order paid with or whose checkout it completed."""
    order = Order.objects.filter(pk=order_id).only("pk", "checkout_token").first()
    if order is None:
        return 0
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
    ids = list(redemptions.order_by("pk").values_list("pk", flat=True))
    return sum(settle_redemption(redemption_id=pk, order_id=order.pk) for pk in ids)


def release_abandoned_redemptions(*, now: datetime.datetime, limit: int = BATCH_SIZE) -> int:
    """Settle redemptions whose checkout is gone, was left too long or lost the card
    (neither attached to it nor authorised on it through the gift-card gateway).

    A checkout whose completion has started is left alone: its order settles it.
    """
    settled = 0
    holds: dict[int, int] = {}
    last_pk = 0
    while True:
        batch = list(
            LoyaltyRedemption.objects.filter(status=RedemptionStatus.ACTIVE, pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "checkout_token", "gift_card_id", "account__channel_id")[:limit]
        )
        if not batch:
            return settled
        last_pk = batch[-1][0]
        tokens = [token for _pk, token, _card, _channel in batch]
        checkouts = {
            token: (last_change, completing)
            for token, last_change, completing in Checkout.objects.filter(
                token__in=tokens
            ).values_list("token", "last_change", "completing_started_at")
        }
        # A card pays its checkout attached to it, or authorised on it through the
        # gift-card gateway (the shopper may take the code off and pay with it there).
        attached = set(
            Checkout.gift_cards.through.objects.filter(checkout_id__in=tokens).values_list(
                "checkout_id", "giftcard_id"
            )
        ) | set(
            TransactionItem.objects.filter(
                checkout_id__in=tokens,
                app_identifier=GIFT_CARD_PAYMENT_GATEWAY_ID,
                gift_card_id__isnull=False,
                authorized_value__gt=0,
            ).values_list("checkout_id", "gift_card_id")
        )
        for pk, token, card_id, channel_id in batch:
            if channel_id not in holds:
                holds[channel_id] = load_channel_program(
                    channel_id
                ).config.loyalty.redemption_hold_seconds
            state = checkouts.get(token)
            abandoned = (
                state is None
                or (token, card_id) not in attached
                or (
                    state[1] is None
                    and state[0] <= now - datetime.timedelta(seconds=holds[channel_id])
                )
            )
            if abandoned:
                settled += settle_redemption(redemption_id=pk, now=now)


# --- refunds --------------------------------------------------------------------------


def return_refunded_points(*, order_id, now: datetime.datetime | None = None) -> int:
    """Give back the refunded share of the points an order spent (the difference only).

    The refunded part of the order's value (``rules.refunded_value``, the same rule
    that reverses earned points) was paid by points and money in the proportion they
    paid the order: the points' share of it comes back, less whatever money the
    refunds paid beyond the money's share (``rules.points_to_return``). A cancelled or
    expired order gives everything back. Returned points are a new batch that expires
    as newly earned points do.
    """
    now = now or timezone.now()
    spent = (
        LoyaltyRedemption.objects.filter(order_id=order_id, status=RedemptionStatus.SPENT)
        .values("account_id")
        .annotate(points=Sum("spent_points"))
        .order_by("account_id")
        .first()
    )
    order = Order.objects.filter(pk=order_id).first()
    if not spent or order is None:
        return 0
    config = load_channel_program(order.channel_id).config
    if order.status in VOID_ORDER_STATUSES:
        target = spent["points"]
    else:
        money = fetch.order_money(order)
        parts = fetch.order_value_parts(order)
        target = rules.points_to_return(
            spent_points=spent["points"],
            points_paid=points_value(spent["points"], config=config, currency=order.currency),
            whole=parts.whole,
            refunded=rules.refunded_value(parts=parts, taken_back=money.taken_back()),
            money_refunded=money.refunded_for_the_order,
        )
    if target <= 0:
        return 0
    with transaction.atomic():
        account = loyalty_account_qs_select_for_update().get(pk=spent["account_id"])
        # Only this function's own entries (a settlement's release may name the
        # order too).
        done = (
            LoyaltyEntry.objects.filter(
                account=account,
                type=EntryType.RELEASE,
                idempotency_key__startswith=f"return:order:{order.pk}:",
            ).aggregate(points=Sum("points"))["points"]
            or 0
        )
        delta = target - done
        if delta <= 0:
            return 0
        posting = post_entry(
            account=account,
            points=delta,
            entry_type=EntryType.RELEASE,
            idempotency_key=f"return:order:{order.pk}:{target}",
            source=EntrySource(
                order_id=order.pk,
                source_reference=f"order:{order.number}",
                reason="points returned on a refund",
            ),
            expires_at=None
            if config.loyalty.expire_seconds is None
            else now + datetime.timedelta(seconds=config.loyalty.expire_seconds),
            occurred_at=now,
        )
    return delta if posting.created else 0
