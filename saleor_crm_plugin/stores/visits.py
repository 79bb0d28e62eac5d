"""What a store visit is, and the customer's figures built on it: one rule, in SQL.

Segments (``segments/fields/stores.py``), the customer's store activity
(``selectors.store_activities``) and the per-store report (``reports.py``) read the
customer's store figures from these expressions, so what staff see and what segments
decide on cannot drift apart.

* **An in-store purchase counts** when it is not fully refunded: its amount less what
  its source reports refunded (``StoreRefund``, a running total) is above zero, as a
  fully refunded order stops counting. It is the customer's when it is linked to them.
* **A click & collect order** is Saleor's: one with a collection point
  (``collection_point_id``, or ``collection_point_name`` once the warehouse is
  deleted), as Saleor's own ``isClickAndCollect`` filter says. It counts as the shop's
  other orders do (``counting.py``) and is credited to its collection point.
* **A store visit** is a counted in-store purchase or a counted click & collect order;
  its time is the purchase's, or the order's placing.
* **The home store** is the store of most visits; a tie goes to the store visited last
  (then to the lower warehouse id, so that the answer is always one). **The pickup
  store** is the collection point of most click & collect orders, ties alike. Visits
  to deleted warehouses count as visits but make no home or pickup store.
* **Shopping mode**: a click & collect order is both an online order (placed in the
  online shop) and a store visit (collected in the store). ``online_only``: orders,
  none of them click & collect, and no in-store purchase; ``in_store_only``: in-store
  purchases and no order; ``both``: the rest with any order or purchase; none of
  them: no mode (a condition on it fails).

Every expression takes the SQL of the customer's id (``u.id``) and the channel (None:
all channels), and reads only that customer's rows through indexed columns
(``order_order.user_id``, the purchase's ``(user, channel)``).
"""

from saleor.order.models import Order

from ..counting import Sql, counted_order
from .models import StorePurchase, StoreRefund


class ShoppingMode:
    ONLINE_ONLY = "online_only"
    IN_STORE_ONLY = "in_store_only"
    BOTH = "both"

    CHOICES = (ONLINE_ONLY, IN_STORE_ONLY, BOTH)


T_ORDER = Order._meta.db_table
T_PURCHASE = StorePurchase._meta.db_table
T_REFUND = StoreRefund._meta.db_table

# Saleor's own rule (saleor.graphql.order.filters.filter_is_click_and_collect).
CLICK_AND_COLLECT = "({o}.collection_point_id IS NOT NULL OR {o}.collection_point_name IS NOT NULL)"


def click_and_collect(alias: str) -> str:
    return CLICK_AND_COLLECT.format(o=alias)


def is_click_and_collect(order) -> bool:
    """``CLICK_AND_COLLECT`` on an order in memory (the plugin's hooks, no query)."""
    return order.collection_point_id is not None or order.collection_point_name is not None


# Over counted orders ``o``: how many are click & collect.
COLLECT_ORDERS = f"count(*) FILTER (WHERE {click_and_collect('o')})"


def purchases_with_refunds(p: str, r: str) -> str:
    """``FROM`` purchases ``p`` with their source's refunded total ``r`` (or NULL)."""
    return (
        f"{T_PURCHASE} {p} LEFT JOIN {T_REFUND} {r} "
        f"ON {r}.source = {p}.source AND {r}.external_id = {p}.external_id"
    )


def purchase_net(p: str, r: str) -> str:
    """What is left of purchase ``p`` after its refunds ``r``."""
    return f"({p}.amount - COALESCE({r}.amount, 0))"


def counted_purchase(p: str, r: str) -> str:
    return f"{purchase_net(p, r)} > 0"


def _in_channel(alias: str, channel_id: int | None) -> Sql:
    if channel_id is None:
        return Sql("", [])
    return Sql(f" AND {alias}.channel_id = %s", [channel_id])


def _customer_orders(user: str, channel_id: int | None) -> Sql:
    """``WHERE`` of the customer's counted orders ``o`` (in the channel)."""
    counted, channel = counted_order("o"), _in_channel("o", channel_id)
    return Sql(
        f"o.user_id = {user} AND {counted.text}{channel.text}", counted.params + channel.params
    )


def _customer_purchases(user: str, channel_id: int | None) -> Sql:
    """``FROM … WHERE`` of the customer's counted purchases ``p`` (in the channel)."""
    channel = _in_channel("p", channel_id)
    return Sql(
        f"{purchases_with_refunds('p', 'r')} WHERE p.user_id = {user} "
        f"AND {counted_purchase('p', 'r')}{channel.text}",
        channel.params,
    )


def visits(user: str, channel_id: int | None) -> Sql:
    """``(warehouse_id, visited_at)`` of each of the customer's store visits."""
    purchases, orders = _customer_purchases(user, channel_id), _customer_orders(user, channel_id)
    return Sql(
        f"SELECT p.warehouse_id, p.purchased_at AS visited_at FROM {purchases.text} "
        f"UNION ALL SELECT o.collection_point_id, o.created_at FROM {T_ORDER} o "
        f"WHERE {orders.text} AND {click_and_collect('o')}",
        purchases.params + orders.params,
    )


def _most_visited(rows: Sql) -> Sql:
    """``warehouse_id`` of the store most rows ``(warehouse_id, visited_at)`` name."""
    return Sql(
        f"SELECT v.warehouse_id FROM ({rows.text}) v WHERE v.warehouse_id IS NOT NULL "
        "GROUP BY v.warehouse_id "
        "ORDER BY count(*) DESC, max(v.visited_at) DESC, v.warehouse_id::text LIMIT 1",
        rows.params,
    )


def home_store(user: str, channel_id: int | None) -> Sql:
    """One row ``(warehouse_id)``: the customer's home store; no row without one."""
    return _most_visited(visits(user, channel_id))


def pickup_store(user: str, channel_id: int | None) -> Sql:
    """One row ``(warehouse_id)``: the customer's pickup store; no row without one."""
    orders = _customer_orders(user, channel_id)
    return _most_visited(
        Sql(
            f"SELECT o.collection_point_id AS warehouse_id, o.created_at AS visited_at "
            f"FROM {T_ORDER} o WHERE {orders.text}",
            orders.params,
        )
    )


def purchase_totals(user: str, channel_id: int | None) -> Sql:
    """One row ``(spent, purchases)``: the customer's counted in-store purchases; spent
    is NULL without any."""
    purchases = _customer_purchases(user, channel_id)
    return Sql(
        f"SELECT sum({purchase_net('p', 'r')}) AS spent, count(*) AS purchases "
        f"FROM {purchases.text}",
        purchases.params,
    )


def order_totals(user: str, channel_id: int | None) -> Sql:
    """One row ``(orders, collect_orders)``: the customer's counted orders, and how many of
    them are click & collect."""
    orders = _customer_orders(user, channel_id)
    return Sql(
        f"SELECT count(*) AS orders, {COLLECT_ORDERS} AS collect_orders "
        f"FROM {T_ORDER} o WHERE {orders.text}",
        orders.params,
    )


def shopping_mode(*, orders: str, collect_orders: str, purchases: str) -> str:
    """The mode, from the SQL of the three counts (each never NULL)."""
    return (
        f"(CASE WHEN {orders} > 0 AND ({collect_orders} > 0 OR {purchases} > 0) "
        f"THEN '{ShoppingMode.BOTH}' "
        f"WHEN {orders} > 0 THEN '{ShoppingMode.ONLINE_ONLY}' "
        f"WHEN {purchases} > 0 THEN '{ShoppingMode.IN_STORE_ONLY}' END)"
    )
