"""Reads of Saleor's order data that the loyalty rules need.

Kept apart from the rules so that the rules stay pure and these reads stay few: each
function is one or two queries whatever the size of the order.
"""

import dataclasses
from decimal import Decimal

from django.db.models import Sum
from saleor.giftcard import GiftCardEvents
from saleor.giftcard.models import GiftCardEvent
from saleor.order import FulfillmentStatus, OrderGrantedRefundStatus
from saleor.order.models import FulfillmentLine, Order, OrderGrantedRefundLine, OrderLine
from saleor.payment import TransactionKind
from saleor.payment.models import Transaction, TransactionItem

from ..config import ChannelConfig

_REFUNDED_FULFILLMENTS = (
    FulfillmentStatus.REFUNDED,
    FulfillmentStatus.REFUNDED_AND_RETURNED,
)


@dataclasses.dataclass(frozen=True)
class EligibleAmounts:
    total: Decimal
    by_line: dict[str, Decimal]


def gift_card_tender(order: Order) -> Decimal:
    """What gift cards (loyalty redemptions included) paid of ``order``."""
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
    when configured. The part paid by gift cards (which is how loyalty points pay) is
    taken out proportionally, so points never earn points.
    """
    price_field = (
        "total_price_gross_amount" if config.eligible_include_tax else "total_price_net_amount"
    )
    by_line = {
        str(line_id): Decimal(amount)
        for line_id, amount in OrderLine.objects.filter(order_id=order.pk).values_list(
            "pk", price_field
        )
    }
    if config.eligible_include_shipping:
        shipping = (
            order.shipping_price_gross_amount
            if config.eligible_include_tax
            else order.shipping_price_net_amount
        )
        if shipping:
            by_line["shipping"] = Decimal(shipping)
    gross = Decimal(order.total_gross_amount)
    tender = gift_card_tender(order)
    if tender > 0 and gross > 0:
        scale = max(Decimal(0), 1 - tender / gross)
        by_line = {key: amount * scale for key, amount in by_line.items()}
    return EligibleAmounts(total=sum(by_line.values(), Decimal(0)), by_line=by_line)


def refunded_quantities(order: Order) -> dict[str, int]:
    """Refunded quantity per order line, from refund fulfillments and granted refunds.

    The two are alternative ways to record the same refund (payments vs transactions
    API), so a line counts the larger of the two, never their sum.
    """
    from_fulfillments: dict[str, int] = {}
    rows = (
        FulfillmentLine.objects.filter(
            fulfillment__order_id=order.pk,
            fulfillment__status__in=_REFUNDED_FULFILLMENTS,
        )
        .values("order_line_id")
        .annotate(quantity=Sum("quantity"))
    )
    for row in rows:
        from_fulfillments[str(row["order_line_id"])] = row["quantity"]
    from_grants: dict[str, int] = {}
    rows = (
        OrderGrantedRefundLine.objects.filter(
            granted_refund__order_id=order.pk,
            granted_refund__status=OrderGrantedRefundStatus.SUCCESS,
        )
        .values("order_line_id")
        .annotate(quantity=Sum("quantity"))
    )
    for row in rows:
        from_grants[str(row["order_line_id"])] = row["quantity"]
    keys = from_fulfillments.keys() | from_grants.keys()
    return {key: max(from_fulfillments.get(key, 0), from_grants.get(key, 0)) for key in keys}


def line_quantities(order: Order) -> dict[str, int]:
    return {
        str(line_id): quantity
        for line_id, quantity in OrderLine.objects.filter(order_id=order.pk).values_list(
            "pk", "quantity"
        )
    }


def refunded_amount(order: Order) -> Decimal:
    """Money refunded on ``order`` through transactions and legacy payments."""
    by_transactions = TransactionItem.objects.filter(order_id=order.pk).aggregate(
        total=Sum("refunded_value")
    )["total"] or Decimal(0)
    by_payments = Transaction.objects.filter(
        payment__order_id=order.pk, kind=TransactionKind.REFUND, is_success=True
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return Decimal(by_transactions) + Decimal(by_payments)
