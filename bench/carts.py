"""Section 5 (issue 6): the abandoned-checkout detection sweep at scale.

Runs inside Django against a scale database (``bench.scale_worker``), whose checkouts
are 1 % due for a first reminder (``bench.scale_data``). What is measured comes in as a
``CartCalls``: the domain's sweep (``bench.scale_worker.cart_calls`` is the one place
that wires it).

Every round, untimed, ``reset`` brings back the recorded state (empty: each timed sweep
detects the same due checkouts from scratch; or as an earlier sweep left it, for a
steady-state sweep); then the sweep and the baseline are
timed side by side, the order alternating. The baseline is ``BASELINE_SQL``: an
index-only count (Saleor's index on ``checkout_checkout.last_change``) of the checkouts
whose last change falls in the data's due window, the least any sweep must read.
All times are relative to the data set's anchor (passed to the sweep as ``now``).
"""

import dataclasses
import datetime
from collections.abc import Callable

from django.db import connection

from . import measure
from .measure import Memory, Paired
from .scale_data import DUE_WINDOW

BASELINE_SQL = (
    "SELECT count(*) FROM checkout_checkout "
    "WHERE last_change >= %(oldest)s AND last_change <= %(newest)s"
)
# The due rows exactly: what the first stage of a sweep should find.
DUE_SQL = """
SELECT c.token FROM checkout_checkout c
WHERE c.last_change >= %(oldest)s AND c.last_change <= %(newest)s
  AND c.email IS NOT NULL AND c.completing_started_at IS NULL
  AND EXISTS (SELECT 1 FROM checkout_checkoutline l WHERE l.checkout_id = c.token)
"""
# The first sweep after enabling writes every due checkout: a few rounds are enough.
FIRST_SWEEP_ROUNDS = 5


@dataclasses.dataclass(frozen=True)
class CartCalls:
    """What section 5 measures. ``label`` names it in the report."""

    label: str
    # Turn cart recovery on for the channel (untimed, once); the argument is its id.
    prepare: Callable[[int], None]
    # Untimed, before every timed sweep at ``now`` (the argument): bring the recorded
    # state back to what it was, e.g. empty, or as a sweep a few minutes earlier left it.
    reset: Callable[[datetime.datetime], None]
    # One detection sweep at ``now``; returns how many checkouts it detected.
    sweep: Callable[[datetime.datetime], int]
    is_domain: bool
    # Untimed, before every timed first sweep: the state right after cart recovery is
    # turned on (nothing recorded, no cursor).
    forget: Callable[[], None]
    # The most checkouts one sweep detects per channel (its batches × batch size).
    sweep_bound: int


@dataclasses.dataclass(frozen=True)
class CartsResult:
    label: str
    is_domain: bool
    window_rows: int
    due_rows: int
    checkouts: int
    sweep: Paired
    repeat_sweep: Paired
    sweep_memory: Memory
    baseline_plan: str
    # The first sweep after cart recovery is turned on: nothing recorded yet, the whole
    # due window (up to ``sweep_bound`` checkouts) is read.
    first_sweep: Paired
    first_detected: int
    sweep_bound: int


def window(now: datetime.datetime) -> dict:
    newest_age, oldest_age = DUE_WINDOW
    return {"oldest": now - oldest_age, "newest": now - newest_age}


def _fetch(query: str, params: dict) -> list:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def baseline_plan(now: datetime.datetime) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {BASELINE_SQL}", window(now))
        return "\n".join(row[0] for row in cursor.fetchall())


def run(
    *,
    calls: CartCalls,
    channel_id: int,
    now: datetime.datetime,
    rounds: int,
    warmup: int,
    progress: Callable[[str], None],
) -> CartsResult:
    params = window(now)
    calls.prepare(channel_id)
    calls.reset(now)
    # Memory first, before the rounds have raised the process's peak.
    sweep_memory = measure.memory_peak(lambda: calls.sweep(now))

    def baseline() -> None:
        _fetch(BASELINE_SQL, params)

    progress(f"carts: sweep vs index-only count, {rounds} rounds after {warmup} warm-up")
    sweep = measure.alternate(
        baseline,
        lambda: calls.sweep(now),
        rounds=rounds,
        warmup=warmup,
        before_measured=lambda: calls.reset(now),
    )
    progress("carts: the sweep repeated without reset (nothing new to detect)")
    repeat_sweep = measure.alternate(
        baseline, lambda: calls.sweep(now), rounds=rounds, warmup=warmup
    )
    progress(f"carts: the first sweep after enabling, {FIRST_SWEEP_ROUNDS} rounds")
    calls.forget()
    first_detected = calls.sweep(now)
    first_sweep = measure.alternate(
        baseline,
        lambda: calls.sweep(now),
        rounds=FIRST_SWEEP_ROUNDS,
        warmup=0,
        before_measured=calls.forget,
    )
    ((window_rows,),) = _fetch(BASELINE_SQL, params)
    ((checkouts,),) = _fetch("SELECT count(*) FROM checkout_checkout", {})
    return CartsResult(
        label=calls.label,
        is_domain=calls.is_domain,
        window_rows=window_rows,
        due_rows=len(_fetch(DUE_SQL, params)),
        checkouts=checkouts,
        sweep=sweep,
        repeat_sweep=repeat_sweep,
        sweep_memory=sweep_memory,
        baseline_plan=baseline_plan(now),
        first_sweep=first_sweep,
        first_detected=first_detected,
        sweep_bound=calls.sweep_bound,
    )
