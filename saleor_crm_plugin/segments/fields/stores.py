"""Fields of the customer's store activity: home and pickup store, in-store spend and
purchases, shopping mode.

What a visit, a counted purchase and each figure are is the stores domain's rule
(``stores/visits.py``): these fields compile its expressions, as the customer's store
activity in the API reads them, so both agree. Each customer's rows are read through
a ``LEFT JOIN LATERAL`` on their own id (indexed lookups), in the segment's channel
when it has one; the order counts of the shopping mode come from the query's one pass
over ``order_order``. Stores are named by their global ID (or slug) and explained by
name and global ID.
"""

from saleor.warehouse.models import Warehouse

from ...global_ids import global_id_sql
from ...stores import visits
from .. import triggers, values
from ..sql import CustomerQuery, LeafSql, Sql, compare, compare_text
from .base import Field, Leaf
from .orders import ORDERS

T_WAREHOUSE = Warehouse._meta.db_table


def _lateral(query: CustomerQuery, alias: str, rows: Sql) -> str:
    return query.join(alias, f"LEFT JOIN LATERAL ({rows.text}) {alias} ON true", rows.params)


def _store_name(warehouse_id: str) -> Sql:
    """``Name (global ID)`` of the store, for explain."""
    return Sql(
        f"(SELECT w.name || ' (' || {global_id_sql('Warehouse', 'w.id')} || ')' "
        f"FROM {T_WAREHOUSE} w WHERE w.id = {warehouse_id})",
        [],
    )


def _store(alias: str, rows):
    def store(leaf: Leaf, query: CustomerQuery) -> LeafSql:
        value = f"{_lateral(query, alias, rows('u.id', query.channel_id))}.warehouse_id"
        return LeafSql(compare_text(f"{value}::text", leaf.op, leaf.value), _store_name(value))

    return store


def _purchases(query: CustomerQuery) -> str:
    return _lateral(query, "store_purchases", visits.purchase_totals("u.id", query.channel_id))


def in_store_spend(leaf: Leaf, query: CustomerQuery) -> LeafSql:
    value = f"COALESCE({_purchases(query)}.spent, 0)"
    return LeafSql(compare(value, leaf.op, leaf.value), Sql(value, []))


def in_store_orders(leaf: Leaf, query: CustomerQuery) -> LeafSql:
    value = f"{_purchases(query)}.purchases"
    return LeafSql(compare(value, leaf.op, leaf.value), Sql(value, []))


def shopping_mode(leaf: Leaf, query: CustomerQuery) -> LeafSql:
    orders = f"COALESCE({query.aggregate('orders', ORDERS, None)}, 0)"
    collect_orders = (
        f"COALESCE({query.aggregate('collect_orders', visits.COLLECT_ORDERS, None)}, 0)"
    )
    purchases = f"{_purchases(query)}.purchases"
    value = visits.shopping_mode(orders=orders, collect_orders=collect_orders, purchases=purchases)
    return LeafSql(compare_text(value, leaf.op, leaf.value), Sql(value, []))


FIELDS = (
    Field(
        "home_store",
        label="home store",
        value=values.STORES,
        sql=_store("store_home", visits.home_store),
        triggers=(triggers.ORDERS, triggers.STORES),
    ),
    Field(
        "pickup_store",
        label="pickup store",
        value=values.STORES,
        sql=_store("store_pickup", visits.pickup_store),
        triggers=(triggers.ORDERS,),
    ),
    Field(
        "in_store_spend",
        label="in-store spend",
        value=values.MONEY,
        sql=in_store_spend,
        triggers=(triggers.STORES,),
        needs_channel=True,
    ),
    Field(
        "in_store_orders",
        label="in-store purchases",
        value=values.COUNT,
        sql=in_store_orders,
        triggers=(triggers.STORES,),
    ),
    Field(
        "shopping_mode",
        label="shopping mode",
        value=values.Choice(visits.ShoppingMode.CHOICES, "shopping mode"),
        sql=shopping_mode,
        triggers=(triggers.ORDERS, triggers.STORES),
    ),
)
