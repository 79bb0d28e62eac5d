"""A year of loyalty history for the demo: sample orders dated over past months, replayed.

Saleor's sample data creates every order "now". The demo spreads them over the past
``HISTORY_DAYS`` (oldest order number first; none in the last ``QUIET_DAYS``, which belong
to the abandoned checkouts of ``demo.seed_carts``), dates each customer's registration
before their first order, and then replays the orders through the programme in date
order, each as if it had been paid on its own date: the same service the backfill
command runs (``loyalty.orders.order_points_sync``) over the same selection
(``loyalty.fetch.orders_to_backfill``), only with ``now`` at the order's date, so points
became available then, expire ``points_expire_after`` later and tiers move on the way.
Refunds in the sample data take their points back; customers who registered after the
programme started get its sign-up bonus. Finally the scheduled expiry runs
(``loyalty.points_lifecycle.due_points_expire``) for today.

All in one transaction, and only while the channel's ledger is empty: a second run, or a
demo whose shoppers already earned points, is left as it is.
"""

import dataclasses
import datetime
import random

from django.db import transaction
from saleor.account.models import User
from saleor.order.models import Order

from saleor_crm_plugin.loyalty import fetch
from saleor_crm_plugin.loyalty.accounts import program_start_record
from saleor_crm_plugin.loyalty.models import LoyaltyEntry
from saleor_crm_plugin.loyalty.orders import order_points_sync
from saleor_crm_plugin.loyalty.points_lifecycle import due_points_expire

HISTORY_DAYS = 355
QUIET_DAYS = 8
# Customers without an order registered lately: the "new this month" segment.
NEW_CUSTOMER_DAYS = 25


@dataclasses.dataclass(frozen=True)
class HistoryResult:
    orders: int
    earning_orders: int
    points: int
    reversed: int
    expired: int


def history_needed(*, channel_id: int) -> bool:
    return not LoyaltyEntry.objects.filter(account__channel_id=channel_id).exists()


def orders_count(*, channel_id: int) -> int:
    return fetch.orders_to_backfill(channel_id=channel_id).count()


def loyalty_history_seed(
    *, channel_id: int, now: datetime.datetime, seed: int = 12
) -> HistoryResult | None:
    """Date the sample orders and replay them into points; None if the ledger has some."""
    if not history_needed(channel_id=channel_id):
        return None
    rng = random.Random(seed)
    with transaction.atomic():
        orders_date(now=now, rng=rng)
        customers_date(now=now, rng=rng)
        started_at = now - datetime.timedelta(days=HISTORY_DAYS + 30)
        program_start_record(channel_id=channel_id, started_at=started_at)
        result = _replay(channel_id=channel_id)
        expired = due_points_expire(now=now)
    return dataclasses.replace(result, expired=expired)


def orders_date(*, now: datetime.datetime, rng: random.Random) -> None:
    """Spread every order evenly over the history, oldest number first."""
    order_ids = list(Order.objects.order_by("number").values_list("pk", flat=True))
    span = HISTORY_DAYS - QUIET_DAYS
    for position, order_id in enumerate(order_ids):
        days = QUIET_DAYS + span * (len(order_ids) - position) / max(len(order_ids), 1)
        created_at = now - datetime.timedelta(days=days, minutes=rng.randrange(0, 600))
        Order.objects.filter(pk=order_id).update(created_at=created_at, updated_at=created_at)


def customers_date(*, now: datetime.datetime, rng: random.Random) -> None:
    """Customers registered some weeks before their first order, or lately if none."""
    first_orders = {
        user_id: created_at
        for user_id, created_at in Order.objects.filter(user__isnull=False)
        .order_by("user_id", "created_at")
        .distinct("user_id")
        .values_list("user_id", "created_at")
    }
    customers = User.objects.filter(is_staff=False).order_by("pk").values_list("pk", flat=True)
    for user_id in customers:
        first = first_orders.get(user_id)
        if first is not None:
            joined = first - datetime.timedelta(days=rng.randrange(1, 60))
        else:
            joined = now - datetime.timedelta(days=rng.randrange(1, NEW_CUSTOMER_DAYS))
        User.objects.filter(pk=user_id).update(date_joined=joined)


def _replay(*, channel_id: int) -> HistoryResult:
    orders = list(fetch.orders_to_backfill(channel_id=channel_id).values_list("pk", "created_at"))
    earning, points, reversed_points = 0, 0, 0
    for order_id, created_at in orders:
        result = order_points_sync(order_id=order_id, now=created_at, paid_at=created_at)
        if result.earned:
            earning += 1
            points += result.earned
            reversed_points += result.reversed
    return HistoryResult(
        orders=len(orders),
        earning_orders=earning,
        points=points,
        reversed=reversed_points,
        expired=0,
    )
