"""What a refund gives back of the points an order spent.

An order paid partly with points gives back the refunded share of the points it
spent (``return:order:<id>:<total>``), reconciled like earn reversals
(``orders.py``): the key names the total the order's returns reach, and only the
difference from what was already returned is posted, so a replayed refund or a
retried task changes nothing. The refunded share is one rule,
``rules.refunded_value``, the same that reverses earned points.
"""

import datetime
from uuid import UUID

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from saleor.order.models import Order

from ..config import ChannelConfig, load_channel_program
from . import fetch, rules
from .accounts import expires_after
from .ledger import EntrySource, post_entry
from .lock_objects import loyalty_account_qs_select_for_update
from .models import EntryType, LoyaltyEntry, LoyaltyRedemption, RedemptionStatus
from .orders import VOID_ORDER_STATUSES
from .quote import points_value


def order_points_return_refunded(
    *, order_id: UUID | str, now: datetime.datetime | None = None
) -> int:
    """Give back the refunded share of the points an order spent (the difference only).

    The refunded part of the order's value (``rules.refunded_value``, the same rule
    that reverses earned points) was paid by points and money in the proportion they
    paid the order: the points' share of it comes back, less whatever money the
    refunds paid beyond the money's share (``rules.points_to_return``). A cancelled or
    expired order gives everything back. Returned points are a new batch that expires
    as newly earned points do. Returns the points given back now.
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
    target = _return_target(order, spent_points=spent["points"], config=config)
    if target <= 0:
        return 0
    return _post_return(
        order, account_id=spent["account_id"], target=target, config=config, now=now
    )


def _return_target(order: Order, *, spent_points: int, config: ChannelConfig) -> int:
    """How many of the ``spent_points`` the order's refunds or cancellation give back."""
    if order.status in VOID_ORDER_STATUSES:
        return spent_points
    money = fetch.order_money(order)
    parts = fetch.order_value_parts(order)
    return rules.points_to_return(
        spent_points=spent_points,
        points_paid=points_value(spent_points, config=config, currency=order.currency),
        whole=parts.whole,
        refunded=rules.refunded_value(parts=parts, taken_back=money.taken_back()),
        money_refunded=money.refunded_for_the_order,
    )


def _post_return(
    order: Order, *, account_id: int, target: int, config: ChannelConfig, now: datetime.datetime
) -> int:
    """Post what brings the order's returned points to ``target``; the points posted."""
    with transaction.atomic():
        account = loyalty_account_qs_select_for_update().get(pk=account_id)
        # Only this module's own entries (a settlement's release may name the order too).
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
            expires_at=expires_after(config.loyalty.expire_seconds, now),
            occurred_at=now,
        )
    return delta if posting.created else 0
