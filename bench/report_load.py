"""Section 7 of docs/benchmarks.md: load over real HTTP (``bench.http_load``)."""

import os

from .http_load import REQUESTS, LoadResult

SECTION = 7


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _cell(result: LoadResult, setup: str, name: str, field: str, digits: int = 0) -> str:
    row = result.stats[setup].get(name)
    return "–" if row is None else f"{getattr(row, field):.{digits}f}"


def load_section(result: LoadResult, *, seconds: float) -> list[str]:
    purchases = {setup: result.stats[setup].get("purchase") for setup in result.stats}
    throughput = result.ratio("purchase", "per_second")
    lines = [
        "## 7. Load over real HTTP, with and without the plugin",
        "",
        "Two Saleor servers run side by side on loopback, each `uvicorn "
        f"saleor.asgi:application --workers {result.workers}` over the same database: one "
        "without the CRM plugin in `PLUGINS` (Saleor as it ships), one with it and the "
        "programme active on the channel. One run of [locust](https://locust.io) (in its "
        "own virtualenv `.bench-venv`, made by `bench/run.sh`; `bench/locustfile.py`) loads "
        f"both at the same time with {result.shoppers} shoppers each, every shopper buying "
        "in a loop without pause: `checkoutCreate` (three random lines, addresses), "
        "`checkoutDeliveryMethodUpdate`, on the plugin's server "
        "`checkoutLoyaltyPointsApply` (a gift card worth the points goes onto the "
        "checkout), the payment app's `transactionCreate` charging what is left, and "
        "`checkoutComplete` (the order fully charged). Two servers rather than two channels "
        "of one server: a channel where the programme is inactive still has the plugin "
        "loaded (section 1 measures that set-up), and Saleor's sample data has no second "
        "channel selling the same catalogue in the same currency; loading both at once "
        "makes whatever else the machine does fall on both alike. A GraphQL error, a "
        "mutation error or an order not fully charged counts as an error. "
        f"{result.warmup_seconds} s of warm-up (not counted), then {result.seconds} s "
        f"measured; section wall time {seconds:.0f} s, {os.cpu_count()} CPUs shared by both "
        "servers, PostgreSQL, Redis and locust.",
        "",
        "| Request | Requests without / with | Errors | p50 ms without / with | "
        "p99 ms without / with | p50 ratio | p99 ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in REQUESTS:
        if not any(name in rows for rows in result.stats.values()):
            continue
        errors = sum(rows[name].failures for rows in result.stats.values() if name in rows)
        label = "whole purchase" if name == "purchase" else f"`{name}`"
        lines.append(
            f"| {label} | {_cell(result, 'without', name, 'requests')} / "
            f"{_cell(result, 'active', name, 'requests')} | {errors} | "
            f"{_cell(result, 'without', name, 'median_ms')} / "
            f"{_cell(result, 'active', name, 'median_ms')} | "
            f"{_cell(result, 'without', name, 'p99_ms')} / "
            f"{_cell(result, 'active', name, 'p99_ms')} | "
            f"{_ratio(result.ratio(name, 'median_ms'))} | "
            f"{_ratio(result.ratio(name, 'p99_ms'))} |"
        )
    rates = " / ".join(
        "–" if purchases[setup] is None else f"{purchases[setup].per_second:.2f}"
        for setup in ("without", "active")
    )
    lines += [
        "",
        f"Purchases per second, without / with the plugin: {rates}; throughput ratio "
        f"with / without: **{_ratio(throughput)}** (the plugin's shoppers make one request "
        "more per purchase, the points). Orders created, warm-up included: "
        f"{result.orders['without']} / {result.orders['active']}. "
        f"Errors: **{result.failures}**.",
    ]
    if result.failure_samples:
        lines += ["", "Errors seen:", "", *(f"- {sample}" for sample in result.failure_samples)]
    redemptions = ", ".join(
        f"{count} {status}" for status, count in sorted(result.redemptions.items())
    )
    consistent = not (result.account_mismatches or result.redemption_mismatches)
    lines += [
        "",
        "Afterwards a Celery worker ran what the requests had enqueued (order points, "
        f"redemption settlement, …) until the queue was empty ({result.drain_seconds:.0f} s), "
        "then the loyalty audit (`crm_loyalty_audit`'s checks): "
        f"{result.accounts_checked} accounts against their entries, "
        f"{result.account_mismatches} disagreeing; {result.redemptions_checked} settled "
        f"redemptions against what their gift card paid, {result.redemption_mismatches} "
        f"disagreeing. This run's redemptions: {redemptions or 'none'}. Ledger and gift "
        f"cards {'agree' if consistent else '**disagree**'}.",
        "",
    ]
    return lines
