"""Section 4 (issue 5): a segment's full recompute and one customer's refresh at scale.

Runs inside Django against a scale database (``bench.scale_worker``). What is measured
comes in as a ``SegmentCalls``: the domain's functions
(``bench.scale_worker.segment_calls`` is the one place that wires them).

- Full recompute of ``SEGMENT_DEFINITION`` (five conditions) side by side with
  ``BASELINE_SQL``, the raw ``GROUP BY user_id`` over every order, alternating, median of
  per-round ratios (target ≤ 1.5). The baseline runs as a client would: the server
  computes it and the driver receives every row (not converted to Python objects).
- One customer's refresh (the event path) for a fixed sample of customers with orders,
  side by side with the same aggregate restricted to that customer (target ≤ 10 ms).
- Memory: one recompute and one refresh under ``tracemalloc``, and the process's peak
  resident size, at every scale (target: flat from 100k to 1M customers).
"""

import dataclasses
import random
from collections.abc import Callable

from django.db import connection

from . import measure
from .measure import Memory, Paired

# Five conditions over orders, the billing country and the loyalty tier.
SEGMENT_DEFINITION = {
    "all": [
        {"field": "total_spent", "op": "gte", "value": 300, "days": 365},
        {"field": "order_count", "op": "gte", "value": 3},
        {"field": "days_since_last_order", "op": "gte", "value": 30},
        {"field": "country", "op": "in", "value": ["US", "DE", "GB"]},
        {"field": "loyalty_tier", "op": "in", "value": ["Silver", "Gold"]},
    ]
}
REFRESH_WARMUP = 5
BASELINE_SQL = (
    "SELECT user_id, count(*), sum(total_charged_amount), max(created_at) "
    "FROM order_order GROUP BY user_id"
)
CUSTOMER_BASELINE_SQL = (
    "SELECT count(*), sum(total_charged_amount), max(created_at) "
    "FROM order_order WHERE user_id = %(user_id)s"
)


@dataclasses.dataclass(frozen=True)
class SegmentCalls:
    """What section 4 measures. ``label`` names it in the report."""

    label: str
    # Save SEGMENT_DEFINITION for the channel (untimed, once); return the segment's id.
    segment_create: Callable[[dict, int], int]
    # Full recompute of the segment; the argument is the segment's id.
    recompute: Callable[[int], object]
    # Re-evaluate one customer (the event path); the argument is the user's id.
    refresh_customer: Callable[[int], object]
    # Members after the first computation (None when the calls cannot tell).
    member_count: Callable[[int], int | None]
    is_domain: bool


@dataclasses.dataclass(frozen=True)
class SegmentsResult:
    label: str
    is_domain: bool
    members: int | None
    recompute: Paired
    refresh: Paired
    refresh_samples: int
    create_memory: Memory
    recompute_memory: Memory
    refresh_memory: Memory
    baseline_plan: str


def _execute(query: str, params: dict | None = None) -> None:
    """Run ``query``; the driver receives every row, none is turned into Python objects."""
    with connection.cursor() as cursor:
        cursor.execute(query, params)


def sample_customers(*, customers: int, size: int, seed: int = 5) -> list[int]:
    """Ids of ``size`` generated customers with at least one order, the same every run."""
    numbers = random.Random(seed).sample(range(customers), min(customers, size * 2))
    emails = [f"scale-{number}@example.com" for number in numbers]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM account_user WHERE email = ANY(%s) AND number_of_orders > 0 "
            "ORDER BY id",
            [emails],
        )
        ids = [row[0] for row in cursor.fetchall()]
    random.Random(seed).shuffle(ids)
    return ids[:size]


def baseline_plan() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {BASELINE_SQL}")
        return "\n".join(row[0] for row in cursor.fetchall())


def run(
    *,
    calls: SegmentCalls,
    channel_id: int,
    customers: int,
    rounds: int,
    warmup: int,
    refresh_samples: int,
    progress: Callable[[str], None],
) -> SegmentsResult:
    progress(f"segments: creating the segment ({calls.label})")
    segment_ids = []
    # Memory first, before the baseline's large results have raised the process's peak.
    create_memory = measure.memory_peak(
        lambda: segment_ids.append(calls.segment_create(SEGMENT_DEFINITION, channel_id))
    )
    segment_id = segment_ids[0]
    recompute_memory = measure.memory_peak(lambda: calls.recompute(segment_id))
    user_ids = sample_customers(customers=customers, size=refresh_samples)
    refresh_memory = measure.memory_peak(lambda: calls.refresh_customer(user_ids[0]))
    progress(f"segments: recompute vs GROUP BY, {rounds} rounds after {warmup} warm-up")
    recompute = measure.alternate(
        lambda: _execute(BASELINE_SQL),
        lambda: calls.recompute(segment_id),
        rounds=rounds,
        warmup=warmup,
    )
    progress(f"segments: one customer's refresh, {len(user_ids)} customers")
    # Each round takes the next customer: the baseline and the refresh read the same one.
    pending, current = list(user_ids), []

    def next_customer() -> None:
        current[:] = [pending.pop()]

    refresh = measure.alternate(
        lambda: _execute(CUSTOMER_BASELINE_SQL, {"user_id": current[0]}),
        lambda: calls.refresh_customer(current[0]),
        rounds=len(user_ids) - REFRESH_WARMUP,
        warmup=REFRESH_WARMUP,
        before_measured=next_customer,
    )
    return SegmentsResult(
        label=calls.label,
        is_domain=calls.is_domain,
        members=calls.member_count(segment_id),
        recompute=recompute,
        refresh=refresh,
        refresh_samples=len(user_ids),
        create_memory=create_memory,
        recompute_memory=recompute_memory,
        refresh_memory=refresh_memory,
        baseline_plan=baseline_plan(),
    )
