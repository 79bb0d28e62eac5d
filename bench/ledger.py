"""Concurrent writers on the loyalty ledger through ``ledger.post_entry``.

``WRITERS`` processes (one database connection each) start together on a barrier and
post their entries as fast as they can, either all to one account (every posting waits
for the account's row lock) or each to its own account. A writer posts ``earn +10,
earn +10, redeem -5`` in turn, so no redemption can overdraw, and every tenth posting
also replays a key of the next writer: whichever call comes first writes the entry,
the other must get it back unchanged. Amounts follow from the key, so the final
balances are known in advance.

Afterwards, per account: no writer saw an error (a deadlock would surface as one),
one entry exists per key, the balance moved by exactly the expected amount (no lost
update), and the stored balance, pending and lifetime totals equal the sums of the
entries, with the batches' remaining points equal to the balance.

The yardstick is PostgreSQL's own ``pgbench`` (``Pgbench``): its TPC-B-like script on
the same server, in the same run, right after the writers on one account each and for
as long as they ran, in a scratch database loaded before them and dropped after. Where
pgbench is missing the section says so and the rest still runs. The section's text
(``section``) says what the figures are and what bounds the ratio.
"""

import contextlib
import dataclasses
import glob
import math
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import time
import uuid

from django.db import connection, connections
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext

from saleor_crm_plugin.loyalty.batches import CONSUME_CHUNK
from saleor_crm_plugin.loyalty.ledger_sql import FIRST_READ
from saleor_crm_plugin.loyalty.ledger import post_entry
from saleor_crm_plugin.loyalty.models import EntryStatus, EntryType, LoyaltyAccount, LoyaltyEntry

REPLAY_EVERY = 10
START_TIMEOUT_SECONDS = 120
# pgbench's TPC-B-like run: one branch per writer (``-s``), so its 16 clients contend
# on branches about as little as the writers on their own accounts.
PGBENCH_SCALE = 16
PGBENCH_THREADS = 2
PGBENCH_MIN_SECONDS = 5
PGBENCH_TARGET = 0.3
PGBENCH_MISSING = (
    "`pgbench` was not found (on PATH or in /usr/lib/postgresql/*/bin; Debian ships it "
    "with postgresql-contrib / postgresql-NN): the ledger/pgbench ratio was not measured."
)


@dataclasses.dataclass(frozen=True)
class RedemptionCost:
    open_batches: int
    redemptions: int
    redeem_ms: float


@dataclasses.dataclass(frozen=True)
class PgbenchRun:
    clients: int
    seconds: int
    transactions: int
    tps: float


@dataclasses.dataclass(frozen=True)
class Statements:
    earn: int
    redeem: int
    replay: int


@dataclasses.dataclass(frozen=True)
class WriterReport:
    calls: int
    created: int
    seconds: list[float]
    errors: list[str]


@dataclasses.dataclass(frozen=True)
class ScenarioResult:
    name: str
    writers: int
    accounts: int
    postings_per_writer: int
    calls: int
    created: int
    wall_seconds: float
    calls_per_second: float
    p50_ms: float
    p99_ms: float
    open_batches: int
    errors: list[str]
    problems: list[str]


def replays(postings: int) -> int:
    """How many of a writer's ``postings`` also replay the next writer's key."""
    return len(range(0, postings, REPLAY_EVERY))


def posting(run: str, writer: int, number: int) -> tuple[str, int, str]:
    """(idempotency key, points, entry type) of a writer's ``number``-th posting."""
    key = f"bench:{run}:{writer}:{number}"
    if number % 3 == 2:
        return key, -5, EntryType.REDEEM
    return key, 10, EntryType.EARN


def _write(run, writer, account_ids, postings, barrier, results):
    # A forked child: the parent closed its connections before forking, so this
    # process opens its own on first use.
    accounts = {pk: LoyaltyAccount.objects.get(pk=pk) for pk in set(account_ids)}
    neighbour = (writer + 1) % len(account_ids)
    calls = created = 0
    seconds: list[float] = []
    errors: list[str] = []
    barrier.wait(timeout=START_TIMEOUT_SECONDS)
    for number in range(postings):
        jobs = [(writer, number)]
        if number % REPLAY_EVERY == 0:
            jobs.append((neighbour, number))
        for owner, owner_number in jobs:
            key, points, entry_type = posting(run, owner, owner_number)
            start = time.perf_counter()
            try:
                result = post_entry(
                    account=accounts[account_ids[owner]],
                    points=points,
                    entry_type=entry_type,
                    idempotency_key=key,
                )
            except Exception as error:  # a deadlock or any failure is a finding
                errors.append(f"writer {writer}, {key}: {type(error).__name__}: {error}")
                continue
            seconds.append(time.perf_counter() - start)
            calls += 1
            created += int(result.created)
    connections.close_all()
    results.put(
        (writer, WriterReport(calls=calls, created=created, seconds=seconds, errors=errors))
    )


def _totals(account_id: int) -> dict:
    available = Q(status=EntryStatus.AVAILABLE)
    return LoyaltyEntry.objects.filter(account_id=account_id).aggregate(
        balance=Sum("points", filter=available, default=0),
        pending=Sum("points", filter=Q(status=EntryStatus.PENDING), default=0),
        lifetime=Sum("points", filter=Q(type=EntryType.EARN), default=0),
        remaining=Sum("remaining", filter=available, default=0),
    )


def _check(run: str, account_ids: list[int], postings: int, before: dict[int, int]) -> list[str]:
    problems = []
    expected_delta: dict[int, int] = dict.fromkeys(set(account_ids), 0)
    for writer, account_id in enumerate(account_ids):
        expected_delta[account_id] += sum(posting(run, writer, n)[1] for n in range(postings))
    keys = LoyaltyEntry.objects.filter(idempotency_key__startswith=f"bench:{run}:").count()
    if keys != len(account_ids) * postings:
        problems.append(f"{keys} entries for {len(account_ids) * postings} keys")
    for account in LoyaltyAccount.objects.filter(pk__in=expected_delta):
        totals = _totals(account.pk)
        stored = {
            "balance": account.balance,
            "pending": account.pending,
            "lifetime": account.lifetime_points,
        }
        for field, value in stored.items():
            if value != totals[field]:
                problems.append(
                    f"account {account.pk}: {field} {value} != sum of entries {totals[field]}"
                )
        if totals["remaining"] != max(account.balance, 0):
            problems.append(f"account {account.pk}: remaining {totals['remaining']} != balance")
        if account.balance - before[account.pk] != expected_delta[account.pk]:
            problems.append(
                f"account {account.pk}: balance moved {account.balance - before[account.pk]}, "
                f"expected {expected_delta[account.pk]} (lost update)"
            )
    return problems


def run_scenario(name: str, account_ids: list[int], postings: int) -> ScenarioResult:
    run = f"{name}:{uuid.uuid4().hex[:12]}"
    writers = len(account_ids)
    before = dict(LoyaltyAccount.objects.filter(pk__in=account_ids).values_list("pk", "balance"))
    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(writers + 1)
    results = context.Queue()
    processes = [
        context.Process(target=_write, args=(run, writer, account_ids, postings, barrier, results))
        for writer in range(writers)
    ]
    for process in processes:
        process.start()
    barrier.wait(timeout=START_TIMEOUT_SECONDS)
    start = time.perf_counter()
    reports = dict(results.get(timeout=600) for _ in processes)
    wall_seconds = time.perf_counter() - start
    for process in processes:
        process.join()

    seconds = sorted(s for report in reports.values() for s in report.seconds)
    calls = sum(report.calls for report in reports.values())
    return ScenarioResult(
        name=name,
        writers=writers,
        accounts=len(set(account_ids)),
        postings_per_writer=postings,
        calls=calls,
        created=sum(report.created for report in reports.values()),
        wall_seconds=wall_seconds,
        calls_per_second=calls / wall_seconds,
        p50_ms=statistics.median(seconds) * 1000,
        p99_ms=seconds[int(len(seconds) * 0.99) - 1] * 1000,
        open_batches=open_batches(account_ids),
        errors=[error for report in reports.values() for error in report.errors],
        problems=_check(run, account_ids, postings, before),
    )


def open_batches(account_ids: list[int]) -> int:
    """The most open batches (credits with points left) of any of the accounts."""
    counts = (
        LoyaltyEntry.objects.filter(account_id__in=account_ids, remaining__gt=0)
        .values("account_id")
        .annotate(open=Count("pk"))
        .values_list("open", flat=True)
    )
    return max(counts, default=0)


def redemption_cost(accounts: list[LoyaltyAccount], batches: list[int], redemptions: int):
    """Mean time of a 1-point redemption on accounts holding ``batches`` open batches.

    One writer; each account is first given its batches (earn +10 each) through
    ``post_entry``; the redemptions then alternate between the accounts.
    """
    run = uuid.uuid4().hex[:12]
    for account, count in zip(accounts, batches, strict=True):
        for number in range(count):
            post_entry(
                account=account,
                points=10,
                entry_type=EntryType.EARN,
                idempotency_key=f"bench:batches:{run}:{account.pk}:{number}",
            )
    seconds = {account.pk: 0.0 for account in accounts}
    for number in range(redemptions):
        for account in accounts:
            start = time.perf_counter()
            post_entry(
                account=account,
                points=-1,
                entry_type=EntryType.REDEEM,
                idempotency_key=f"bench:redeem:{run}:{account.pk}:{number}",
            )
            seconds[account.pk] += time.perf_counter() - start
    return [
        RedemptionCost(
            open_batches=count,
            redemptions=redemptions,
            redeem_ms=seconds[account.pk] / redemptions * 1000,
        )
        for account, count in zip(accounts, batches, strict=True)
    ]


def pgbench_path() -> str | None:
    """PostgreSQL's own pgbench: on PATH, or where Debian's packages put it."""
    found = shutil.which("pgbench")
    if found:
        return found
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"))
    return candidates[-1] if candidates else None


class Pgbench:
    """pgbench in a scratch database of the benchmark's server, dropped afterwards.

    ``with Pgbench(path) as pgbench:`` creates the database and loads pgbench's
    TPC-B-like schema at scale ``PGBENCH_SCALE``; ``pgbench.run(clients, seconds)``
    runs the default (TPC-B-like) script and returns its transactions per second.
    The same server, the same ``synchronous_commit`` and fsync per commit as the ledger.
    """

    def __init__(self, path: str):
        settings = connection.settings_dict
        self.path = path
        self.database = f"{settings['NAME']}_pgbench"
        self.arguments = [
            *(["-h", settings["HOST"]] if settings.get("HOST") else []),
            *(["-p", str(settings["PORT"])] if settings.get("PORT") else []),
            *(["-U", settings["USER"]] if settings.get("USER") else []),
        ]
        self.environment = os.environ | (
            {"PGPASSWORD": settings["PASSWORD"]} if settings.get("PASSWORD") else {}
        )

    def _execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)

    def _pgbench(self, *arguments: str) -> str:
        completed = subprocess.run(
            [self.path, *self.arguments, *arguments, self.database],
            env=self.environment,
            capture_output=True,
            text=True,
            check=True,
        )
        return completed.stdout

    def __enter__(self) -> "Pgbench":
        self._execute(f'DROP DATABASE IF EXISTS "{self.database}"')
        self._execute(f'CREATE DATABASE "{self.database}"')
        self._pgbench("-i", "-q", "-s", str(PGBENCH_SCALE))
        # Loading wrote some 200 MB of WAL: a checkpoint now, not during the measurements.
        self._execute("CHECKPOINT")
        return self

    def __exit__(self, *_exception) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def run(self, *, clients: int, seconds: int, progress) -> PgbenchRun:
        progress(f"ledger: pgbench -c {clients} -T {seconds}")
        output = self._pgbench(
            "-c", str(clients), "-j", str(min(PGBENCH_THREADS, clients)), "-T", str(seconds)
        )
        tps = float(re.search(r"^tps = ([0-9.]+)", output, re.MULTILINE).group(1))
        transactions = int(
            re.search(
                r"^number of transactions actually processed: (\d+)", output, re.MULTILINE
            ).group(1)
        )
        return PgbenchRun(clients=clients, seconds=seconds, transactions=transactions, tps=tps)


@contextlib.contextmanager
def pgbench_scratch(progress):
    """A loaded ``Pgbench`` for the block, or ``None`` (said) when pgbench is missing."""
    path = pgbench_path()
    if path is None:
        progress(PGBENCH_MISSING)
        yield None
        return
    progress(f"ledger: pgbench -i -s {PGBENCH_SCALE} into a scratch database ({path})")
    with Pgbench(path) as scratch:
        yield scratch


def pgbench_seconds(scenario: ScenarioResult) -> int:
    """As long as the ledger's writers ran (whole seconds, at least a few)."""
    return max(PGBENCH_MIN_SECONDS, math.ceil(scenario.wall_seconds))


def _statements(**posting) -> int:
    """SQL statements one ``post_entry`` sends (Django logs a transaction's BEGIN too)."""
    with CaptureQueriesContext(connection) as captured:
        post_entry(**posting)
    return len(captured.captured_queries)


def statements_per_posting(account: LoyaltyAccount) -> Statements:
    """Statements of an earn, a replay of its key, and a redemption, on ``account``."""
    key = f"bench:statements:{uuid.uuid4().hex[:12]}"
    earn = {"account": account, "points": 10, "entry_type": EntryType.EARN}
    return Statements(
        earn=_statements(**earn, idempotency_key=f"{key}:earn"),
        replay=_statements(**earn, idempotency_key=f"{key}:earn"),
        redeem=_statements(
            account=account, points=-5, entry_type=EntryType.REDEEM, idempotency_key=f"{key}:redeem"
        ),
    )


@dataclasses.dataclass(frozen=True)
class PgbenchPair:
    """The ledger's writers on one account each, then pgbench as long, back to back."""

    ledger: ScenarioResult
    pgbench: PgbenchRun

    @property
    def ratio(self) -> float:
        return self.ledger.calls_per_second / self.pgbench.tps


def pgbench_pairs(
    scratch: Pgbench, account_ids: list[list[int]], postings: int, *, settle, progress
) -> list[PgbenchPair]:
    """One pair per list of accounts (each new and empty), one pair after the other,
    each after ``settle()`` (vacuum and checkpoint: no pair inherits the last one's
    dead rows and dirty pages; pgbench vacuums its own tables before each run)."""
    pairs = []
    for number, accounts in enumerate(account_ids, start=1):
        settle()
        progress(f"ledger: pair {number}/{len(account_ids)}, {len(accounts)} writers")
        ledger = run_scenario("different", accounts, postings)
        pgbench = scratch.run(
            clients=len(accounts), seconds=pgbench_seconds(ledger), progress=progress
        )
        pairs.append(PgbenchPair(ledger=ledger, pgbench=pgbench))
    return pairs


def _pgbench_lines(pairs: list[PgbenchPair]) -> list[str]:
    if not pairs:
        return [f"**{PGBENCH_MISSING}**"]
    ratio = statistics.median(pair.ratio for pair in pairs)
    clients = pairs[0].pgbench.clients
    return [
        "Against PostgreSQL's own `pgbench` on the same server, in the same run: its "
        f"TPC-B-like script (`pgbench -i -s {PGBENCH_SCALE}` into a scratch database the "
        f"benchmark creates and drops, then `pgbench -c {clients} "
        f"-j {min(PGBENCH_THREADS, clients)} -T` as long as the writers ran, right after "
        f"them). {len(pairs)} pairs in turn, each pair's writers on new, empty accounts, "
        "so that the ratio is taken between runs seconds apart, and the median of the "
        "pairs' ratios is the figure (the first pair is the row above). Before each pair "
        "the benchmark's database is vacuumed and checkpointed, and pgbench vacuums its "
        "own tables before it starts, so no run inherits the previous one's dead rows. "
        "A pgbench "
        "transaction updates an account, a teller and a branch, reads the account back "
        "and inserts a history row, and commits: like a posting it waits for its commit to "
        "reach the disk (`synchronous_commit` is the server's, the same for both).",
        "",
        "| Pair | Ledger writers | Wall s | Postings | Postings/s | pgbench clients | "
        "pgbench s | pgbench transactions | pgbench tps | Ratio |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *(
            f"| {number} | {pair.ledger.writers} | {pair.ledger.wall_seconds:.2f} | "
            f"{pair.ledger.calls} | {pair.ledger.calls_per_second:.0f} | "
            f"{pair.pgbench.clients} | {pair.pgbench.seconds} | {pair.pgbench.transactions} | "
            f"{pair.pgbench.tps:.0f} | {pair.ratio:.3f} |"
            for number, pair in enumerate(pairs, start=1)
        ),
        "",
        f"Ledger postings/s ÷ pgbench transactions/s, median of {len(pairs)} pairs: "
        f"**{ratio:.3f}** "
        f"(target ≥ {PGBENCH_TARGET:.1f}: {'met' if ratio >= PGBENCH_TARGET else '**not met**'}).",
        "",
        "What bounds the ratio here is CPU, not the disk: both sides wait for one flush "
        "of the WAL per commit (and share flushes under concurrency), but on these two "
        "cores the 16 writers' Python (Django and psycopg: building the entry, adapting "
        "its 20 values, the cursor) competes with PostgreSQL, where pgbench's client is a "
        "few threads of C. And a posting does more work in the server than a pgbench "
        "transaction: its entry goes into a table with 14 indexes (pgbench's history row "
        "into one with none), the batch it takes from and the account's totals are "
        "indexed columns, so their updates are not HOT and touch every index, foreign "
        "keys are checked at commit, and the append-only trigger checks every batch "
        "update. The ledger's statements are prepared once per writer's connection "
        "(`prepared_sql`), so PostgreSQL does not parse and plan them per posting. The "
        "machine is shared: one pair's ratio moves with the load of the moment, hence "
        "the pairs.",
    ]


def section(
    same: ScenarioResult,
    different: ScenarioResult,
    scale: list[str],
    redemptions: list[RedemptionCost],
    statements: Statements,
    pairs: list[PgbenchPair],
) -> list[str]:
    """Section 2 of docs/benchmarks.md."""
    ok = not (same.errors or same.problems or different.errors or different.problems)
    lines = [
        "## 2. Concurrent writers on the loyalty ledger",
        "",
        f"{same.writers} processes, each with its own database connection, start together "
        "and call `saleor_crm_plugin.loyalty.ledger.post_entry` as fast as they can: "
        f"{same.postings_per_writer} postings each (earn +10, earn +10, redeem −5 in turn), "
        "and every tenth posting also replays a key of the next writer (idempotency under "
        "contention). Afterwards every account is checked: one entry per key, the balance "
        "moved by exactly the expected amount (no lost update), stored balance / pending / "
        "lifetime equal the sums of the entries, batches' remaining equals the balance.",
        "",
        *scale,
        "",
        "| Accounts | Writers | Calls | Entries written | Wall s | Postings/s | "
        "p50 ms | p99 ms | Open batches at the end (most per account) | "
        "Errors (deadlocks) | Invariant violations |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result, label in ((same, "one shared account"), (different, "one account each")):
        lines.append(
            f"| {label} | {result.writers} | {result.calls} | {result.created} | "
            f"{result.wall_seconds:.2f} | {result.calls_per_second:.0f} | {result.p50_ms:.1f} | "
            f"{result.p99_ms:.1f} | {result.open_batches} | {len(result.errors)} | "
            f"{len(result.problems)} |"
        )
    lines += [
        "",
        f"Throughput ratio, shared account / one account each: "
        f"**{same.calls_per_second / different.calls_per_second:.2f}**. Postings on one "
        "account serialise on its row lock; postings on different accounts proceed in "
        "parallel, as far as the machine's CPUs allow.",
        "",
        *_pgbench_lines(pairs),
        "",
        "SQL statements one posting sends outside a transaction (Django's "
        "`CaptureQueriesContext`, `BEGIN` and `COMMIT` included): "
        f"earn **{statements.earn}**, redeem **{statements.redeem}**, replay of an earn's key "
        f"**{statements.replay}** (`tests/loyalty/test_ledger.py` keeps these counts). "
        "A credit is one statement: it locks the account, inserts the entry unless its key "
        "is taken (`ON CONFLICT DO NOTHING`), records any debt it repays and moves the "
        "totals. A debit locks the account first, in a statement of its own, so that the "
        "next one reads the batches as the previous holder of the lock left them; then one "
        "statement inserts the entry, takes the batches it needs (the one that expires "
        f"first, the oldest: up to {FIRST_READ} read, then {CONSUME_CHUNK} at a time in "
        "further statements when it needs more), records what it took from each and "
        "moves the totals. Every write depends on the entry's insert, so a posting that "
        "loses its key changes nothing. Raw SQL through Django's connection: no model "
        "queries, no savepoint (`loyalty.ledger_sql` explains the statements).",
        "",
        "Correctness: "
        + ("no deadlock, no lost update, balances equal the sums of entries." if ok else "FAILED:"),
        "",
        "A redemption reads the account's open batches oldest first, a few at a time "
        "under the account's lock, so its cost should follow the batches it uses, not the "
        "batches the account holds. Measured alone (one writer, 1-point redemptions "
        "alternating between two accounts):",
        "",
        "| Open batches before | Redemptions | ms per redemption | Ratio to the first row |",
        "|---|---|---|---|",
        *(
            f"| {cost.open_batches} | {cost.redemptions} | {cost.redeem_ms:.1f} | "
            f"{cost.redeem_ms / redemptions[0].redeem_ms:.2f} |"
            for cost in redemptions
        ),
    ]
    for problem in (same.errors + same.problems + different.errors + different.problems)[:20]:
        lines.append(f"- {problem}")
    lines.append("")
    return lines
