"""Fields read from the customer's counted orders (placed, not cancelled, money charged).

Aggregates (spent, count, first and last date, per ``days`` window) are columns of the
query's one pass over ``order_order``; products and categories are ``EXISTS``
semi-joins over order lines. Average order value compares without division
(``spent > X * orders``), so the SQL agrees exactly with the Python reading.
"""

from saleor.order.models import OrderLine
from saleor.product.models import Product, ProductVariant

from .. import triggers, values
from ..sql import (
    COMPARISONS,
    NO_VALUE,
    T_ORDER,
    CustomerQuery,
    LeafSql,
    Sql,
    compare,
    counted_order,
)
from .base import Field, Leaf

T_LINE = OrderLine._meta.db_table
T_VARIANT = ProductVariant._meta.db_table
T_PRODUCT = Product._meta.db_table

SPENT = "sum(o.total_charged_amount)"
ORDERS = "count(*)"
LAST_AT = "max(o.created_at)"
FIRST_AT = "min(o.created_at)"


def _spent(leaf: Leaf, query: CustomerQuery) -> str:
    return query.aggregate("spent", SPENT, leaf.days)


def _orders(leaf: Leaf, query: CustomerQuery) -> str:
    return query.aggregate("orders", ORDERS, leaf.days)


def total_spent(leaf: Leaf, query: CustomerQuery) -> LeafSql:
    value = f"COALESCE({_spent(leaf, query)}, 0)"
    return LeafSql(compare(value, leaf.op, leaf.value), Sql(value, []))


def order_count(leaf: Leaf, query: CustomerQuery) -> LeafSql:
    value = f"COALESCE({_orders(leaf, query)}, 0)"
    return LeafSql(compare(value, leaf.op, leaf.value), Sql(value, []))


def average_order_value(leaf: Leaf, query: CustomerQuery) -> LeafSql:
    spent, orders = _spent(leaf, query), _orders(leaf, query)
    # spent / orders op X  <=>  spent op X * orders (orders > 0): exact, no rounding.
    if leaf.op == "between":
        text = f"({spent} >= %s * {orders} AND {spent} <= %s * {orders})"
        params = list(leaf.value)
    else:
        text = f"({spent} {COMPARISONS[leaf.op]} %s * {orders})"
        params = [leaf.value]
    holds = Sql(f"COALESCE({orders} > 0 AND {text}, false)", params)
    return LeafSql(holds, Sql(f"round({spent} / NULLIF({orders}, 0), 2)", []))


def _days_since(name: str, expression: str):
    def days_since(leaf: Leaf, query: CustomerQuery) -> LeafSql:
        column = query.aggregate(name, expression, None)
        return LeafSql(query.days_since(column, leaf.op, leaf.value), query.age_in_days(column))

    return days_since


def ordered_in(leaf: Leaf, query: CustomerQuery) -> LeafSql:
    scope = counted_order("o2")  # the channels named, whatever the segment's channel
    holds = Sql(
        f"EXISTS (SELECT 1 FROM {T_ORDER} o2 WHERE o2.user_id = u.id AND "
        f"{scope.text} AND o2.channel_id = ANY(%s::bigint[]))",
        [*scope.params, list(leaf.value)],
    )
    return LeafSql(holds, NO_VALUE)


def _purchased(product_join: str, match: str):
    def purchased(leaf: Leaf, query: CustomerQuery) -> LeafSql:
        scope = query.order_scope("o2")
        holds = Sql(
            f"EXISTS (SELECT 1 FROM {T_ORDER} o2 JOIN {T_LINE} l ON l.order_id = o2.id "
            f"JOIN {T_VARIANT} v ON v.id = l.variant_id{product_join} "
            f"WHERE o2.user_id = u.id AND {scope.text} AND {match} = ANY(%s::bigint[]))",
            [*scope.params, list(leaf.value)],
        )
        return LeafSql(holds, NO_VALUE)

    return purchased


FIELDS = (
    Field(
        "total_spent",
        label="total spent",
        value=values.MONEY,
        sql=total_spent,
        triggers=(triggers.ORDERS,),
        window=triggers.ORDER_PLACED,
        needs_channel=True,
    ),
    Field(
        "order_count",
        label="number of orders",
        value=values.COUNT,
        sql=order_count,
        triggers=(triggers.ORDERS,),
        window=triggers.ORDER_PLACED,
    ),
    Field(
        "average_order_value",
        label="average order value",
        value=values.MONEY,
        sql=average_order_value,
        triggers=(triggers.ORDERS,),
        window=triggers.ORDER_PLACED,
        needs_channel=True,
    ),
    Field(
        "days_since_last_order",
        label="days since the last order",
        value=values.DAYS,
        sql=_days_since("last_at", LAST_AT),
        triggers=(triggers.ORDERS,),
        age=triggers.ORDER_PLACED,
    ),
    Field(
        "days_since_first_order",
        label="days since the first order",
        value=values.DAYS,
        sql=_days_since("first_at", FIRST_AT),
        triggers=(triggers.ORDERS,),
        age=triggers.ORDER_PLACED,
    ),
    Field(
        "channel",
        label="customer",
        value=values.CHANNELS,
        sql=ordered_in,
        triggers=(triggers.ORDERS,),
    ),
    Field(
        "purchased_product",
        label="purchased product",
        value=values.PRODUCTS,
        sql=_purchased("", "v.product_id"),
        triggers=(triggers.ORDERS,),
    ),
    Field(
        "purchased_category",
        label="purchased category",
        value=values.CATEGORIES,
        sql=_purchased(f" JOIN {T_PRODUCT} p ON p.id = v.product_id", "p.category_id"),
        triggers=(triggers.ORDERS,),
    ),
)
