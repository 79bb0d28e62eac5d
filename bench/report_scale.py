"""docs/benchmarks.md sections 4 (segments) and 5 (cart recovery sweep), at scale.

Results arrive as the JSON of ``bench.segments.SegmentsResult`` /
``bench.carts.CartsResult`` per scale (one worker process each); the data's shape and
growth times come from each scale database's ``bench_scale_state``.
"""

import datetime
import os

from django.db import connection

from .scale_data import DUE_WINDOW, ORDER_LINE_EVERY
from .scale_db import Scale, ScaleState

RATIO_TARGET = 1.5
REFRESH_TARGET_MS = 10


def _verdict(ok: bool, is_domain: bool) -> str:
    if not is_domain:
        return "not judged: reference SQL"
    return "met" if ok else "**not met**"


def _ratio(paired: dict) -> str:
    low, high = paired["interval"]
    return (
        f"{paired['ratio']:.2f} (rounds {paired['ratio_low']:.2f}–{paired['ratio_high']:.2f}; "
        f"95 % interval {low:.2f}–{high:.2f})"
    )


SERVER_SETTINGS = (
    "shared_buffers",
    "work_mem",
    "max_parallel_workers_per_gather",
    "jit",
)


def _measured_at() -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    with connection.cursor() as cursor:
        shown = []
        for name in SERVER_SETTINGS:
            cursor.execute(f"SHOW {name}")
            shown.append(f"{name} {cursor.fetchone()[0]}")
    return (
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; load average "
        f"{load} at the end (other work shares the machine: ratios, not times, are the "
        f"figures to compare). PostgreSQL as installed: {', '.join(shown)}."
    )


def data_table(scales: list[Scale], states: dict[int, ScaleState]) -> list[str]:
    lines = [
        "| Database | Customers | Orders | Order lines | Billing addresses | Loyalty accounts "
        "| Checkouts | Checkout lines | Growth steps: customers, wall s (phases, s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for scale in scales:
        state = states[scale.customers]
        rows = state.rows
        steps = "; ".join(
            f"{step['from']}→{step['to']}: {step['seconds']:.0f} s ("
            + ", ".join(f"{name} {seconds:.0f}" for name, seconds in step["phases"])
            + f"; {step['at']})"
            for step in state.steps
        )
        lines.append(
            f"| `{scale.database}` | {state.customers} | {rows['order_order']} | "
            f"{rows['order_orderline']} | {rows['account_address']} | "
            f"{rows['saleor_crm_loyaltyaccount']} | {rows['checkout_checkout']} | "
            f"{rows['checkout_checkoutline']} | {steps} |"
        )
    return lines


def _plan(text: str) -> list[str]:
    return ["```", *text.splitlines(), "```"]


def segments_section(
    scales: list[Scale], states: dict[int, ScaleState], results: dict[int, dict]
) -> list[str]:
    first = results[scales[0].customers]
    lines = [
        "## 4. Customer segments at scale",
        "",
        "Generated data (`bench/scale_data.py`, loaded with `COPY` by `bench/scale_db.py` "
        "into Saleor's own tables, foreign keys checked afterwards; one database per "
        "scale, each grown from the smaller one): every customer has about five orders "
        "over three years (skewed spend, 95 % with `user_id`, a mix of statuses, 10 % in "
        f"the second channel), one order in {ORDER_LINE_EVERY} has a line of the sample "
        "catalogue, 60 % have a default billing address with a country, 40 % a loyalty "
        "account with a tier. Growth steps run in one transaction each (indexes dropped "
        "and rebuilt around the `COPY`; orders then stored in `created_at` order and "
        "checkouts in `last_change` order with `CLUSTER`, as a shop's tables fill), then "
        "`VACUUM (ANALYZE)`.",
        "",
        *data_table(scales, states),
        "",
        f"Measured: **{first['label']}**, each scale in its own process. A five-condition "
        "segment (total spent ≥ 300 in 365 days, ≥ 3 orders, last order ≥ 30 days ago, "
        "billing country in US/DE/GB, tier Silver or Gold; `bench/segments.py`) is "
        "saved once, then its full recompute and the baseline `SELECT user_id, count(*), "
        "sum(total_charged_amount), max(created_at) FROM order_order GROUP BY user_id` "
        "(all rows received by the driver) are timed side by side, the order alternating "
        "round by round. One customer's refresh is timed beside the same aggregate for "
        "that customer alone, a different customer with orders each round.",
        "",
        "| Customers | Members | Rounds | GROUP BY ms | Recompute ms | "
        "Recompute / GROUP BY: median of per-round ratios | Target |",
        "|---|---|---|---|---|---|---|",
    ]
    for scale in scales:
        result = results[scale.customers]
        paired = result["recompute"]
        lines.append(
            f"| {scale.customers} | {result['members']} | {paired['rounds']} | "
            f"{paired['baseline_ms']:.0f} | {paired['measured_ms']:.0f} | {_ratio(paired)} | "
            f"≤ {RATIO_TARGET} ({_verdict(paired['ratio'] <= RATIO_TARGET, result['is_domain'])})"
            " |"
        )
    lines += [
        "",
        "| Customers | Customers refreshed | One customer's aggregate ms | Refresh ms: "
        "median (p90) | Refresh / aggregate: median of per-round ratios | Target |",
        "|---|---|---|---|---|---|",
    ]
    for scale in scales:
        result = results[scale.customers]
        paired = result["refresh"]
        ok = paired["measured_ms"] <= REFRESH_TARGET_MS
        lines.append(
            f"| {scale.customers} | {paired['rounds']} | {paired['baseline_ms']:.2f} | "
            f"{paired['measured_ms']:.2f} ({paired['measured_p90_ms']:.2f}) | {_ratio(paired)} "
            f"| median ≤ {REFRESH_TARGET_MS} ms ({_verdict(ok, result['is_domain'])}) |"
        )
    lines += [
        "",
        "Memory, each call run once under `tracemalloc` (Python allocations at their peak) "
        "before any timed round; the process's peak resident size before and after it "
        "(`ru_maxrss`, counts the driver's buffers too):",
        "",
        "| Customers | Segment saved: Python peak KiB | Recompute: Python peak KiB | "
        "Refresh: Python peak KiB | Peak RSS before → after the three calls, MiB |",
        "|---|---|---|---|---|",
    ]
    for scale in scales:
        result = results[scale.customers]
        create, recompute, refresh = (
            result[key] for key in ("create_memory", "recompute_memory", "refresh_memory")
        )
        lines.append(
            f"| {scale.customers} | {create['python_peak_kib']:.0f} | "
            f"{recompute['python_peak_kib']:.0f} | {refresh['python_peak_kib']:.0f} | "
            f"{create['maxrss_before_mib']:.0f} → {refresh['maxrss_after_mib']:.0f} |"
        )
    if len(scales) > 1:
        small, large = results[scales[0].customers], results[scales[-1].customers]
        growth = large["recompute_memory"]["python_peak_kib"] / max(
            small["recompute_memory"]["python_peak_kib"], 1
        )
        lines += [
            "",
            f"Recompute's Python peak, {scales[-1].customers} / {scales[0].customers} "
            f"customers: **{growth:.2f}** (flat is the target).",
        ]
    lines += [
        "",
        f"The baseline's plan at {scales[-1].customers} customers "
        "(`EXPLAIN (ANALYZE, BUFFERS)`, after the rounds):",
        "",
        *_plan(results[scales[-1].customers]["baseline_plan"]),
        "",
        _measured_at(),
        "",
    ]
    return lines


def carts_section(
    scales: list[Scale], states: dict[int, ScaleState], results: dict[int, dict]
) -> list[str]:
    first = results[scales[0].customers]
    newest, oldest = (int(age.total_seconds() // 3600) for age in DUE_WINDOW)
    lines = [
        "## 5. Abandoned-checkout detection sweep at scale",
        "",
        "The databases of section 4 hold one checkout per customer (`checkout_checkout`, "
        "lines in `checkout_checkoutline`): 1 % due for a first reminder (e-mail, lines, no "
        f"completion started, last change {newest}–{oldest} h before the data's anchor "
        "time), 0.2 % the same but with completion started, 43.8 % changed within the "
        "last hour, 30 % anonymous (no e-mail) over 30 days, 25 % empty within 6 hours "
        "(Saleor deletes older empty checkouts).",
        "",
        f"Measured: **{first['label']}**, each scale in its own process, with the anchor as "
        "`now`. Once, untimed, our tables are emptied and the previous sweep's detection "
        "runs 5 minutes before `now` (the beat's interval); every round, untimed, what the "
        "measured sweep wrote is taken back (the rows it detected, the cursor it moved), "
        "so each timed sweep "
        "is the steady state: it reads the checkouts that became due since the previous "
        "one (sending, bounded by `cart_messages_per_run`, is not part of this figure); "
        "the baseline, timed side by "
        "side in alternating order, is an index-only count of the checkouts in the due "
        "window (`SELECT count(*) FROM checkout_checkout WHERE last_change BETWEEN …`, "
        "Saleor's index on `last_change`), the least a sweep must read. The repeated "
        "sweep runs again without forgetting (nothing new to detect).",
        "",
        "| Customers | Checkouts | In the window | Due | Rounds | Count ms | Sweep ms | "
        "Sweep / count: median of per-round ratios | Repeated sweep / count | Target |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for scale in scales:
        result = results[scale.customers]
        sweep, repeat = result["sweep"], result["repeat_sweep"]
        ok = sweep["ratio"] <= RATIO_TARGET
        lines.append(
            f"| {scale.customers} | {result['checkouts']} | {result['window_rows']} | "
            f"{result['due_rows']} | {sweep['rounds']} | {sweep['baseline_ms']:.1f} | "
            f"{sweep['measured_ms']:.1f} | {_ratio(sweep)} | {_ratio(repeat)} | "
            f"≤ {RATIO_TARGET} ({_verdict(ok, result['is_domain'])}) |"
        )
    bound = first["sweep_bound"]
    lines += [
        "",
        "The first sweep after cart recovery is turned on has no earlier sweep to start "
        "from: it reads the whole due window and records every due checkout, at most "
        f"{bound} per channel and sweep (detection batches × batch size; the rest waits "
        "for the next sweep, 5 minutes later). Timed after emptying our tables, beside "
        "the same count:",
        "",
        "| Customers | Due | Detected by the first sweep | Bound | Rounds | Count ms | "
        "First sweep ms | First sweep / count: median of per-round ratios |",
        "|---|---|---|---|---|---|---|---|",
        *(
            f"| {scale.customers} | {results[scale.customers]['due_rows']} | "
            f"{results[scale.customers]['first_detected']} | "
            f"{results[scale.customers]['sweep_bound']} | "
            f"{results[scale.customers]['first_sweep']['rounds']} | "
            f"{results[scale.customers]['first_sweep']['baseline_ms']:.1f} | "
            f"{results[scale.customers]['first_sweep']['measured_ms']:.1f} | "
            f"{_ratio(results[scale.customers]['first_sweep'])} |"
            for scale in scales
        ),
        "",
        "| Customers | Sweep: Python peak KiB | Peak RSS before → after, MiB |",
        "|---|---|---|",
        *(
            f"| {scale.customers} | "
            f"{results[scale.customers]['sweep_memory']['python_peak_kib']:.0f} | "
            f"{results[scale.customers]['sweep_memory']['maxrss_before_mib']:.0f} → "
            f"{results[scale.customers]['sweep_memory']['maxrss_after_mib']:.0f} |"
            for scale in scales
        ),
        "",
        f"The baseline's plan at {scales[-1].customers} customers:",
        "",
        *_plan(results[scales[-1].customers]["baseline_plan"]),
        "",
        _measured_at(),
        "",
    ]
    return lines
