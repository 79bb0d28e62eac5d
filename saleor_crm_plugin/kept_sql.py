"""Statements the ORM builds once per process and hot paths run many times.

A storefront's checkout query and every sweep run the same few queries again and again,
and for a small query Django spends more time building the SQL (resolving lookups,
joins and ``select_related``, compiling) than PostgreSQL spends running it. ``keep``
compiles a queryset built with *stand-ins* (values no caller passes, one per argument,
or one per list item) and records where each stand-in lands among the parameters;
``KeptStatement.bind`` puts the call's own values there. The SQL is the ORM's, so it
follows the models; the caller caches the ``KeptStatement`` per database and shape (a
list's length changes the SQL), e.g. with ``functools.lru_cache``.

On PostgreSQL a kept statement is also a prepared statement of each connection that
runs it (``prepared_sql``): for the checkout's loyalty state that is 0.5 ms instead of
2–3 ms a request on a connection Django keeps.
"""

import dataclasses
import datetime
import functools
import re
import uuid
from collections.abc import Sequence

from django.db import connections
from django.db.models import QuerySet

from .prepared_sql import execute_prepared, prepared_statements_enabled


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
            if prepared_statements_enabled(connection):
                form = self.prepared
                execute_prepared(connection, cursor, form.text(connection), form.values(values))
            else:
                cursor.execute(self.sql, self.bind(**values))
            columns = [column.name for column in cursor.description]
            return [dict(zip(columns, row)) for row in cursor.fetchall()]

    @functools.cached_property
    def prepared(self) -> "PreparedForm":
        """The statement for ``PREPARE`` and the order of its arguments: every
        stand-in becomes a typed argument (``$1::uuid``) and every other parameter a
        literal, as the driver would have sent it."""
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


def _pg_type(stand_in) -> str:
    for python_type, pg_type in _PG_TYPES:
        if isinstance(stand_in, python_type):
            return pg_type
    raise TypeError(f"no PostgreSQL type for a stand-in of type {type(stand_in).__name__}")
