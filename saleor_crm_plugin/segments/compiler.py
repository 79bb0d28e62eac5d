"""Compile a validated definition into one set-based SQL query over customers.

The query has one shape, whatever the definition::

    WITH agg AS (                        -- only when an order aggregate is used
        SELECT o.user_id, sum(...), count(*), max(created_at), ... FILTER (WHERE window)
        FROM order_order o
        WHERE <counted order> [AND o.channel_id = <segment channel>]
              [AND o.user_id = ANY(<ids>)]          -- one customer's refresh
        GROUP BY o.user_id)
    SELECT u.id AS user_id
    FROM account_user u
    LEFT JOIN agg a ON a.user_id = u.id
    [LEFT JOIN <loyalty account / RFM row of the channel>, <default addresses>]
    WHERE NOT u.is_staff [AND u.id = ANY(<ids>)] AND <condition>

Every order aggregate of the definition (lifetime and per window) comes from one pass
over ``order_order``; products and categories are ``EXISTS`` semi-joins; tags and
consent are ``EXISTS`` / scalar lookups by index. Restricting to a few customers pushes
``o.user_id = ANY(...)`` into the aggregate, so a customer's refresh reads only their
orders (``order_order.user_id`` is indexed by its foreign key).

Each leaf compiles to a boolean that is never NULL (``COALESCE(…, false)``): a customer
lacking the value fails the comparison, and ``not`` is plain negation. Day counts are
compared through timestamps (``floor(age in days) >= N`` ⇔ ``t <= now - N days``), and
average order value without division (``spent > X * orders``), so the SQL agrees exactly
with the Python reading of the same rule (the property test checks it).

Compiling runs no SQL of its own except the lookups of ``conditions.parse_leaf``
(channel slugs, product and category references), made on the alias given as
``using``, the one the caller will run the statement on. Every value of the
definition reaches the SQL as a parameter; only names from this module's registries
(tables, aliases, operators, validated day counts) are formatted into the text.
"""

import dataclasses
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from saleor.account.models import Address
from saleor.order import OrderStatus
from saleor.order.models import Order, OrderLine
from saleor.product.models import Product, ProductVariant

from ..consent.models import MarketingConsent
from ..consent.selectors import consent_granted_sql
from ..loyalty.models import LoyaltyAccount
from .conditions import Leaf, join_path, parse_leaf
from .models import CustomerRfm, CustomerTag

User = get_user_model()

# Orders that count: placed (not a draft, not awaiting confirmation), not cancelled or
# expired, and with money charged (refunds lower ``total_charged_amount``).
EXCLUDED_STATUSES = [
    OrderStatus.DRAFT,
    OrderStatus.UNCONFIRMED,
    OrderStatus.CANCELED,
    OrderStatus.EXPIRED,
]

T_USER = User._meta.db_table
T_ORDER = Order._meta.db_table
T_LINE = OrderLine._meta.db_table
T_VARIANT = ProductVariant._meta.db_table
T_PRODUCT = Product._meta.db_table
T_ADDRESS = Address._meta.db_table
T_ACCOUNT = LoyaltyAccount._meta.db_table
T_RFM = CustomerRfm._meta.db_table
T_TAG = CustomerTag._meta.db_table
T_CONSENT = MarketingConsent._meta.db_table

COUNTED_ORDER = "{o}.status <> ALL(%s::text[]) AND {o}.total_charged_amount > 0"


@dataclasses.dataclass
class Sql:
    text: str
    params: list


@dataclasses.dataclass(frozen=True)
class CompiledLeaf:
    leaf: Leaf
    holds: Sql  # boolean, never NULL
    actual: Sql  # the customer's value as text (NULL when lacking)


def counted_order(alias: str) -> Sql:
    return Sql(COUNTED_ORDER.format(o=alias), [EXCLUDED_STATUSES])


class _Compiler:
    def __init__(self, *, channel_id: int | None, now: datetime.datetime, using: str):
        self.channel_id = channel_id
        self.now = now
        self.using = using
        self.aggregates: dict[str, Sql] = {}
        self.joins: dict[str, Sql] = {}

    # --- sources ------------------------------------------------------------------
    def aggregate(self, name: str, days: int | None) -> str:
        """Register an order aggregate column; return its reference (``a.<col>``)."""
        column = f"{name}_d{days}" if days else name
        if column not in self.aggregates:
            expression = {
                "spent": "sum(o.total_charged_amount)",
                "orders": "count(*)",
                "last_at": "max(o.created_at)",
                "first_at": "min(o.created_at)",
            }[name]
            if days:
                cutoff = self.now - datetime.timedelta(days=days)
                self.aggregates[column] = Sql(
                    f"{expression} FILTER (WHERE o.created_at >= %s) AS {column}", [cutoff]
                )
            else:
                self.aggregates[column] = Sql(f"{expression} AS {column}", [])
        return f"a.{column}"

    def join(self, alias: str) -> str:
        if alias not in self.joins:
            self.joins[alias] = {
                "la": Sql(
                    f"LEFT JOIN {T_ACCOUNT} la ON la.user_id = u.id AND la.channel_id = %s",
                    [self.channel_id],
                ),
                "r": Sql(
                    f"LEFT JOIN {T_RFM} r ON r.user_id = u.id AND r.channel_id = %s",
                    [self.channel_id],
                ),
                "ba": Sql(f"LEFT JOIN {T_ADDRESS} ba ON ba.id = u.default_billing_address_id", []),
                "sa": Sql(f"LEFT JOIN {T_ADDRESS} sa ON sa.id = u.default_shipping_address_id", []),
            }[alias]
        return alias

    def order_scope(self, alias: str) -> Sql:
        scope = counted_order(alias)
        if self.channel_id is not None:
            scope.text += f" AND {alias}.channel_id = %s"
            scope.params.append(self.channel_id)
        return scope

    # --- tree ---------------------------------------------------------------------
    def node(self, node: dict, path: str, leaves: list[CompiledLeaf]) -> Sql:
        if "field" in node:
            compiled = self.leaf(parse_leaf(node, path, using=self.using))
            leaves.append(compiled)
            return compiled.holds
        (key,) = node
        if key == "not":
            inner = self.node(node["not"], join_path(path, "not"), leaves)
            return Sql(f"(NOT {inner.text})", inner.params)
        parts = [
            self.node(child, join_path(path, f"{key}[{index}]"), leaves)
            for index, child in enumerate(node[key])
        ]
        glue = " AND " if key == "all" else " OR "
        return Sql(
            "(" + glue.join(part.text for part in parts) + ")",
            [param for part in parts for param in part.params],
        )

    def leaf(self, leaf: Leaf) -> CompiledLeaf:
        compile_field = {
            "total_spent": self.number,
            "order_count": self.number,
            "points_balance": self.number,
            "rfm_recency": self.number,
            "rfm_frequency": self.number,
            "rfm_monetary": self.number,
            "average_order_value": self.average_order_value,
            "days_since_last_order": self.days,
            "days_since_first_order": self.days,
            "date_joined_days": self.days,
            "loyalty_tier": self.text,
            "rfm_group": self.text,
            "country": self.text,
            "tags": self.tags,
            "marketing_consent": self.marketing_consent,
            "channel": self.ordered_in,
            "purchased_product": self.purchased,
            "purchased_category": self.purchased,
        }[leaf.field.name]
        return compile_field(leaf)

    def number(self, leaf: Leaf) -> CompiledLeaf:
        value = {
            "total_spent": lambda: f"COALESCE({self.aggregate('spent', leaf.days)}, 0)",
            "order_count": lambda: f"COALESCE({self.aggregate('orders', leaf.days)}, 0)",
            "points_balance": lambda: f"COALESCE({self.join('la')}.balance, 0)",
            "rfm_recency": lambda: f"{self.join('r')}.recency",
            "rfm_frequency": lambda: f"{self.join('r')}.frequency",
            "rfm_monetary": lambda: f"{self.join('r')}.monetary",
        }[leaf.field.name]()
        return CompiledLeaf(leaf, _compare(value, leaf.op, leaf.value), Sql(value, []))

    def days(self, leaf: Leaf) -> CompiledLeaf:
        column = {
            "days_since_last_order": lambda: self.aggregate("last_at", None),
            "days_since_first_order": lambda: self.aggregate("first_at", None),
            "date_joined_days": lambda: "u.date_joined",
        }[leaf.field.name]()
        return CompiledLeaf(
            leaf,
            self.days_since(column, leaf.op, leaf.value),
            Sql(f"extract(day from (%s - {column}))::int", [self.now]),
        )

    def text(self, leaf: Leaf) -> CompiledLeaf:
        value = {
            "loyalty_tier": lambda: f"lower(NULLIF({self.join('la')}.tier_name, ''))",
            "rfm_group": lambda: f'{self.join("r")}."group"',
            "country": lambda: (
                f"COALESCE(NULLIF({self.join('ba')}.country, ''), "
                f"NULLIF({self.join('sa')}.country, ''))"
            ),
        }[leaf.field.name]()
        target = leaf.value
        if leaf.field.name == "loyalty_tier":  # tier names compare case-insensitively
            target = (
                tuple(item.lower() for item in target)
                if isinstance(target, tuple)
                else target.lower()
            )
        return CompiledLeaf(leaf, _compare_text(value, leaf.op, target), Sql(value, []))

    def marketing_consent(self, leaf: Leaf) -> CompiledLeaf:
        # As consent.actions.has_marketing_consent (the latest answer of the account or
        # its e-mail: an unsubscribe wins); no answer is no consent.
        value = f"COALESCE({consent_granted_sql(user_id='u.id', email='u.email')}, false)"
        return CompiledLeaf(leaf, Sql(f"({value} = %s)", [leaf.value]), Sql(f"{value}::text", []))

    def ordered_in(self, leaf: Leaf) -> CompiledLeaf:
        scope = counted_order("o2")  # the channels named, whatever the segment's channel
        holds = Sql(
            f"EXISTS (SELECT 1 FROM {T_ORDER} o2 WHERE o2.user_id = u.id AND "
            f"{scope.text} AND o2.channel_id = ANY(%s::bigint[]))",
            [*scope.params, list(leaf.value)],
        )
        return CompiledLeaf(leaf, holds, Sql("NULL", []))

    def purchased(self, leaf: Leaf) -> CompiledLeaf:
        scope = self.order_scope("o2")
        if leaf.field.name == "purchased_category":
            product_join, match = f" JOIN {T_PRODUCT} p ON p.id = v.product_id", "p.category_id"
        else:
            product_join, match = "", "v.product_id"
        holds = Sql(
            f"EXISTS (SELECT 1 FROM {T_ORDER} o2 JOIN {T_LINE} l ON l.order_id = o2.id "
            f"JOIN {T_VARIANT} v ON v.id = l.variant_id{product_join} "
            f"WHERE o2.user_id = u.id AND {scope.text} AND {match} = ANY(%s::bigint[]))",
            [*scope.params, list(leaf.value)],
        )
        return CompiledLeaf(leaf, holds, Sql("NULL", []))

    def average_order_value(self, leaf: Leaf) -> CompiledLeaf:
        spent = self.aggregate("spent", leaf.days)
        orders = self.aggregate("orders", leaf.days)
        # spent / orders op X  <=>  spent op X * orders (orders > 0): exact, no rounding.
        ops = {"eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
        if leaf.op == "between":
            low, high = leaf.value
            text = f"({spent} >= %s * {orders} AND {spent} <= %s * {orders})"
            params = [low, high]
        else:
            text = f"({spent} {ops[leaf.op]} %s * {orders})"
            params = [leaf.value]
        holds = Sql(f"COALESCE({orders} > 0 AND {text}, false)", params)
        actual = Sql(f"round({spent} / NULLIF({orders}, 0), 2)", [])
        return CompiledLeaf(leaf, holds, actual)

    def days_since(self, column: str, op: str, value) -> Sql:
        """floor((now - column) in days) <op> value, through timestamp bounds."""

        def at_least(days: int) -> Sql:  # floor(age) >= days  <=>  t <= now - days
            return Sql(f"{column} <= %s", [self.now - datetime.timedelta(days=days)])

        def below(days: int) -> Sql:  # floor(age) < days  <=>  t > now - days
            return Sql(f"{column} > %s", [self.now - datetime.timedelta(days=days)])

        def both(first: Sql, second: Sql) -> Sql:
            return Sql(f"({first.text} AND {second.text})", first.params + second.params)

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
                "ne": lambda: Sql(
                    f"({column} > %s OR {column} <= %s)",
                    [
                        self.now - datetime.timedelta(days=value),
                        self.now - datetime.timedelta(days=value + 1),
                    ],
                ),
            }[op]()
        return Sql(f"COALESCE({condition.text}, false)", condition.params)

    def tags(self, leaf: Leaf) -> CompiledLeaf:
        tags = list(leaf.value)
        has_any = (
            f"EXISTS (SELECT 1 FROM {T_TAG} t WHERE t.user_id = u.id AND t.tag = ANY(%s::text[]))"
        )
        if leaf.op in ("has", "has_any"):
            holds = Sql(has_any, [tags])
        elif leaf.op == "has_none":
            holds = Sql(f"(NOT {has_any})", [tags])
        else:
            holds = Sql(
                f"((SELECT count(DISTINCT t.tag) FROM {T_TAG} t WHERE t.user_id = u.id "
                "AND t.tag = ANY(%s::text[])) = %s)",
                [tags, len(tags)],
            )
        actual = Sql(
            f"(SELECT string_agg(DISTINCT t.tag, ', ' ORDER BY t.tag) FROM {T_TAG} t "
            "WHERE t.user_id = u.id)",
            [],
        )
        return CompiledLeaf(leaf, holds, actual)

    # --- statement ----------------------------------------------------------------
    def statement(
        self, *, select: Sql, where: Sql, user_ids: list[int] | None, staff: bool = False
    ) -> Sql:
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
        conditions = [] if staff else ["NOT u.is_staff"]
        if user_ids is not None:
            conditions.append("u.id = ANY(%s::bigint[])")
            params.append(list(user_ids))
        conditions.append(where.text)
        params += where.params
        parts.append("WHERE " + " AND ".join(conditions))
        return Sql("\n".join(parts), params)


def compile_members_query(
    definition: dict,
    *,
    channel_id: int | None,
    now: datetime.datetime,
    user_ids: list[int] | None = None,
    using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME,
) -> Sql:
    """``SELECT u.id AS user_id …`` of the customers matching ``definition``.

    With ``user_ids`` only those customers are evaluated (a customer's refresh).
    """
    compiler = _Compiler(channel_id=channel_id, now=now, using=using)
    condition = compiler.node(definition, "", [])
    return compiler.statement(select=Sql("u.id AS user_id", []), where=condition, user_ids=user_ids)


def compile_explain_query(
    definition: dict,
    *,
    channel_id: int | None,
    now: datetime.datetime,
    user_id: int,
    using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME,
) -> tuple[Sql, list[CompiledLeaf]]:
    """One row for ``user_id``: (holds, actual) of every leaf, in ``leaves`` order."""
    compiler = _Compiler(channel_id=channel_id, now=now, using=using)
    leaves: list[CompiledLeaf] = []
    compiler.node(definition, "", leaves)
    columns = []
    params: list = []
    for compiled in leaves:
        columns.append(f"{compiled.holds.text}, ({compiled.actual.text})::text")
        params += compiled.holds.params + compiled.actual.params
    select = Sql(", ".join(columns), params)
    return (
        compiler.statement(select=select, where=Sql("true", []), user_ids=[user_id], staff=True),
        leaves,
    )


def _compare(value: str, op: str, target) -> Sql:
    if op == "between":
        low, high = target
        return Sql(f"COALESCE({value} BETWEEN %s AND %s, false)", [low, high])
    operator = {"eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[op]
    return Sql(f"COALESCE({value} {operator} %s, false)", [target])


def _compare_text(value: str, op: str, target) -> Sql:
    if op == "in":
        return Sql(f"COALESCE({value} = ANY(%s::text[]), false)", [list(target)])
    operator = {"eq": "=", "ne": "<>"}[op]
    return Sql(f"COALESCE({value} {operator} %s, false)", [target])
