"""Per-store figures of a channel over a period, for staff: computed in one query.

For each store (a Saleor warehouse) over ``[since, until]``:

* in-store purchases made then that count (not fully refunded, ``visits.py``), their
  revenue net of refunds, and how many of them are linked to a customer's account;
* click & collect orders placed then that count (``counting.py``), their revenue
  (``total_charged_amount``, net of refunds), and how many were picked up so far;
* distinct customers among both.

Every click & collect warehouse of the channel has a row, with zeros when nothing
happened there. A deleted warehouse keeps a row under the name its records kept
(``warehouse_name``, Saleor's ``collection_point_name``), without an id.
"""

import dataclasses
import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import connections
from saleor.warehouse import WarehouseClickAndCollectOption
from saleor.warehouse.models import ChannelWarehouse, Warehouse

from ..counting import counted_order
from .models import StorePickup
from .visits import (
    T_ORDER,
    click_and_collect,
    counted_purchase,
    purchase_net,
    purchases_with_refunds,
)

T_WAREHOUSE = Warehouse._meta.db_table
T_CHANNEL_WAREHOUSE = ChannelWarehouse._meta.db_table
T_PICKUP = StorePickup._meta.db_table

_COUNTED = counted_order("o")

_REPORT_SQL = f"""
WITH activity AS (
    SELECT p.warehouse_id, p.warehouse_name AS name, 'purchase' AS kind,
        {purchase_net("p", "r")} AS amount, p.user_id, false AS picked_up
    FROM {purchases_with_refunds("p", "r")}
    WHERE p.channel_id = %s AND {counted_purchase("p", "r")}
        AND p.purchased_at >= %s AND p.purchased_at <= %s
    UNION ALL
    SELECT o.collection_point_id, o.collection_point_name, 'collect',
        o.total_charged_amount, o.user_id,
        EXISTS (SELECT 1 FROM {T_PICKUP} pickup WHERE pickup.order_id = o.id)
    FROM {T_ORDER} o
    WHERE o.channel_id = %s AND {_COUNTED.text}
        AND {click_and_collect("o")}
        AND o.created_at >= %s AND o.created_at <= %s
    UNION ALL
    SELECT w.id, w.name, 'none', 0, NULL, false
    FROM {T_WAREHOUSE} w JOIN {T_CHANNEL_WAREHOUSE} cw ON cw.warehouse_id = w.id
    WHERE cw.channel_id = %s AND w.click_and_collect_option <> %s
)
SELECT w.id, COALESCE(w.name, min(a.name), ''),
    count(*) FILTER (WHERE a.kind = 'purchase'),
    COALESCE(sum(a.amount) FILTER (WHERE a.kind = 'purchase'), 0),
    count(*) FILTER (WHERE a.kind = 'purchase' AND a.user_id IS NOT NULL),
    count(*) FILTER (WHERE a.kind = 'collect'),
    COALESCE(sum(a.amount) FILTER (WHERE a.kind = 'collect'), 0),
    count(*) FILTER (WHERE a.kind = 'collect' AND a.picked_up),
    count(DISTINCT a.user_id)
FROM activity a
LEFT JOIN {T_WAREHOUSE} w ON w.id = a.warehouse_id
GROUP BY w.id, CASE WHEN w.id IS NULL THEN a.name END
ORDER BY 2, 1
"""


@dataclasses.dataclass(frozen=True)
class StoreFigures:
    warehouse_id: uuid.UUID | None  # None: the warehouse was deleted
    name: str
    purchases: int
    purchase_revenue: Decimal
    linked_purchases: int
    collect_orders: int
    collect_revenue: Decimal
    picked_up: int
    customers: int

    @property
    def linked_share(self) -> float | None:
        """The share of purchases linked to an account; None without purchases."""
        return self.linked_purchases / self.purchases if self.purchases else None


def store_report(
    *,
    channel_id: int,
    since: datetime.datetime,
    until: datetime.datetime,
    using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME,
) -> list[StoreFigures]:
    """Each store's figures in the channel over ``[since, until]``, by name."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            _REPORT_SQL,
            [
                *(channel_id, since, until),  # purchases
                *(channel_id, *_COUNTED.params, since, until),  # click & collect orders
                *(channel_id, WarehouseClickAndCollectOption.DISABLED),  # the stores
            ],
        )
        return [StoreFigures(*row) for row in cursor.fetchall()]
