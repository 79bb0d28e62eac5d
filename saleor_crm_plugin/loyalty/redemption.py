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
  points worth what the gift card paid of an order are spent, the rest is released
  (``release:<id>``, ``ledger.release_debit``: each point back to the batch it was
  reserved from, with that batch's expiry), and the card is deactivated and
  detached. Settling happens when the order is created (``order_created``), when
  the shopper removes the points, and for checkouts deleted, left beyond the
  channel's ``redemption_hold`` or whose card the shopper removed (periodic task).
* **refund**: an order paid partly with points gives back the refunded share of the
  points it spent (``return:order:<id>:<total>``, reconciled like earn reversals).
"""

import dataclasses
import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone
from saleor.account.models import User
from saleor.app.models import App
from saleor.checkout import calculations
from saleor.checkout.fetch import fetch_checkout_info, fetch_checkout_lines
from saleor.checkout.models import Checkout
from saleor.core.utils.promo_code import generate_promo_code
from saleor.giftcard import events as gift_card_events
from saleor.giftcard.lock_objects import gift_card_qs_select_for_update
from saleor.giftcard.models import GiftCard
from saleor.giftcard.utils import (
    add_gift_card_code_to_checkout,
    assign_gift_card_to_user,
)
from saleor.order.models import Order, OrderLine
from saleor.plugins.manager import PluginsManager

from ..config import ChannelConfig, load_channel_program
from . import fetch, rules
from .accounts import get_or_create_account
from .error_codes import LoyaltyErrorCode
from .exceptions import InsufficientPoints, InvalidPoints, LoyaltyError, ProgramInactive
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
        rules.to_minor_units(Decimal(points) * config.point_value, currency), currency
    )


def payable_points(points: int, *, config: ChannelConfig, currency: str) -> int:
    """The most of ``points`` the currency can pay out exactly.

    A card is worth whole currency units (cents, yen): with a point worth 0.01 JPY,
    150 points make a 1 JPY card, which 100 points pay for; the other 50 stay with the
    customer instead of buying nothing.
    """
    value = points_value(points, config=config, currency=currency)
    return min(points, int((value / config.point_value).to_integral_value(ROUND_FLOOR)))


def points_for_value(
    value: Decimal, *, points: int, full_value: Decimal, config: ChannelConfig
) -> int:
    """Of a redemption of ``points`` worth ``full_value``, the points ``value`` used."""
    if value <= 0:
        return 0
    if value >= full_value:
        return points
    return min(
        points, int((value / config.point_value).to_integral_value(ROUND_CEILING))
    )


def max_redeemable_points(
    *, config: ChannelConfig, amounts: CheckoutAmounts, balance: int
) -> int:
    """The most points a checkout takes: balance, percentage cap; 0 below the minimum."""
    payable = max(amounts.total - amounts.other_gift_cards, Decimal(0))
    cap_value = payable * config.redemption_max_percent / 100
    cap_points = int(cap_value / config.point_value)
    maximum = max(min(balance, cap_points, MAX_ENTRY_POINTS), 0)
    maximum = payable_points(maximum, config=config, currency=amounts.currency)
    return maximum if maximum >= max(config.redemption_min_points, 1) else 0


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


def checkout_amounts(
    checkout: Checkout, *, config: ChannelConfig, gift_cards
) -> CheckoutAmounts:
    """``checkout``'s amounts from the prices Saleor stored on it last."""
    include_tax = config.eligible_include_tax
    subtotal = checkout.subtotal.gross if include_tax else checkout.subtotal.net
    base = subtotal.amount
    if config.eligible_include_shipping:
        shipping = (
            checkout.shipping_price.gross
            if include_tax
            else checkout.shipping_price.net
        )
        base += shipping.amount
    others = sum(
        (
            card.current_balance_amount
            for card in gift_cards
            if not is_loyalty_gift_card(card)
        ),
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
    if points < config.redemption_min_points:
        raise InvalidPoints(
            f"At least {config.redemption_min_points} points must be redeemed at once.",
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
        raise ProgramInactive(
            "The loyalty programme is not active in this channel.", field="id"
        )
    if checkout.user_id is None:
        raise CheckoutWithoutCustomer(
            "Points can be redeemed only on a checkout of a signed-in customer.",
            field="id",
        )
    config = program.config
    lines, _ = fetch_checkout_lines(checkout)
    checkout_info = fetch_checkout_info(checkout, lines, manager)
    calculations.calculate_checkout_total(
        manager=manager, checkout_info=checkout_info, lines=lines
    )
    now = timezone.now()
    with transaction.atomic():
        account = get_or_create_account(
            user_id=checkout.user_id, channel_id=checkout.channel_id
        )
        locked = loyalty_account_qs_select_for_update().get(pk=account.pk)
        current = _active_redemption(checkout.token)
        gift_cards = [
            card
            for card in usable_gift_cards(checkout.gift_cards.all(), today=now.date())
            if current is None or card.pk != current.gift_card_id
        ]
        amounts = checkout_amounts(
            checkout_info.checkout, config=config, gift_cards=gift_cards
        )
        balance = locked.balance + (current.points if current else 0)
        maximum = max_redeemable_points(config=config, amounts=amounts, balance=balance)
        _check_points(points, maximum=maximum, balance=balance, config=config)
        points = payable_points(points, config=config, currency=checkout.currency)
        if points <= 0 or points < config.redemption_min_points:
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
        LoyaltyRedemption.objects.filter(pk=redemption.pk).update(
            gift_card_id=gift_card.pk
        )
        redemption.gift_card_id = gift_card.pk
        add_gift_card_code_to_checkout(
            checkout,
            checkout.get_customer_email() or "",
            gift_card.code,
            checkout.currency,
        )
        _invalidate_prices([checkout.token], now=now)
    return redemption


def _issue_gift_card(
    checkout: Checkout, *, value: Decimal, actor_user, actor_app
) -> GiftCard:
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
    """Settle an active redemption; the caller holds the account's lock."""
    config = load_channel_program(redemption.account.channel_id).config
    gift_card = (
        gift_card_qs_select_for_update().filter(pk=redemption.gift_card_id).first()
    )
    used = Decimal(0)
    if gift_card is not None:
        used = min(
            max(redemption.value - gift_card.current_balance_amount, Decimal(0)),
            redemption.value,
        )
    spent = points_for_value(
        used, points=redemption.points, full_value=redemption.value, config=config
    )
    if spent and order_id is None:
        order_id = (
            gift_card.orders.order_by("created_at").values_list("pk", flat=True).first()
        )
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
    card_ids = list(order.gift_cards.values_list("pk", flat=True))
    redemptions = LoyaltyRedemption.objects.filter(
        status=RedemptionStatus.ACTIVE, gift_card_id__in=card_ids
    )
    if order.checkout_token:
        redemptions = redemptions | LoyaltyRedemption.objects.filter(
            status=RedemptionStatus.ACTIVE, checkout_token=order.checkout_token
        )
    ids = list(redemptions.order_by("pk").values_list("pk", flat=True))
    return sum(settle_redemption(redemption_id=pk, order_id=order.pk) for pk in ids)


def release_abandoned_redemptions(
    *, now: datetime.datetime, limit: int = BATCH_SIZE
) -> int:
    """Settle redemptions whose checkout is gone, was left too long or lost the card.

    A checkout whose completion has started is left alone: its order settles it.
    """
    settled = 0
    holds: dict[int, int] = {}
    last_pk = 0
    while True:
        batch = list(
            LoyaltyRedemption.objects.filter(
                status=RedemptionStatus.ACTIVE, pk__gt=last_pk
            )
            .order_by("pk")
            .values_list("pk", "checkout_token", "gift_card_id", "account__channel_id")[
                :limit
            ]
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
        attached = set(
            Checkout.gift_cards.through.objects.filter(
                checkout_id__in=tokens
            ).values_list("checkout_id", "giftcard_id")
        )
        for pk, token, card_id, channel_id in batch:
            if channel_id not in holds:
                holds[channel_id] = load_channel_program(
                    channel_id
                ).config.redemption_hold_seconds
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

    The share is of the order's value: refunded lines count their gross share,
    money refunded without lines counts as the same share of the whole order as of
    the money it asked for; a cancelled or expired order gives everything back.
    Returned points are a new batch that expires as newly earned points do.
    """
    now = now or timezone.now()
    spent = (
        LoyaltyRedemption.objects.filter(
            order_id=order_id, status=RedemptionStatus.SPENT
        )
        .values("account_id")
        .annotate(points=Sum("spent_points"))
        .order_by("account_id")
        .first()
    )
    order = Order.objects.filter(pk=order_id).first()
    if not spent or order is None:
        return 0
    refunded, whole = _refunded_share_of_value(order)
    target = rules.share_of_points(spent["points"], refunded, whole)
    if order.status in VOID_ORDER_STATUSES:
        target = spent["points"]
    if target <= 0:
        return 0
    config = load_channel_program(order.channel_id).config
    with transaction.atomic():
        account = loyalty_account_qs_select_for_update().get(pk=spent["account_id"])
        done = (
            LoyaltyEntry.objects.filter(
                account=account, order_id=order.pk, type=EntryType.RELEASE
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
            if config.expire_seconds is None
            else now + datetime.timedelta(seconds=config.expire_seconds),
            occurred_at=now,
        )
    return delta if posting.created else 0


def _refunded_share_of_value(order: Order) -> tuple[Decimal, Decimal]:
    """(refunded value, whole value) of ``order``, gift-card tender included.

    Saleor's order total is what remained after gift cards paid; the lines are worth
    the whole order. Refunded lines count their gross value; money refunded without
    lines counts the same share of the whole as of the money the order asked for.
    """
    money = fetch.order_money(order)
    whole = order.total_gross_amount + fetch.gift_card_tender(order)
    value = Decimal(0)
    lines = OrderLine.objects.filter(order_id=order.pk).values_list(
        "pk", "quantity", "total_price_gross_amount"
    )
    for line_id, quantity, total in lines:
        refunded = money.refunded_quantities.get(str(line_id), 0)
        if quantity and refunded:
            value += total * min(refunded, quantity) / quantity
    if money.refunded_without_lines > 0 and money.due > 0:
        value += whole * min(money.refunded_without_lines / money.due, Decimal(1))
    return min(value, whole), whole
