"""The building blocks of the one query over customers that a definition compiles to.

``CustomerQuery`` is that query while it is being built: each field of the registry
(``fields/``) asks it for what it reads — an order aggregate column (``aggregate``), a
joined table (``join``) — and gets back the SQL to compare; ``statement`` then renders
the whole query::

    WITH agg AS (                        -- only when an order aggregate is used
        SELECT o.user_id, sum(...), count(*), max(created_at), ... FILTER (WHERE window)
        FROM order_order o
        WHERE <counted order> [AND o.channel_id = <segment channel>]
              [AND o.user_id = ANY(<ids>)]          -- one customer's refresh
        GROUP BY o.user_id)
    SELECT u.id AS user_id
    FROM account_user u
    LEFT JOIN agg a ON a.user_id = u.id
    [LEFT JOIN <what the fields joined>]
    WHERE NOT u.is_staff [AND u.id = ANY(<ids>)] AND <condition>

Every order aggregate of the definition (lifetime and per window) comes from one pass
over ``order_order``. Restricting to a few customers pushes ``o.user_id = ANY(...)``
into the aggregate, so a customer's refresh reads only their orders
(``order_order.user_id`` is indexed by its foreign key).

Every value reaches the SQL as a parameter; only names (tables, aliases, columns,
operators from the maps below, validated day counts) are formatted into the text.
"""

import dataclasses
import datetime

from django.contrib.auth import get_user_model
from saleor.order.models import Order

# Which orders count is one shop-wide rule (``counting.py``), read here as by stores.
from ..consent.selectors import profiling_allowed_sql
from ..counting import Sql, counted_order

User = get_user_model()

T_USER = User._meta.db_table
T_ORDER = Order._meta.db_table

# Customers that count (segments, RFM and the value report alike): Saleor's customers,
# the non-staff users (staff members' own orders are not customer behaviour) who have
# not withdrawn consent to profiling (docs/privacy.md: the one place it takes effect).
COUNTED_CUSTOMER = "NOT {u}.is_staff AND " + profiling_allowed_sql(
    user_id="{u}.id", email="{u}.email"
)

COMPARISONS = {"eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


@dataclasses.dataclass(frozen=True)
class LeafSql:
    """What a field compiles a condition to."""

    holds: Sql  # boolean, never NULL: a customer lacking the value fails
    actual: Sql  # the customer's value as text (NULL when lacking), for explain


NO_VALUE = Sql("NULL", [])


def counted_customer(alias: str) -> str:
    """The condition on ``account_user`` row ``alias`` that makes it a counted customer."""
    return COUNTED_CUSTOMER.format(u=alias)


def compare(value: str, op: str, target) -> Sql:
    """``value <op> target`` (``between``: ``[low, high]``), false when value is NULL."""
    if op == "between":
        low, high = target
        return Sql(f"COALESCE({value} BETWEEN %s AND %s, false)", [low, high])
    return Sql(f"COALESCE({value} {COMPARISONS[op]} %s, false)", [target])


def compare_text(value: str, op: str, target) -> Sql:
    """``eq`` / ``ne`` one string, ``in`` a tuple of them; false when value is NULL."""
    if op == "in":
        return Sql(f"COALESCE({value} = ANY(%s::text[]), false)", [list(target)])
    return Sql(f"COALESCE({value} {COMPARISONS[op]} %s, false)", [target])


class CustomerQuery:
    """The query over customers being built: its order aggregates and joins."""

    def __init__(self, *, channel_id: int | None, now: datetime.datetime, using: str):
        self.channel_id = channel_id
        self.now = now
        self.using = using
        self.aggregates: dict[str, Sql] = {}
        self.joins: dict[str, Sql] = {}

    def aggregate(self, name: str, expression: str, days: int | None) -> str:
        """An aggregate over the customer's counted orders (of the last ``days`` days).

        ``expression`` reads order ``o`` (``sum(o.total_charged_amount)``); returns the
        column's reference (``a.<name>``), NULL for a customer without such orders.
        """
        column = f"{name}_d{days}" if days else name
        if column not in self.aggregates:
            if days:
                cutoff = self.now - datetime.timedelta(days=days)
                self.aggregates[column] = Sql(
                    f"{expression} FILTER (WHERE o.created_at >= %s) AS {column}", [cutoff]
                )
            else:
                self.aggregates[column] = Sql(f"{expression} AS {column}", [])
        return f"a.{column}"

    def join(self, alias: str, text: str, params: list | None = None) -> str:
        """``LEFT JOIN`` a table once, as ``alias`` (its ``ON`` reads ``u``); returns alias."""
        if alias not in self.joins:
            self.joins[alias] = Sql(text, list(params or []))
        return alias

    def join_channel_row(self, alias: str, table: str) -> str:
        """``LEFT JOIN`` the customer's row of ``table`` for the segment's channel."""
        return self.join(
            alias,
            f"LEFT JOIN {table} {alias} ON {alias}.user_id = u.id AND {alias}.channel_id = %s",
            [self.channel_id],
        )

    def order_scope(self, alias: str) -> Sql:
        """Order ``alias`` counts for this query: counted, in the segment's channel if any."""
        scope = counted_order(alias)
        if self.channel_id is not None:
            scope.text += f" AND {alias}.channel_id = %s"
            scope.params.append(self.channel_id)
        return scope

    def days_since(self, column: str, op: str, value) -> Sql:
        """floor((now - column) in days) <op> value, through timestamp bounds.

        ``floor(age in days) >= N`` ⇔ ``t <= now - N days``: exact, no rounding, so the
        SQL agrees with the Python reading of the same rule (the property test checks it).
        """

        def at_least(days: int) -> Sql:  # floor(age) >= days  <=>  t <= now - days
            return Sql(f"{column} <= %s", [self.now - datetime.timedelta(days=days)])

        def below(days: int) -> Sql:  # floor(age) < days  <=>  t > now - days
            return Sql(f"{column} > %s", [self.now - datetime.timedelta(days=days)])

        def both(first: Sql, second: Sql) -> Sql:
            return Sql(f"({first.text} AND {second.text})", first.params + second.params)

        def either(first: Sql, second: Sql) -> Sql:
            return Sql(f"({first.text} OR {second.text})", first.params + second.params)

        if op == "between":
            low, high = value
            condition = both(at_least(low), below(high + 1))
        else:
            condition = {
                "gte": lambda: at_least(value),
                "gt": lambda: at_least(value + 1),
                "lt": lambda: below(value),
                "lte": lambda: below(value + 1),
                "eq": lambda: both(at_least(value), below(value + 1)),
                "ne": lambda: either(below(value), at_least(value + 1)),
            }[op]()
        return Sql(f"COALESCE({condition.text}, false)", condition.params)

    def age_in_days(self, column: str) -> Sql:
        """The whole days since ``column``, as explain shows it."""
        return Sql(f"extract(day from (%s - {column}))::int", [self.now])

    def statement(
        self, *, select: Sql, where: Sql, user_ids: list[int] | None, staff: bool = False
    ) -> Sql:
        """The query: ``select`` of the customers (``user_ids`` only, if given) where ``where``."""
        params: list = []
        parts = []
        if self.aggregates:
            scope = self.order_scope("o")
            if user_ids is not None:
                scope.text += " AND o.user_id = ANY(%s::bigint[])"
                scope.params.append(list(user_ids))
            columns = list(self.aggregates.values())
            parts.append(
                "WITH agg AS (SELECT o.user_id, "
                + ", ".join(column.text for column in columns)
                + f" FROM {T_ORDER} o WHERE o.user_id IS NOT NULL AND {scope.text}"
                " GROUP BY o.user_id)"
            )
            for column in columns:
                params += column.params
            params += scope.params
        parts.append(f"SELECT {select.text} FROM {T_USER} u")
        params += select.params
        if self.aggregates:
            parts.append("LEFT JOIN agg a ON a.user_id = u.id")
        for join in self.joins.values():
            parts.append(join.text)
            params += join.params
        conditions = [] if staff else [counted_customer("u")]
        if user_ids is not None:
            conditions.append("u.id = ANY(%s::bigint[])")
            params.append(list(user_ids))
        conditions.append(where.text)
        params += where.params
        parts.append("WHERE " + " AND ".join(conditions))
        return Sql("\n".join(parts), params)
