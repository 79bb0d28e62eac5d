"""The scale databases of sections 4 and 5: created once, grown with COPY, kept.

One database per scale, named after it (``saleor_crm_scale_100k``,
``saleor_crm_scale_1m``). The smallest is created from the prepared bench database
(``CREATE DATABASE … TEMPLATE``: Saleor's schema, our migrations, the sample catalogue
and channels); each larger one is created from the next smaller one and grown, so
growth is incremental and both scales stay available for side-by-side runs. A database
remembers what it holds in one row of ``bench_scale_state`` (customers, rows per table,
the data set's anchor time, and the wall time of every growth step), so a second
``bench/run.sh`` grows nothing and the steps' times can still be reported.

A growth step is one transaction: drop the non-unique indexes of the loaded tables,
``COPY`` the new blocks (``bench.scale_data``), ``CLUSTER`` orders by ``created_at`` and
checkouts by ``last_change`` (a shop's tables fill in time order; blocks of customers
would otherwise leave ``user_id`` perfectly correlated with the physical order, which
changes the planner's choices), rebuild the other indexes, move the sequences
past the ids used, ``ANALYZE``, then check every foreign key of every loaded column with
one anti-join each (the load runs with ``session_replication_role = replica``, which
skips the per-row foreign-key triggers; the set-based check replaces them). An
interrupted step leaves nothing behind. ``VACUUM (ANALYZE)`` follows the commit, so
index-only scans find an all-visible heap.
"""

import dataclasses
import datetime
import json
import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from . import scale_data
from .scale_data import BLOCK, COLUMNS, TABLES, Ids, World

STATE_TABLE = "bench_scale_state"
ID_SEQUENCES = {
    "user": "account_user",
    "address": "account_address",
    "user_address": "account_user_addresses",
    "loyalty": "saleor_crm_loyaltyaccount",
}
ORDER_NUMBER_SEQUENCE = "order_order_number_seq"
# Saleor's indexes by which the tables are physically ordered after each growth step.
CLUSTER_BY = {
    "order_order": "idx_order_created_at",
    "checkout_checkout": "checkout_checkout_last_change_dfde0b31",
}
DEFAULT_CHANNEL_SLUG = "default-channel"


@dataclasses.dataclass(frozen=True)
class Scale:
    customers: int
    database: str
    url: str

    @property
    def label(self) -> str:
        if self.customers % 1_000_000 == 0:
            return f"{self.customers // 1_000_000}m"
        if self.customers % 1000 == 0:
            return f"{self.customers // 1000}k"
        return str(self.customers)


@dataclasses.dataclass
class ScaleState:
    customers: int = 0
    rows: dict[str, int] = dataclasses.field(default_factory=dict)
    anchor: datetime.datetime | None = None
    # One entry per growth step: {"from", "to", "seconds", "phases": [[name, seconds]], "at"}.
    steps: list[dict] = dataclasses.field(default_factory=list)


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def scales_from(text: str, bench_url: str) -> list[Scale]:
    """``"100000,1000000"`` → the scales, smallest first, each in its own database."""
    scales = []
    for customers in sorted({int(part) for part in text.split(",") if part.strip()}):
        if customers <= 0 or customers % BLOCK:
            raise SystemExit(f"error: scales are positive multiples of {BLOCK}, not {customers}")
        scale = Scale(customers, "", "")
        database = f"saleor_crm_scale_{scale.label}"
        scales.append(Scale(customers, database, _with_database(bench_url, database)))
    return scales


def _database_exists(maintenance: psycopg.Connection, name: str) -> bool:
    query = "SELECT 1 FROM pg_database WHERE datname = %s"
    return maintenance.execute(query, (name,)).fetchone() is not None


def scale_databases_ensure(
    *, scales: list[Scale], template: str, progress: Callable[[str], None]
) -> dict[int, ScaleState]:
    """Create missing scale databases and grow each to its size; return their states.

    ``template`` (the bench database) must have no other connections open."""
    maintenance_url = _with_database(scales[0].url, "postgres")
    states = {}
    source = template
    for scale in scales:
        with psycopg.connect(maintenance_url, autocommit=True) as maintenance:
            if not _database_exists(maintenance, scale.database):
                progress(f"scale: creating {scale.database} from {source}")
                maintenance.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(scale.database), sql.Identifier(source)
                    )
                )
        states[scale.customers] = scale_database_grow(
            url=scale.url, customers=scale.customers, progress=progress
        )
        source = scale.database
    return states


def scale_state_read(connection: psycopg.Connection) -> ScaleState:
    connection.execute(
        f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (id int PRIMARY KEY, state jsonb NOT NULL)"
    )
    row = connection.execute(f"SELECT state FROM {STATE_TABLE} WHERE id = 1").fetchone()
    if row is None:
        return ScaleState()
    # Django's connection hands jsonb over as text; a plain psycopg one parses it.
    state = json.loads(row[0]) if isinstance(row[0], str) else dict(row[0])
    anchor = state.pop("anchor")
    return ScaleState(**state, anchor=datetime.datetime.fromisoformat(anchor))


def _state_write(connection: psycopg.Connection, state: ScaleState) -> None:
    value = dataclasses.asdict(state) | {"anchor": state.anchor.isoformat()}
    connection.execute(
        f"INSERT INTO {STATE_TABLE} (id, state) VALUES (1, %s) "
        "ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state",
        (json.dumps(value),),
    )


def world_read(connection: psycopg.Connection, anchor: datetime.datetime) -> World:
    channels = connection.execute(
        "SELECT id, currency_code, slug FROM channel_channel "
        "ORDER BY slug <> %s, currency_code = (SELECT currency_code FROM channel_channel "
        "WHERE slug = %s), id LIMIT 2",
        (DEFAULT_CHANNEL_SLUG, DEFAULT_CHANNEL_SLUG),
    ).fetchall()
    if len(channels) < 2 or channels[0][2] != DEFAULT_CHANNEL_SLUG:
        raise SystemExit("error: the bench database needs Saleor's sample channels")
    variants = connection.execute(
        "SELECT v.id, v.sku, v.name, p.name, p.product_type_id, t.is_shipping_required "
        "FROM product_productvariant v JOIN product_product p ON p.id = v.product_id "
        "JOIN product_producttype t ON t.id = p.product_type_id "
        "WHERE v.sku IS NOT NULL ORDER BY v.id LIMIT 100"
    ).fetchall()
    factor = {"USD": 1, "EUR": 1, "GBP": 1, "PLN": 4}
    return World(
        channels=tuple(
            scale_data.Channel(id=pk, currency=currency, factor=factor.get(currency, 1))
            for pk, currency, _slug in channels
        ),
        variants=tuple(scale_data.Variant(*row) for row in variants),
        anchor=anchor,
    )


def _next_ids(connection: psycopg.Connection) -> Ids:
    values = {
        key: connection.execute(
            sql.SQL("SELECT coalesce(max(id), 0) + 1 FROM {}").format(sql.Identifier(table))
        ).fetchone()[0]
        for key, table in ID_SEQUENCES.items()
    }
    (number,) = connection.execute(
        "SELECT coalesce(max(number), 0) + 1 FROM order_order"
    ).fetchone()
    return Ids(**values, order_number=number)


def _sequences_move(connection: psycopg.Connection, ids: Ids) -> None:
    for key, table in ID_SEQUENCES.items():
        connection.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", (table, getattr(ids, key))
        )
    connection.execute(f"SELECT setval('{ORDER_NUMBER_SEQUENCE}', %s, false)", (ids.order_number,))


def _indexes_drop(connection: psycopg.Connection) -> dict[str, str]:
    """Drop the non-unique indexes of the loaded tables; return their definitions."""
    rows = connection.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique",
        (list(TABLES),),
    ).fetchall()
    for name, _definition in rows:
        connection.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    return dict(rows)


def _foreign_keys_check(connection: psycopg.Connection) -> int:
    """Check every single-column foreign key of a loaded column; return how many."""
    keys = connection.execute(
        "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, r.attname "
        "FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "JOIN pg_attribute r ON r.attrelid = c.confrelid AND r.attnum = c.confkey[1] "
        "WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 "
        "AND c.conrelid = ANY(%s::regclass[])",
        (list(TABLES),),
    ).fetchall()
    checked = 0
    for table, column, target, target_column in keys:
        if column not in COLUMNS[table].split():
            continue
        query = sql.SQL(
            "SELECT count(*) FROM {t} WHERE {c} IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM {rt} WHERE {rt}.{rc} = {t}.{c})"
        ).format(
            t=sql.Identifier(table),
            c=sql.Identifier(column),
            rt=sql.Identifier(target),
            rc=sql.Identifier(target_column),
        )
        (broken,) = connection.execute(query).fetchone()
        if broken:
            raise RuntimeError(f"{broken} rows of {table}.{column} reference no {target} row")
        checked += 1
    return checked


def _blocks_copy(connection, world, ids, numbers: range, rows: dict, progress) -> None:
    """Generate the customer blocks ``numbers`` and COPY them in; count rows per table."""
    with connection.cursor() as cursor:
        for number in numbers:
            block = scale_data.generate_block(world, number, ids)
            for table in TABLES:
                columns = sql.SQL(", ").join(map(sql.Identifier, COLUMNS[table].split()))
                statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                    sql.Identifier(table), columns
                )
                with cursor.copy(statement) as copy:
                    for chunk in scale_data.copy_text(block.rows.get(table, [])):
                        copy.write(chunk)
                rows[table] += block.count(table)
            if (number + 1 - numbers.start) % 10 == 0 or number + 1 == numbers.stop:
                progress(
                    f"scale: {(number + 1) * BLOCK} customers, {rows['order_order']} orders copied"
                )


def scale_database_grow(*, url: str, customers: int, progress: Callable[[str], None]) -> ScaleState:
    """Grow the database at ``url`` to ``customers`` customers (no-op when it has them)."""
    with psycopg.connect(url) as connection:
        state = scale_state_read(connection)
        connection.commit()
        if state.customers >= customers:
            return state
        if state.anchor is None:
            now = datetime.datetime.now(datetime.UTC)
            state.anchor = now.replace(second=0, microsecond=0)
        started = time.perf_counter()
        phases = {}
        rows = dict.fromkeys(TABLES, 0) | state.rows
        with connection.transaction():
            connection.execute("SET LOCAL session_replication_role = replica")
            connection.execute("SET LOCAL maintenance_work_mem = '512MB'")
            connection.execute("SET LOCAL synchronous_commit = off")
            world = world_read(connection, state.anchor)
            ids = _next_ids(connection)
            definitions = _indexes_drop(connection)
            phase = time.perf_counter()
            first, last = state.customers // BLOCK, customers // BLOCK
            _blocks_copy(connection, world, ids, range(first, last), rows, progress)
            phases["generate and COPY"] = time.perf_counter() - phase
            phase = time.perf_counter()
            # A shop's tables are in time order (orders appended as placed), not in the
            # order of customer blocks: CLUSTER, before the other indexes exist.
            for table, index in CLUSTER_BY.items():
                connection.execute(definitions.pop(index))
                connection.execute(
                    sql.SQL("CLUSTER {} USING {}").format(
                        sql.Identifier(table), sql.Identifier(index)
                    )
                )
            phases["CLUSTER orders by created_at, checkouts by last_change"] = (
                time.perf_counter() - phase
            )
            phase = time.perf_counter()
            for definition in definitions.values():
                connection.execute(definition)
            _sequences_move(connection, ids)
            phases[f"rebuild {len(definitions)} indexes"] = time.perf_counter() - phase
            phase = time.perf_counter()
            for table in TABLES:
                connection.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))
            checked = _foreign_keys_check(connection)
            phases[f"ANALYZE, check {checked} foreign keys"] = time.perf_counter() - phase
            state.customers, state.rows = customers, rows
            _state_write(connection, state)
        connection.autocommit = True
        phase = time.perf_counter()
        for table in TABLES:
            connection.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))
        phases["VACUUM (ANALYZE)"] = time.perf_counter() - phase
        step = {
            "from": first * BLOCK,
            "to": customers,
            "seconds": round(time.perf_counter() - started, 1),
            # A list, not an object: jsonb does not keep the order of keys.
            "phases": [[name, round(seconds, 1)] for name, seconds in phases.items()],
            "at": f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        }
        state.steps.append(step)
        _state_write(connection, state)
        progress(f"scale: grown to {customers} customers in {step['seconds']} s {step['phases']}")
        return state
