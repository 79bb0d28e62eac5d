"""Compile a validated definition into one set-based SQL query over customers.

The tree is walked here; each condition is compiled by its field's declaration
(``fields/``) against the query being built (``sql.CustomerQuery``, which also gives
the query its one shape). Groups become ``AND`` / ``OR`` / ``NOT`` of their
children's booleans. Each leaf compiles to a boolean that is never NULL
(``COALESCE(…, false)``): a customer lacking the value fails the comparison, and
``not`` is plain negation.

Compiling runs no SQL of its own except the lookups of ``conditions.parse_leaf``
(channel slugs, product and category references), made on the alias given as
``using``, the one the caller will run the statement on.
"""

import dataclasses
import datetime

from django.conf import settings

from .conditions import Leaf, join_path, parse_leaf
from .sql import CustomerQuery, Sql


@dataclasses.dataclass(frozen=True)
class CompiledLeaf:
    leaf: Leaf
    holds: Sql  # boolean, never NULL
    actual: Sql  # the customer's value as text (NULL when lacking)


def _node(query: CustomerQuery, node: dict, path: str, leaves: list[CompiledLeaf]) -> Sql:
    if "field" in node:
        leaf = parse_leaf(node, path, using=query.using)
        compiled = leaf.field.sql(leaf, query)
        leaves.append(CompiledLeaf(leaf, compiled.holds, compiled.actual))
        return compiled.holds
    (key,) = node
    if key == "not":
        inner = _node(query, node["not"], join_path(path, "not"), leaves)
        return Sql(f"(NOT {inner.text})", inner.params)
    parts = [
        _node(query, child, join_path(path, f"{key}[{index}]"), leaves)
        for index, child in enumerate(node[key])
    ]
    glue = " AND " if key == "all" else " OR "
    return Sql(
        "(" + glue.join(part.text for part in parts) + ")",
        [param for part in parts for param in part.params],
    )


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
    query = CustomerQuery(channel_id=channel_id, now=now, using=using)
    condition = _node(query, definition, "", [])
    return query.statement(select=Sql("u.id AS user_id", []), where=condition, user_ids=user_ids)


def compile_explain_query(
    definition: dict,
    *,
    channel_id: int | None,
    now: datetime.datetime,
    user_id: int,
    using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME,
) -> tuple[Sql, list[CompiledLeaf]]:
    """One row for ``user_id``: (holds, actual) of every leaf, in ``leaves`` order."""
    query = CustomerQuery(channel_id=channel_id, now=now, using=using)
    leaves: list[CompiledLeaf] = []
    _node(query, definition, "", leaves)
    columns = []
    params: list = []
    for compiled in leaves:
        columns.append(f"{compiled.holds.text}, ({compiled.actual.text})::text")
        params += compiled.holds.params + compiled.actual.params
    select = Sql(", ".join(columns), params)
    return (
        query.statement(select=select, where=Sql("true", []), user_ids=[user_id], staff=True),
        leaves,
    )
