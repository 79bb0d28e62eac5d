"""Section 7 of the benchmark (load over real HTTP): reading locust's statistics and
writing the section. The run itself (servers, locust) is ``bench/run.sh``'s."""

from bench import http_load, report_load

HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)


def stats_row(kind: str, name: str, requests: int, failures: int, p50: int, p99: int, rate):
    return (
        f"{kind},{name},{requests},{failures},{p50},{p50},1,{p99},10,{rate},0,"
        f"{p50},{p50},{p50},{p50},{p99},{p99},{p99},{p99},{p99},{p99},{p99}"
    )


def test_locust_statistics_are_read_per_set_up_and_the_section_reports_their_ratios(tmp_path):
    # given: locust's statistics file of one run
    rows = [
        stats_row("POST", "without checkoutComplete", 100, 0, 200, 400, 1.5),
        stats_row("POST", "active checkoutComplete", 90, 0, 220, 500, 1.4),
        stats_row("POST", "active checkoutLoyaltyPointsApply", 90, 0, 50, 90, 1.4),
        stats_row("FLOW", "without purchase", 100, 0, 800, 1600, 1.6),
        stats_row("FLOW", "active purchase", 90, 0, 880, 2000, 1.2),
        stats_row("", "Aggregated", 470, 0, 200, 1600, 7.1),
    ]
    (tmp_path / "run_stats.csv").write_text("\n".join([HEADER, *rows]) + "\n")

    # when
    stats = http_load._read_stats(tmp_path / "run")
    result = http_load.LoadResult(
        shoppers=8,
        workers=2,
        seconds=60,
        warmup_seconds=15,
        stats=stats,
        orders={"without": 100, "active": 90},
        failure_samples=http_load._failure_samples(tmp_path / "run"),
        drain_seconds=12.0,
        redemptions={"spent": 90},
        accounts_checked=40,
        account_mismatches=0,
        redemptions_checked=90,
        redemption_mismatches=0,
    )
    text = "\n".join(report_load.load_section(result, seconds=200))

    # then
    assert set(stats) == {"without", "active"}
    assert stats["active"]["purchase"].per_second == 1.2
    assert result.ratio("purchase", "per_second") == 1.2 / 1.6
    assert result.ratio("checkoutLoyaltyPointsApply", "median_ms") is None
    assert result.failures == 0
    assert "| whole purchase | 100 / 90 | 0 | 800 / 880 | 1600 / 2000 | 1.100 | 1.250 |" in text
    assert "throughput ratio with / without: **0.750**" in text
    assert "Errors: **0**" in text
    assert "Ledger and gift cards agree." in text
