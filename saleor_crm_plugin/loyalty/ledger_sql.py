"""The statements of the ledger's writer (``loyalty.ledger``), called only by it.

A posting costs what its round trips to PostgreSQL cost, so the two common ones are
one statement each, in raw SQL through Django's connection:

* ``credit_insert`` (points > 0) locks the account itself: in one statement it takes
  the account's row lock (``FOR UPDATE``), inserts the entry unless its key is taken
  (``ON CONFLICT DO NOTHING``: the unique index decides, not a read before), and only
  if the entry was inserted records the debt it repaid (an allocation of the entry to
  itself) and moves the totals. A locking read returns the row as the previous holder
  of the lock committed it, and the ``UPDATE`` re-reads it as well (READ COMMITTED), so
  what a credit repays and adds is computed from the current balance.
* ``debit_insert`` (points < 0) runs after the writer locked the account in a
  statement of its own (``lock_objects.loyalty_account_lock``), so that its snapshot
  shows the batches as the previous holder of the lock left them; a read in the
  statement that waited for the lock would not. It inserts the entry unless its key
  is taken and only then takes what the debit needs from the open batches, the
  targeted ``batch`` first and then the one that expires first, the oldest (at most
  ``FIRST_READ`` read, through the open-batches index), records an allocation per
  batch and moves the totals. A pending reversal takes from its pending batch
  instead (an allocation; pending batches hold no ``remaining``). It returns what
  the batches covered: the writer takes the rest from further batches
  (``batches.consume_batches``) when the read was full.
* ``entry_insert`` is the insert alone, for the rarer postings the writer composes
  from several statements (a release).

Every write is conditional on the entry having been inserted, so a posting that
loses its key to a concurrent one changes nothing. Columns and their types come from
the models. Each statement is a prepared statement of the writer's connection
(``prepared_sql``): PostgreSQL parses and plans it once per connection, not once per
posting.
"""

import functools
import re

from django.db import DEFAULT_DB_ALIAS, connections

from ..prepared_sql import execute_prepared, prepared_statements_enabled
from .models import EntryStatus, LoyaltyAccount, LoyaltyAllocation, LoyaltyEntry

_ENTRY = LoyaltyEntry._meta.db_table
_ACCOUNT = LoyaltyAccount._meta.db_table
_ALLOCATION = LoyaltyAllocation._meta.db_table
# The open batches a debit's statement reads: enough for most; the writer reads on,
# ``CONSUME_CHUNK`` at a time, when a debit needs more.
FIRST_READ = 10
_FIELDS = LoyaltyEntry._meta.concrete_fields
# Set by the statements themselves: the id, and what a batch holds to spend.
_COMPUTED = {"id", "remaining"}

_INSERT = """
    INSERT INTO {entry} ({columns}, remaining)
    SELECT {values}, {remaining} {source}
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING {all_columns}
"""
_TOTALS = """
    UPDATE {account}
    SET balance = balance + %(move_balance)s, pending = pending + %(move_pending)s,
        lifetime_points = lifetime_points + %(move_lifetime)s
    WHERE id = %(account_id)s AND EXISTS (SELECT FROM entry)
"""
_CREDIT = """
WITH earlier AS (
    SELECT {all_columns} FROM {entry} WHERE idempotency_key = %(idempotency_key)s
), account AS (
    SELECT balance FROM {account}
    WHERE id = %(account_id)s AND NOT EXISTS (SELECT FROM earlier)
    FOR UPDATE
), entry AS ({insert}), repaid AS (
    INSERT INTO {allocation} (entry_id, batch_id, points)
    SELECT id, id, %(points)s - remaining FROM entry
    WHERE %(status)s = %(available)s AND remaining < %(points)s
), totals AS ({totals})
SELECT true, * FROM entry UNION ALL SELECT false, * FROM earlier
"""
# ``batches.new_batch_remaining`` in SQL: what the credit keeps after repaying debt.
_CREDIT_REMAINING = (
    "CASE WHEN %(status)s = %(available)s "
    "THEN GREATEST(0, %(points)s + LEAST(account.balance, 0)) ELSE 0 END"
)
_OPEN_BATCH = "account_id = %(account_id)s AND remaining > 0 AND status = %(available)s"
_FIFO = "expires_at ASC NULLS LAST, created_at ASC, id ASC"
_TAKE_FROM_BATCHES = """
first AS (
    SELECT id, remaining, 0::bigint AS place FROM {entry}
    WHERE id = %(batch_id)s AND {open_batch}
), fifo AS (
    SELECT id, remaining, ROW_NUMBER() OVER (ORDER BY {fifo}) AS place FROM {entry}
    WHERE {open_batch} AND id IS DISTINCT FROM %(batch_id)s
    ORDER BY {fifo}
    LIMIT {first_read}
), open AS (
    SELECT id, remaining, place,
        (SUM(remaining) OVER (ORDER BY place))::bigint AS through
    FROM (SELECT * FROM first UNION ALL SELECT * FROM fifo) batches
), taken AS (
    SELECT id, LEAST(remaining, %(need)s - (through - remaining)) AS points, place
    FROM open WHERE through - remaining < %(need)s AND EXISTS (SELECT FROM entry)
), moved AS (
    UPDATE {entry} batch SET remaining = batch.remaining - taken.points
    FROM taken WHERE batch.id = taken.id
)"""
_TAKE_FROM_PENDING_BATCH = """
taken AS (
    SELECT %(batch_id)s::bigint AS id, %(need)s::bigint AS points, 0 AS place
    WHERE %(batch_id)s IS NOT NULL AND EXISTS (SELECT FROM entry)
), fifo AS (SELECT WHERE false)"""
_DEBIT = """
WITH entry AS ({insert}), {take}, allocated AS (
    INSERT INTO {allocation} (entry_id, batch_id, points)
    SELECT entry.id, taken.id, taken.points FROM entry, taken ORDER BY taken.place
), totals AS ({totals})
SELECT id, (SELECT COALESCE(SUM(points), 0) FROM taken), (SELECT COUNT(*) FROM fifo)
FROM entry
"""


def _columns(fields) -> str:
    return ", ".join(f'"{field.column}"' for field in fields)


@functools.cache
def _insert(*, remaining: str, source: str = "") -> str:
    fields = [field for field in _FIELDS if field.attname not in _COMPUTED]
    return _INSERT.format(
        entry=_ENTRY,
        columns=_columns(fields),
        # Typed: a NULL in a SELECT list is text, which a uuid column would refuse.
        values=", ".join(
            f"CAST(%({field.attname})s AS {field.db_type(_db())})" for field in fields
        ),
        remaining=remaining,
        source=source,
        all_columns=_columns(_FIELDS),
    )


@functools.cache
def _statement(kind: str) -> str:
    tables = {"entry": _ENTRY, "account": _ACCOUNT, "allocation": _ALLOCATION}
    totals = _TOTALS.format(**tables)
    if kind == "credit":
        insert = _insert(remaining=_CREDIT_REMAINING, source="FROM account")
        return _CREDIT.format(insert=insert, totals=totals, all_columns=_columns(_FIELDS), **tables)
    take = (
        _TAKE_FROM_BATCHES.format(
            open_batch=_OPEN_BATCH, fifo=_FIFO, first_read=FIRST_READ, **tables
        )
        if kind == "debit"
        else _TAKE_FROM_PENDING_BATCH
    )
    return _DEBIT.format(insert=_insert(remaining="0"), take=take, totals=totals, **tables)


def _params(entry: LoyaltyEntry, moves: dict[str, int]) -> dict:
    db = _db()
    params = {
        field.attname: field.get_db_prep_save(getattr(entry, field.attname), db)
        for field in _FIELDS
        if field.attname not in _COMPUTED
    }
    return params | {
        "available": EntryStatus.AVAILABLE,
        "need": -entry.points,
        **{f"move_{total}": points for total, points in moves.items()},
    }


def _db():
    """The connection, resolved once (``django.db.connection`` resolves on every use)."""
    return connections[DEFAULT_DB_ALIAS]


def _fetch(sql: str, params: dict) -> tuple | None:
    db = _db()
    with db.cursor() as cursor:
        if prepared_statements_enabled(db):
            text, names = _numbered(sql)
            execute_prepared(db, cursor, text, [params[name] for name in names])
        else:
            cursor.execute(sql, params)
        return cursor.fetchone()


# The parameters that are not an entry's columns, and their PostgreSQL types.
_PARAMETER_TYPES = {
    "available": "varchar",
    "need": "integer",
    "remaining": "integer",
    "move_balance": "integer",
    "move_pending": "integer",
    "move_lifetime": "integer",
}
_NAMED = re.compile(r"%\((\w+)\)s")


@functools.cache
def _numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """``sql`` with ``$n::type`` for each named parameter, and the names of ``$1``, …"""
    names: list[str] = []

    def number(match: re.Match) -> str:
        name = match.group(1)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}::{_parameter_type(name)}"

    return _NAMED.sub(number, sql), tuple(names)


def _parameter_type(name: str) -> str:
    if name in _PARAMETER_TYPES:
        return _PARAMETER_TYPES[name]
    return LoyaltyEntry._meta.get_field(name).db_type(_db())


def _inserted(entry: LoyaltyEntry, entry_id: int, remaining: int) -> LoyaltyEntry:
    entry.pk, entry.remaining = entry_id, remaining
    entry._state.adding, entry._state.db = False, DEFAULT_DB_ALIAS
    return entry


def _loaded(row: tuple) -> LoyaltyEntry:
    """An entry from its row (every column, in the model's order), as the ORM loads it."""
    db = _db()
    values = []
    for field, value in zip(_FIELDS, row, strict=True):
        for converter in field.get_db_converters(db):
            value = converter(value, field, db)
        values.append(value)
    return LoyaltyEntry.from_db(DEFAULT_DB_ALIAS, [field.attname for field in _FIELDS], values)


def credit_insert(
    entry: LoyaltyEntry, *, moves: dict[str, int]
) -> tuple[LoyaltyEntry, bool] | None:
    """Lock, insert ``entry`` (a credit), allocate, move the totals by ``moves``.

    Returns (``entry`` as inserted, ``True``); or (the entry holding its key, ``False``)
    when the key was taken before the statement began: it then takes no lock. ``None``
    when the key was taken concurrently, or the account is gone: nothing was written.
    """
    row = _fetch(_statement("credit"), _params(entry, moves))
    if row is None:
        return None
    created, *columns = row
    if not created:
        return _loaded(columns), False
    values = dict(zip((field.attname for field in _FIELDS), columns, strict=True))
    return _inserted(entry, values["id"], values["remaining"]), True


def debit_insert(entry: LoyaltyEntry, *, moves: dict[str, int]) -> tuple[int, int] | None:
    """Insert ``entry`` (a debit; the account is locked), take batches, move totals.

    Returns (points the batches covered, batches read), ``entry`` having its id; or
    ``None`` when the key was taken: nothing was written.
    """
    kind = "debit" if entry.status == EntryStatus.AVAILABLE else "pending debit"
    row = _fetch(_statement(kind), _params(entry, moves))
    if row is None:
        return None
    entry_id, covered, read = row
    _inserted(entry, entry_id, 0)
    return covered, read


def entry_insert(entry: LoyaltyEntry) -> bool:
    """Insert ``entry`` as it is (it gets its id); ``False`` when its key was taken."""
    params = _params(entry, {}) | {"remaining": entry.remaining}
    row = _fetch(_insert(remaining="%(remaining)s"), params)
    if row is not None:
        _inserted(entry, row[0], entry.remaining)
    return row is not None
