"""What became of an abandoned checkout once its shopper ordered.

Saleor deletes a checkout when it completes; the order keeps its token
(``Order.checkout_token``), which is our ``AbandonedCheckout.token``. So on every new
order (``order_created`` → task):

* the abandoned checkout with that token is closed as ``recovered`` when at least one
  reminder was sent for it, else ``completed`` (the shopper came back alone); the order's
  total and the discount our recovery offer gave (Saleor's voucher discounts of the
  order, counted only when the code is one of our offers) are copied for reports;
* the shopper's other open abandoned checkouts in that channel are closed as
  ``purchased_elsewhere`` (no reminder follows an order; a purchase in another channel,
  often another country's shop, leaves them open).

An abandoned checkout is attributed once (its ``order_id``): replays change nothing.
"""

import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from saleor.discount import DiscountType
from saleor.discount.models import OrderDiscount, OrderLineDiscount
from saleor.order.models import Order

from .models import (
    AbandonedCheckout,
    AbandonedStatus,
    CartRecoveryOffer,
    ReminderStatus,
)
from .offers import order_customer_email


def _token(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError):
        return None


def _shopper_lookup(order: Order) -> Q | None:
    """The shopper's abandoned checkouts: by e-mail, or by account when there is one."""
    lookups = []
    email = order_customer_email(order)
    if email:
        lookups.append(Q(email=email))
    if order.user_id:
        lookups.append(Q(user_id=order.user_id))
    if not lookups:
        return None
    lookup = lookups[0]
    for other in lookups[1:]:
        lookup |= other
    return lookup


def order_offer_discount(order: Order) -> Decimal:
    """What the order's CRM recovery code took off (0 when it used none)."""
    code = order.voucher_code
    if not code or not CartRecoveryOffer.objects.filter(code=code).exists():
        return Decimal(0)
    order_level = OrderDiscount.objects.filter(
        order_id=order.pk, type=DiscountType.VOUCHER, voucher_code=code
    ).aggregate(total=Sum("amount_value"))["total"]
    line_level = OrderLineDiscount.objects.filter(
        line__order_id=order.pk, type=DiscountType.VOUCHER, voucher_code=code
    ).aggregate(total=Sum("amount_value"))["total"]
    return (order_level or Decimal(0)) + (line_level or Decimal(0))


def abandoned_checkout_attribute(*, order_id: str) -> AbandonedCheckout | None:
    """Close the order's own abandoned checkout and the shopper's others; return its own."""
    order = Order.objects.filter(pk=order_id).select_related("user").first()
    if order is None:
        return None
    now = timezone.now()
    with transaction.atomic():
        own = None
        token = _token(order.checkout_token)
        if token is not None:
            own = (
                AbandonedCheckout.objects.select_for_update()
                .filter(token=token, order_id__isnull=True)
                .first()
            )
        if own is not None:
            reminded = own.reminders.filter(status=ReminderStatus.SENT).exists()
            own.status = AbandonedStatus.RECOVERED if reminded else AbandonedStatus.COMPLETED
            own.order_id = order.pk
            own.order_total_amount = order.total_gross_amount
            own.discount_amount = order_offer_discount(order)
            own.closed_at = now
            own.next_stage_at = None
            own.save(
                update_fields=[
                    "status",
                    "order_id",
                    "order_total_amount",
                    "discount_amount",
                    "closed_at",
                    "next_stage_at",
                ]
            )
        shopper = _shopper_lookup(order)
        if shopper is not None:
            others = AbandonedCheckout.objects.filter(
                shopper,
                channel_id=order.channel_id,
                status=AbandonedStatus.OPEN,
                detected_at__lte=order.created_at,
            )
            if own is not None:
                others = others.exclude(pk=own.pk)
            elif token is not None:
                others = others.exclude(token=token)
            others.update(
                status=AbandonedStatus.PURCHASED_ELSEWHERE, closed_at=now, next_stage_at=None
            )
    return own
