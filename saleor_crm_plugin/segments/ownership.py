"""Find the previous owner of an order that moved to another customer.

Saleor lets staff move an order to another customer (``orderUpdate(userEmail)``; a
draft's customer changes too, but drafts do not count) and fires no event naming the
customer who lost it. ``SegmentOrderOwner`` keeps the owner segments last saw for
each order; ``order_owners_sync`` compares the current owners of some orders with it,
records the current ones and returns the customers who no longer own an order they
had, so that they are re-evaluated too. It runs over the orders of a customer being
refreshed (events) and over every order changed since the last periodic run
(``refresh.segments_time_refresh``); migration 0012 recorded the orders that existed.
"""

import datetime

from django.db import connection
from saleor.order.models import Order

from .models import SegmentOrderOwner

T_ORDER = Order._meta.db_table
T_OWNER = SegmentOrderOwner._meta.db_table


def order_owners_sync(
    *,
    user_ids: list[int] | None = None,
    since: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> set[int]:
    """Record the owners of ``user_ids``' orders, or of the orders changed in
    ``[since, now)``; return the previous owners of those that changed hands."""
    if user_ids is not None:
        scope, params = "o.user_id = ANY(%s::bigint[])", [list(user_ids)]
    else:
        scope, params = "o.updated_at >= %s AND o.updated_at < %s", [since, now]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH seen AS (SELECT o.id, o.user_id FROM {T_ORDER} o WHERE {scope}),
            previous AS (
              SELECT w.user_id FROM seen s JOIN {T_OWNER} w ON w.order_id = s.id
              WHERE w.user_id IS DISTINCT FROM s.user_id
            ),
            recorded AS (
              INSERT INTO {T_OWNER} (order_id, user_id)
              SELECT id, user_id FROM seen WHERE user_id IS NOT NULL
              ON CONFLICT (order_id) DO UPDATE SET user_id = EXCLUDED.user_id
              WHERE {T_OWNER}.user_id <> EXCLUDED.user_id
            ),
            forgotten AS (
              DELETE FROM {T_OWNER} w USING seen s WHERE w.order_id = s.id AND s.user_id IS NULL
            )
            SELECT DISTINCT user_id FROM previous
            """,
            params,
        )
        return {row[0] for row in cursor.fetchall()}
