"""Click & collect: when an order was picked up at its store.

The order is credited to its store by Saleor itself (``Order.collection_point``, and
``collection_point_name`` once the warehouse is deleted): nothing is copied. Saleor has
no "picked up" status, so the pickup is the first hand-over of goods: the order has a
fulfilment that handed goods over (fulfilled, or since returned or replaced; not one
awaiting approval, cancelled, or refunded before it was fulfilled).

The time is when Saleor recorded the items as fulfilled: its first "fulfilled items"
order event, written when a fulfilment is created, or approved when fulfilments need
approval. ``orderBulkCreate`` records no events, so an imported order's pickup is its
first such fulfilment's creation.

Recording is one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` over the orders given:
idempotent, the first record wins, and two workers racing write one row. It reads the
order's state, not the event that woke it, so ``fulfillment_approved`` and
``order_fulfilled`` (and a replay of either) end here.

Saleor calls ``order_bulk_created`` without a channel, so a per-channel plugin hears it
only when the request happened to load that channel's plugins (an ``orderBulkCreate``
request does not). Imported orders, and anything a failed task missed, are found by the
hourly sweep (``order_pickups_sweep``): the same statement over the click & collect
orders of the active channels changed in the last ``SWEEP_LOOKBACK`` (Saleor stamps
``Order.updated_at``, indexed, on every fulfilment and on import).
"""

import datetime
import uuid

from django.db import connection
from saleor.order import FulfillmentStatus, OrderEvents
from saleor.order.models import Fulfillment, Order, OrderEvent

from .models import StorePickup
from .visits import click_and_collect

T_ORDER = Order._meta.db_table
T_FULFILLMENT = Fulfillment._meta.db_table
T_EVENT = OrderEvent._meta.db_table
T_PICKUP = StorePickup._meta.db_table

# Fulfilments whose goods were handed over.
HANDED_OVER = [
    FulfillmentStatus.FULFILLED,
    FulfillmentStatus.RETURNED,
    FulfillmentStatus.REFUNDED_AND_RETURNED,
    FulfillmentStatus.REPLACED,
]

# Orders waiting long for their task are swept again for this long (hourly runs).
SWEEP_LOOKBACK = datetime.timedelta(days=1)

_RECORD_SQL = f"""
INSERT INTO {T_PICKUP} (order_id, picked_up_at)
SELECT o.id, COALESCE(
    (SELECT min(e.date) FROM {T_EVENT} e WHERE e.order_id = o.id AND e.type = %(event)s),
    handed.first_at
)
FROM {T_ORDER} o
JOIN LATERAL (
    SELECT min(f.created_at) AS first_at FROM {T_FULFILLMENT} f
    WHERE f.order_id = o.id AND f.status = ANY(%(handed_over)s::text[])
) handed ON handed.first_at IS NOT NULL
WHERE {{orders}} AND {click_and_collect("o")}
    AND NOT EXISTS (SELECT 1 FROM {T_PICKUP} done WHERE done.order_id = o.id)
ON CONFLICT (order_id) DO NOTHING
RETURNING order_id
"""


def _record(orders: str, params: dict) -> list[uuid.UUID]:
    """Record the pickups of the orders ``o`` matching ``orders``; the ones new now."""
    params = {
        **params,
        "event": OrderEvents.FULFILLMENT_FULFILLED_ITEMS,
        "handed_over": HANDED_OVER,
    }
    with connection.cursor() as cursor:
        cursor.execute(_RECORD_SQL.format(orders=orders), params)
        return sorted(row[0] for row in cursor.fetchall())


def order_pickups_record(*, order_ids: list[uuid.UUID | str]) -> list[uuid.UUID]:
    """Record the pickup of each click & collect order given that was handed over and
    has none yet; return the orders recorded now. Other orders are left alone."""
    if not order_ids:
        return []
    return _record(
        "o.id = ANY(%(order_ids)s::uuid[])",
        {"order_ids": [str(order_id) for order_id in order_ids]},
    )


def order_pickup_record(*, order_id: uuid.UUID | str) -> StorePickup | None:
    """The order's pickup, recorded now if it was handed over; None if it was not
    (yet), or is no click & collect order."""
    order_pickups_record(order_ids=[order_id])
    return StorePickup.objects.filter(order_id=order_id).first()


def order_pickups_sweep(*, channel_ids: list[int], now: datetime.datetime) -> list[uuid.UUID]:
    """Record the pickups the events missed: the channels' orders changed in the last
    ``SWEEP_LOOKBACK`` before ``now``; return the orders recorded now."""
    if not channel_ids:
        return []
    return _record(
        "o.updated_at >= %(since)s AND o.updated_at < %(now)s "
        "AND o.channel_id = ANY(%(channel_ids)s::bigint[])",
        {"since": now - SWEEP_LOOKBACK, "now": now, "channel_ids": list(channel_ids)},
    )
