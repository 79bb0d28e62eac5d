"""Reads of Saleor's data that the loyalty rules need.

Kept apart from the rules so that the rules stay pure and these reads stay few: each
function is a handful of queries whatever the size of the order.

Money is read from both payment flows Saleor has: the transactions API
(``TransactionItem`` amounts, granted refunds) and legacy ``Payment`` objects
(captures and refund transactions). Gift cards are tender, never money that earns
points, whichever way they paid: attached to the checkout (Saleor then lowers the
order's total and records ``GiftCardEvent`` "used in order"; loyalty redemptions work
this way) or through Saleor's gift-card payment gateway (a ``TransactionItem``).
"""

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from saleor.giftcard import GiftCardEvents
from saleor.giftcard.const import GIFT_CARD_PAYMENT_GATEWAY_ID
from saleor.giftcard.models import GiftCardEvent
from saleor.order import FulfillmentStatus, OrderGrantedRefundStatus, OrderStatus
from saleor.order.models import (
    Fulfillment,
    FulfillmentLine,
    Order,
    OrderGrantedRefund,
    OrderGrantedRefundLine,
    OrderLine,
)
from saleor.payment import TransactionEventType, TransactionKind
from saleor.payment.models import (
    Payment,
    Transaction,
    TransactionEvent,
    TransactionItem,
)

from ..config import ChannelConfig, active_channel_programs
from .models import EntryType, LoyaltyAccount, LoyaltyEntry, LoyaltyRedemption
from .rules import OrderParts, TakenBack

SHIPPING = "shipping"  # the order's shipping, as a part next to its lines

_REFUNDED_FULFILLMENTS = (
    FulfillmentStatus.REFUNDED,
    FulfillmentStatus.REFUNDED_AND_RETURNED,
)
_GRANT_REFUND_EVENTS = (
    TransactionEventType.REFUND_REQUEST,
    TransactionEventType.REFUND_SUCCESS,
    TransactionEventType.REFUND_REVERSE,
    TransactionEventType.REFUND_FAILURE,
)
NOT_EARNING_STATUSES = (OrderStatus.DRAFT, OrderStatus.CANCELED, OrderStatus.EXPIRED)


@dataclasses.dataclass(frozen=True)
class EligibleAmounts:
    """The part of an order that earns points: in total and per order line."""

    total: Decimal
    by_line: dict[str, Decimal]
    quantities: dict[str, int]


@dataclasses.dataclass(frozen=True)
class OrderMoney:
    """What an order asked for and what moved, gift-card tender left out."""

    due: Decimal
    captured: Decimal  # ever captured: refunded money still counts
    refunded: Decimal
    # Refunds that name order lines: quantity per line and the money they returned.
    refunded_quantities: dict[str, int]
    refunded_for_lines: Decimal

    @property
    def paid_in_full(self) -> bool:
        return self.captured >= self.due

    @property
    def refunded_without_lines(self) -> Decimal:
        """Money refunded beyond the line refunds and beyond any overpayment."""
        overpaid = max(self.captured - self.due, Decimal(0))
        unexplained = self.refunded - min(self.refunded_for_lines, self.refunded)
        return max(unexplained - overpaid, Decimal(0))

    @property
    def refunded_for_the_order(self) -> Decimal:
        """Money refunded for what the order sold: all of it but an overpayment."""
        return min(self.refunded_for_lines, self.refunded) + self.refunded_without_lines

    def taken_back(self, remaining: dict[str, int] | None = None) -> TakenBack:
        """What the refunds took back (and, given ``remaining``, the edits)."""
        share = self.refunded_without_lines / self.due if self.due > 0 else Decimal(0)
        return TakenBack(
            quantities=self.refunded_quantities, money_share=share, remaining=remaining
        )


def gift_card_tender(order: Order) -> Decimal:
    """What gift cards (loyalty redemptions included) paid of ``order``.

    Saleor records a "used in order" event with the card's balance before and after
    both when a card attached to the checkout pays and when the gift-card gateway
    charges its transaction, so the events alone count each card once.
    """
    tender = Decimal(0)
    events = GiftCardEvent.objects.filter(
        order_id=order.pk, type=GiftCardEvents.USED_IN_ORDER
    ).values_list("parameters", flat=True)
    for parameters in events:
        balance = (parameters or {}).get("balance") or {}
        before = Decimal(str(balance.get("old_current_balance") or 0))
        after = Decimal(str(balance.get("current_balance") or 0))
        tender += max(before - after, Decimal(0))
    return tender


def eligible_amounts(order: Order, config: ChannelConfig) -> EligibleAmounts:
    """The amount of ``order`` that earns points, in total and per line.

    Lines count after discounts, net of tax unless configured otherwise; shipping only
    when configured. Gift-card tender (which is how loyalty points pay) is subtracted
    in full, so points never earn points; each line keeps its share of what is left.
    """
    price_field = (
        "total_price_gross_amount"
        if config.loyalty.eligible_include_tax
        else "total_price_net_amount"
    )
    by_line: dict[str, Decimal] = {}
    quantities: dict[str, int] = {}
    rows = OrderLine.objects.filter(order_id=order.pk).values_list("pk", price_field, "quantity")
    for line_id, amount, quantity in rows:
        by_line[str(line_id)] = Decimal(amount)
        quantities[str(line_id)] = quantity
    if config.loyalty.eligible_include_shipping:
        shipping = (
            order.shipping_price_gross_amount
            if config.loyalty.eligible_include_tax
            else order.shipping_price_net_amount
        )
        if shipping:
            by_line["shipping"] = Decimal(shipping)
            quantities["shipping"] = 1
    base = sum(by_line.values(), Decimal(0))
    tender = gift_card_tender(order)
    total = max(base - tender, Decimal(0))
    if tender > 0 and base > 0:
        by_line = {key: amount * total / base for key, amount in by_line.items()}
    return EligibleAmounts(total=total, by_line=by_line, quantities=quantities)


def order_value_parts(order: Order) -> OrderParts:
    """``order``'s value as its customer paid it: gross lines and shipping, and the
    whole, gift-card tender (points included) added back to Saleor's total."""
    values: dict[str, Decimal] = {}
    quantities: dict[str, int] = {}
    rows = OrderLine.objects.filter(order_id=order.pk).values_list(
        "pk", "quantity", "total_price_gross_amount"
    )
    for line_id, quantity, total in rows:
        values[str(line_id)] = Decimal(total)
        quantities[str(line_id)] = quantity
    if order.shipping_price_gross_amount:
        values[SHIPPING] = Decimal(order.shipping_price_gross_amount)
        quantities[SHIPPING] = 1
    whole = order.total_gross_amount + gift_card_tender(order)
    return OrderParts(values=values, quantities=quantities, whole=whole)


def remaining_quantities(order: Order) -> dict[str, int]:
    """The quantity of each of ``order``'s parts now (lines, shipping if charged)."""
    quantities = {
        str(line_id): quantity
        for line_id, quantity in OrderLine.objects.filter(order_id=order.pk).values_list(
            "pk", "quantity"
        )
    }
    if order.shipping_price_gross_amount:
        quantities[SHIPPING] = 1
    return quantities


def order_money(order: Order) -> OrderMoney:
    """Money asked, captured and refunded on ``order`` through both payment flows."""
    by_gift_cards = Q(app_identifier=GIFT_CARD_PAYMENT_GATEWAY_ID)
    transactions = TransactionItem.objects.filter(order_id=order.pk).aggregate(
        charged=Sum("charged_value", filter=~by_gift_cards, default=0),
        refunded=Sum("refunded_value", filter=~by_gift_cards, default=0),
        gift_cards=Sum(F("charged_value") + F("refunded_value"), filter=by_gift_cards, default=0),
    )
    payments = Transaction.objects.filter(payment__order_id=order.pk, is_success=True).aggregate(
        refunded=Sum("amount", filter=Q(kind=TransactionKind.REFUND), default=0),
        reversed=Sum("amount", filter=Q(kind=TransactionKind.REFUND_REVERSED), default=0),
    )
    captured_by_payments = Payment.objects.filter(order_id=order.pk).aggregate(
        total=Sum("captured_amount", default=0)
    )["total"]
    refunded = transactions["refunded"] + payments["refunded"] - payments["reversed"]
    quantities, refunded_for_lines = _line_refunds(order)
    return OrderMoney(
        due=max(order.total_gross_amount - transactions["gift_cards"], Decimal(0)),
        captured=transactions["charged"] + captured_by_payments + refunded,
        refunded=refunded,
        refunded_quantities=quantities,
        refunded_for_lines=refunded_for_lines,
    )


def _line_refunds(order: Order) -> tuple[dict[str, int], Decimal]:
    """Refunded quantity per order line (and shipping) and the money those returned.

    Legacy payments record a refund of lines as a refunded fulfillment; the
    transactions API as a granted refund whose refund succeeded. The two are
    alternative records of the same refund, so a line counts the larger of the two,
    never their sum. Shipping counts as refunded (quantity 1 of ``SHIPPING``) when a
    refund included it.
    """
    from_fulfillments: dict[str, int] = {}
    rows = (
        FulfillmentLine.objects.filter(
            fulfillment__order_id=order.pk,
            fulfillment__status__in=_REFUNDED_FULFILLMENTS,
        )
        .values("order_line_id")
        .annotate(quantity=Sum("quantity"))
        .order_by()
    )
    for row in rows:
        from_fulfillments[str(row["order_line_id"])] = row["quantity"]
    refunds = (
        Fulfillment.objects.filter(
            order_id=order.pk,
            status__in=_REFUNDED_FULFILLMENTS,
            total_refund_amount__isnull=False,
        )
        .filter(Q(lines__isnull=False) | Q(shipping_refund_amount__gt=0))
        .distinct()
        .aggregate(total=Sum("total_refund_amount"), shipping=Sum("shipping_refund_amount"))
    )
    if refunds["shipping"]:
        from_fulfillments[SHIPPING] = 1
    money = refunds["total"] or Decimal(0)

    grant_ids = list(_refunded_grants(order).values_list("pk", flat=True))
    from_grants: dict[str, int] = {}
    rows = (
        OrderGrantedRefundLine.objects.filter(granted_refund_id__in=grant_ids)
        .values("order_line_id")
        .annotate(quantity=Sum("quantity"))
        .order_by()
    )
    for row in rows:
        from_grants[str(row["order_line_id"])] = row["quantity"]
    grants = (
        OrderGrantedRefund.objects.filter(pk__in=grant_ids)
        .filter(Q(lines__isnull=False) | Q(shipping_costs_included=True))
        .distinct()
        .aggregate(
            total=Sum("amount_value"),
            shipping=Count("pk", filter=Q(shipping_costs_included=True)),
        )
    )
    if grants["shipping"]:
        from_grants[SHIPPING] = 1
    money += grants["total"] or Decimal(0)

    keys = from_fulfillments.keys() | from_grants.keys()
    quantities = {key: max(from_fulfillments.get(key, 0), from_grants.get(key, 0)) for key in keys}
    return quantities, Decimal(money)


def _refunded_grants(order: Order):
    """Granted refunds of ``order`` whose refund went through.

    Saleor sets a grant's status only after it has announced the refund to plugins,
    so the status is derived here the way Saleor derives it: from the latest refund
    event linked to the grant (the stored status when there is none).
    """
    last_event = (
        TransactionEvent.objects.filter(
            related_granted_refund_id=OuterRef("pk"),
            transaction_id=OuterRef("transaction_item_id"),
            type__in=_GRANT_REFUND_EVENTS,
        )
        .order_by("-created_at", "-pk")
        .values("type")[:1]
    )
    return (
        OrderGrantedRefund.objects.filter(order_id=order.pk)
        .annotate(last_event=Subquery(last_event))
        .filter(
            Q(last_event=TransactionEventType.REFUND_SUCCESS)
            | Q(last_event__isnull=True, status=OrderGrantedRefundStatus.SUCCESS)
        )
    )


def orders_to_backfill(*, channel_id: int, since: datetime.datetime | None = None):
    """Ids of a channel's customer orders that have not earned yet, oldest first."""
    earned = LoyaltyEntry.objects.filter(order_id=OuterRef("pk"), type=EntryType.EARN)
    orders = Order.objects.filter(channel_id=channel_id, user_id__isnull=False).exclude(
        status__in=NOT_EARNING_STATUSES
    )
    if since is not None:
        orders = orders.filter(created_at__gte=since)
    return orders.filter(~Exists(earned)).order_by("created_at", "pk")


def customer_orders_changed(*, channel_id: int, changed_since: datetime.datetime):
    """A channel's customer orders (drafts aside) changed since the given time, in the
    order they changed: the orders whose points an event may have had to move."""
    return (
        Order.objects.filter(
            channel_id=channel_id, user_id__isnull=False, updated_at__gte=changed_since
        )
        .exclude(status=OrderStatus.DRAFT)
        .order_by("updated_at", "pk")
    )


def inactive_program_channel_ids() -> list[int]:
    """Channels with loyalty accounts whose CRM plugin configuration is not active."""
    return list(
        LoyaltyAccount.objects.exclude(channel_id__in=list(active_channel_programs()))
        .order_by("channel_id")
        .values_list("channel_id", flat=True)
        .distinct()
    )


def orders_with_points(*, channel_id: int, changed_since: datetime.datetime | None):
    """A channel's orders that earned or spent points and changed since the given
    time (all of them without one), in the order they changed."""
    earned = LoyaltyEntry.objects.filter(order_id=OuterRef("pk"), type=EntryType.EARN)
    spent = LoyaltyRedemption.objects.filter(order_id=OuterRef("pk"))
    orders = Order.objects.filter(channel_id=channel_id).filter(Exists(earned) | Exists(spent))
    if changed_since is not None:
        orders = orders.filter(updated_at__gte=changed_since)
    return orders.order_by("updated_at", "pk")
