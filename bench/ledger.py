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
"""

import dataclasses
import multiprocessing
import statistics
import time
import uuid

from django.db import connections
from django.db.models import Count, Q, Sum

from saleor_crm_plugin.loyalty.ledger import post_entry
from saleor_crm_plugin.loyalty.models import EntryStatus, EntryType, LoyaltyAccount, LoyaltyEntry

REPLAY_EVERY = 10
START_TIMEOUT_SECONDS = 120


@dataclasses.dataclass(frozen=True)
class RedemptionCost:
    open_batches: int
    redemptions: int
    redeem_ms: float


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
