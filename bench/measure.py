"""Side-by-side timing and memory helpers shared by sections 4 and 5.

``alternate`` times a baseline and a measured call in turn, the order swapping every
round, and summarises each round's ratio (median, range, bootstrap 95 % interval of
the median): a machine shared with other work slows both sides of a round alike.
``memory_peak`` runs a call once under ``tracemalloc`` (Python allocations: what grows
if code loads rows into Python) and reports the process's peak resident size before and
after (``ru_maxrss``: also counts the database driver's buffers).
"""

import dataclasses
import gc
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable

from .checkout import median_interval


@dataclasses.dataclass(frozen=True)
class Paired:
    rounds: int
    baseline_ms: float
    measured_ms: float
    measured_p90_ms: float
    # Median of per-round ratios measured / baseline, their range and a 95 % interval.
    ratio: float
    ratio_low: float
    ratio_high: float
    interval: tuple[float, float]


@dataclasses.dataclass(frozen=True)
class Memory:
    python_peak_kib: float
    maxrss_before_mib: float
    maxrss_after_mib: float


def timed(call: Callable[[], object]) -> float:
    """Milliseconds ``call`` took."""
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def alternate(
    baseline: Callable[[], object],
    measured: Callable[[], object],
    *,
    rounds: int,
    warmup: int,
    before_measured: Callable[[], object] | None = None,
) -> Paired:
    """Time ``baseline`` and ``measured`` side by side; ``before_measured`` (untimed)
    runs before every measured call, e.g. to undo what the previous call recorded."""
    baseline_ms, measured_ms = [], []
    for number in range(warmup + rounds):
        if before_measured is not None:
            before_measured()
        if number % 2:
            this_measured, this_baseline = timed(measured), timed(baseline)
        else:
            this_baseline, this_measured = timed(baseline), timed(measured)
        if number >= warmup:
            baseline_ms.append(this_baseline)
            measured_ms.append(this_measured)
    ratios = [m / b for m, b in zip(measured_ms, baseline_ms, strict=True)]
    return Paired(
        rounds=rounds,
        baseline_ms=statistics.median(baseline_ms),
        measured_ms=statistics.median(measured_ms),
        measured_p90_ms=percentile(measured_ms, 0.9),
        ratio=statistics.median(ratios),
        ratio_low=min(ratios),
        ratio_high=max(ratios),
        interval=median_interval(ratios),
    )


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_peak(call: Callable[[], object]) -> Memory:
    gc.collect()
    before = _maxrss_mib()
    tracemalloc.start()
    try:
        call()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return Memory(
        python_peak_kib=peak / 1024, maxrss_before_mib=before, maxrss_after_mib=_maxrss_mib()
    )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]
