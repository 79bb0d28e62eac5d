"""Statements the ORM builds once per process and hot paths run many times.

A storefront's checkout query and every sweep run the same few queries again and again,
and for a small query Django spends more time building the SQL (resolving lookups,
joins and ``select_related``, compiling) than PostgreSQL spends running it. ``keep``
compiles a queryset built with *stand-ins* (values no caller passes, one per argument,
or one per list item) and records where each stand-in lands among the parameters;
``KeptStatement.bind`` puts the call's own values there. The SQL is the ORM's, so it
follows the models; the caller caches the ``KeptStatement`` per database and shape (a
list's length changes the SQL), e.g. with ``functools.lru_cache``.

On PostgreSQL a kept statement is also a *prepared* statement of each connection that
runs it (``PREPARE`` once, then ``EXECUTE name(…)`` with the call's values): PostgreSQL
then neither parses nor plans it again, and the driver sends a few values instead of
the whole statement. For the checkout's loyalty state that is 0.5 ms instead of 2–3 ms
a request on a connection Django keeps (``CONN_MAX_AGE``; Saleor's ``DB_CONN_MAX_AGE``).
The first use on a connection sends ``PREPARE`` and ``EXECUTE`` in one round trip, so a
call is always one query. A pooler in *transaction* mode (PgBouncer's
``pool_mode = transaction``) does not keep a session's prepared statements: set
``CRM_PREPARED_STATEMENTS = False`` there, and each call sends the statement whole.
"""

import dataclasses
import datetime
import functools
import itertools
import re
import uuid
import weakref
from collections.abc import Sequence

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import QuerySet


# Stand-ins no caller passes.
STAND_IN_DAY = datetime.date(1901, 2, 3)
STAND_IN_MOMENT = datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)


def stand_in_uuids(size: int) -> list[uuid.UUID]:
    return [uuid.UUID(int=(1 << 120) + index) for index in range(size)]


@dataclasses.dataclass(frozen=True)
class KeptStatement:
    sql: str
    params: tuple
    # (parameter position, stand-in name, index in a list stand-in or None)
    slots: tuple[tuple[int, str, int | None], ...]

    def bind(self, **values) -> list:
        """The parameters with every stand-in replaced by the value of its name (a list
        stand-in by the item at its index)."""
        params = list(self.params)
        for position, name, index in self.slots:
            value = values[name]
            params[position] = value if index is None else value[index]
        return params

    def rows(self, using: str, **values) -> list[dict]:
        """Run it with ``values``; the rows as dicts by column name. Values come as the
        driver reads them: no model field converts them (JSON stays text)."""
        connection = connections[using]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and prepared_statements_enabled():
                _execute_prepared(self, connection, cursor, values)
            else:
                cursor.execute(self.sql, self.bind(**values))
            columns = [column.name for column in cursor.description]
            return [dict(zip(columns, row)) for row in cursor.fetchall()]

    @functools.cached_property
    def prepared(self) -> "PreparedForm":
        """The statement as ``PREPARE`` text, its name and the order of its arguments:
        every stand-in becomes a typed argument (``$1::uuid``) and every other
        parameter a literal, as the driver would have sent it."""
        arguments: list[tuple[str, int | None]] = []
        constants = []
        slot_of = {position: (name, index) for position, name, index in self.slots}
        pieces = []
        position = 0
        for piece in _PLACEHOLDER.split(self.sql):
            if piece != "%s":
                pieces.append(piece)
                continue
            if position in slot_of:
                key = slot_of[position]
                if key not in arguments:
                    arguments.append(key)
                number = arguments.index(key) + 1
                pieces.append(f"${number}::{_pg_type(self.params[position])}")
            else:
                pieces.append("%s")
                constants.append(self.params[position])
            position += 1
        return PreparedForm(
            template="".join(pieces), constants=tuple(constants), arguments=tuple(arguments)
        )


def keep(queryset: QuerySet, *, using: str, stand_ins: dict[str, object]) -> KeptStatement:
    """Compile ``queryset``, built with ``stand_ins`` (name -> value, or name -> list of
    values), and find each stand-in among its parameters.

    A stand-in must differ from every other parameter (type and value): one found
    nowhere, or a list item found more than once, raises ``AssertionError``.
    """
    sql, params = queryset.query.get_compiler(using).as_sql()
    wanted = {}
    for name, value in stand_ins.items():
        if isinstance(value, Sequence) and not isinstance(value, str):
            wanted.update({_key(item): (name, index) for index, item in enumerate(value)})
        else:
            wanted[_key(value)] = (name, None)
    slots = tuple(
        (position, *wanted[_key(param)])
        for position, param in enumerate(params)
        if _key(param) in wanted
    )
    found = [(name, index) for _position, name, index in slots]
    for key, (name, index) in wanted.items():
        count = found.count((name, index))
        if count == 0 or (index is not None and count > 1):
            raise AssertionError(f"stand-in {name}[{index}] ({key[1]!r}) found {count} times")
    return KeptStatement(sql=sql, params=tuple(params), slots=slots)


def _key(value) -> tuple:
    try:
        hash(value)
    except TypeError:
        return (type(value), id(value))
    return (type(value), value)


@dataclasses.dataclass(frozen=True)
class PreparedForm:
    # The statement with ``$n::type`` for each argument and ``%s`` for each constant.
    template: str
    constants: tuple
    # (stand-in name, index in a list stand-in or None) of ``$1``, ``$2``, …
    arguments: tuple[tuple[str, int | None], ...]
    # The ``PREPARE`` body by database alias (constants as literals of that database).
    texts: dict = dataclasses.field(default_factory=dict, compare=False)

    def text(self, connection) -> str:
        if connection.alias not in self.texts:
            self.texts[connection.alias] = connection.ops.compose_sql(
                self.template, list(self.constants)
            )
        return self.texts[connection.alias]

    def values(self, values: dict) -> list:
        return [
            values[name] if index is None else values[name][index] for name, index in self.arguments
        ]


def prepared_statements_enabled() -> bool:
    return bool(getattr(settings, "CRM_PREPARED_STATEMENTS", True))


# ``%s`` placeholders and ``%%`` escapes of Django's SQL.
_PLACEHOLDER = re.compile(r"(%%|%s)")
_PG_TYPES = (
    (datetime.datetime, "timestamptz"),
    (datetime.date, "date"),
    (uuid.UUID, "uuid"),
    (bool, "boolean"),
    (int, "bigint"),
    (str, "text"),
)
# What each open database connection has prepared: statement text -> prepared name.
_PREPARED: "weakref.WeakKeyDictionary[object, dict[str, str]]" = weakref.WeakKeyDictionary()
# Numbers the names this process prepares, so that no name is ever prepared twice on one
# connection (a first ``PREPARE`` may outlive a failed ``EXECUTE`` sent with it).
_NAMES = itertools.count(1)
# SQLSTATE of ``EXECUTE`` of a name the connection has not prepared.
_MISSING = "26000"


def _pg_type(stand_in) -> str:
    for python_type, pg_type in _PG_TYPES:
        if isinstance(stand_in, python_type):
            return pg_type
    raise TypeError(f"no PostgreSQL type for a stand-in of type {type(stand_in).__name__}")


def _execute_prepared(statement: KeptStatement, connection, cursor, values: dict) -> None:
    """``EXECUTE`` the statement on this connection, preparing it first if it has not.

    A prepared statement can vanish only if something outside Django drops it
    (``DEALLOCATE``, a pooler in transaction mode): it is then prepared again at once
    outside a transaction, and at the next call inside one (that transaction is lost).
    """
    form = statement.prepared
    text = form.text(connection)
    arguments = form.values(values)
    placeholders = f"({', '.join(['%s'] * len(arguments))})" if arguments else ""
    prepared = _PREPARED.setdefault(connection.connection, {})
    name = prepared.get(text)
    if name is not None:
        try:
            cursor.execute(f"EXECUTE {name}{placeholders}", arguments)
            return
        except DatabaseError as error:
            if getattr(error.__cause__, "sqlstate", None) != _MISSING:
                raise
            del prepared[text]
            if connection.in_atomic_block:
                raise
    name = f"crm_kept_{next(_NAMES)}"
    escaped = text.replace("%", "%%")
    cursor.execute(f"PREPARE {name} AS {escaped}; EXECUTE {name}{placeholders}", arguments)
    cursor.nextset()
    prepared[text] = name
