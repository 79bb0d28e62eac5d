"""The benchmarks of issues 3 to 6; ``bench/run.sh`` runs them inside Django and
writes docs/benchmarks.md. Sizes come from the environment (defaults in brackets):
BENCH_SECTIONS (1,2,3) to run, BENCH_CHECKOUT_ROUNDS (90) rounds of checkouts in
section 1 (its ratio is judged against 1.03: 90 rounds narrow its 95 % interval to
about ±3 %), BENCH_ROUNDS (90) in section 3 (judged against 1.10 on each of six
rows), BENCH_WARMUP (3) warm-up rounds in both,
BENCH_CUSTOMERS (100) shoppers, BENCH_WRITERS (16) ledger writers with
BENCH_POSTINGS (400) postings each (about 8 s, and pgbench runs as long: a short run
is mostly its start and its stragglers), in BENCH_PGBENCH_PAIRS (5) pairs of writers
then pgbench. Section 6 (churn risk backtest, issue 14:
``bench.churn_backtest``) runs by default too, in seconds; ``BENCH_SECTIONS=6`` runs it
alone. Section 7 (load over real HTTP, issue 15: ``bench.http_load``) runs by default
too, about three minutes: BENCH_LOAD_SHOPPERS (8) shoppers per server,
BENCH_LOAD_WORKERS (2) uvicorn workers per server, BENCH_LOAD_WARMUP (15) seconds of
warm-up and BENCH_LOAD_SECONDS (60) measured.

Sections 4 (segments, issue 5) and 5 (cart recovery sweep, issue 6) run only when named
(``BENCH_SECTIONS=4,5``): the first time they build a database per scale
(BENCH_SCALES, 100000,1000000 customers; ``bench.scale_db``: about 20 minutes and
some 6 GB for a million customers), later runs reuse them. Each measurement runs in
its own process against its scale database (``bench.scale_worker``) with
BENCH_SCALE_ROUNDS (9) rounds of recompute after BENCH_SCALE_WARMUP (1),
BENCH_REFRESH_SAMPLES (200) customers for one customer's refresh and BENCH_SWEEP_ROUNDS
(30) sweeps.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from saleor.account.models import User
from saleor.order.models import Order
from saleor.product.models import Product

from demo.prepare import populate_once
from saleor_crm_plugin.loyalty.models import LoyaltyAccount, LoyaltyEntry

from . import (
    checkout,
    checkout_fields,
    churn_backtest,
    data,
    http_load,
    ledger,
    report,
    report_load,
    report_scale,
    scale_db,
)

# A new account, and one holding as many open batches as a long-standing customer
# with many small credits (or the shared account of the concurrency run) has.
REDEMPTION_BATCHES = [10, 1000]
SECTIONS = ("1", "2", "3")
# Run by default too (seconds), but not part of the header's run of sections 1–3.
CHURN_SECTION = "6"
# Load over real HTTP (issue 15): run by default, about two and a half minutes.
LOAD_SECTION = "7"
# Named explicitly only: they build (once) and use the scale databases.
SCALE_SECTIONS = ("4", "5")
WORKER = "from bench.scale_worker import main; main()"
REPORT_PATH = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _checkout_section(catalogue: data.Catalogue, broker_url: str) -> list[str]:
    rounds = _setting("BENCH_CHECKOUT_ROUNDS", 90)
    warmup_rounds = _setting("BENCH_WARMUP", 3)
    shopper_count = _setting("BENCH_CUSTOMERS", 100)
    shoppers = data.customers(shopper_count)
    _app, app_token = data.payment_app()
    checkout_scale = [
        f"Scale: Saleor's sample catalogue ({Product.objects.count()} products, "
        f"{len(catalogue.variant_ids)} purchasable variants shipped to the US), "
        f"{Order.objects.count()} orders and {User.objects.count()} users in the database "
        f"at the start; {shopper_count} shoppers take turns; three random lines "
        "(1–2 units each) per checkout; the channel's programme earns 1 point per 1.00."
    ]
    progress(f"checkout: {rounds} rounds × 3 set-ups after {warmup_rounds} warm-up rounds")
    checkout_result = checkout.run(
        catalogue=catalogue,
        shoppers=shoppers,
        app_token=app_token,
        broker_url=broker_url,
        rounds=rounds,
        warmup_rounds=warmup_rounds,
        progress=progress,
    )
    return report.checkout_section(checkout_result, checkout_scale)


def _ledger_section(catalogue: data.Catalogue) -> list[str]:
    writers = _setting("BENCH_WRITERS", 16)
    postings = _setting("BENCH_POSTINGS", 400)
    pair_count = _setting("BENCH_PGBENCH_PAIRS", 5)
    # The ledger writers get new, empty accounts every run, so that runs compare.
    # Accounts: the shared one, two for the redemption costs, one for the statement
    # counts, then each pair's writers' own.
    writer_users = data.customers(
        4 + writers * pair_count, prefix=f"bench-writer-{uuid.uuid4().hex[:8]}"
    )
    accounts = data.loyalty_accounts(writer_users, catalogue.channel)
    pair_accounts = [
        [account.pk for account in accounts[start : start + writers]]
        for start in range(4, 4 + writers * pair_count, writers)
    ]
    ledger_scale = [
        f"Scale: {LoyaltyEntry.objects.count()} entries in {LoyaltyAccount.objects.count()} "
        f"accounts in the ledger at the start; the writers' accounts are new and empty; "
        f"{writers} writers × {postings} postings "
        f"(+ {ledger.replays(postings)} replays each) per scenario."
    ]
    statements = ledger.statements_per_posting(accounts[3])
    progress(f"ledger: {writers} writers on one account")
    same = ledger.run_scenario("same", [accounts[0].pk] * writers, postings)
    # pgbench's scratch database is loaded first, so that loading it is not measured.
    with ledger.pgbench_scratch(progress) as scratch:
        if scratch is None:
            progress(f"ledger: {writers} writers on {writers} accounts")
            pairs = []
            different = ledger.run_scenario("different", pair_accounts[0], postings)
        else:
            pairs = ledger.pgbench_pairs(
                scratch, pair_accounts, postings, settle=settle_database, progress=progress
            )
            different = pairs[0].ledger
    progress(f"ledger: redemptions against {REDEMPTION_BATCHES} open batches")
    redemptions = ledger.redemption_cost(accounts[1:3], REDEMPTION_BATCHES, redemptions=30)
    return ledger.section(same, different, ledger_scale, redemptions, statements, pairs)


def _fields_section(catalogue: data.Catalogue, broker_url: str) -> list[str]:
    started = time.perf_counter()
    load_at_start = os.getloadavg()
    rounds = _setting("BENCH_ROUNDS", 90)
    warmup_rounds = _setting("BENCH_WARMUP", 3)
    progress(f"checkout fields: {rounds} rounds after {warmup_rounds} warm-up rounds")
    result = checkout_fields.run(
        catalogue=catalogue,
        broker_url=broker_url,
        rounds=rounds,
        warmup_rounds=warmup_rounds,
        progress=progress,
    )
    return report.fields_section(
        result, load_at_start=load_at_start, seconds=time.perf_counter() - started
    )


def _churn_section() -> list[str]:
    now = timezone.now()
    progress("churn backtest: generated shop and demo data, each rolled back")
    started = time.perf_counter()
    synthetic = churn_backtest.synthetic_backtest(cutoff=now)
    middle = time.perf_counter()
    demo = churn_backtest.demo_backtest(now=now)
    seconds = (middle - started, time.perf_counter() - middle)
    return churn_backtest.section(synthetic=synthetic, demo=demo, seconds=seconds)


def _load_section(catalogue: data.Catalogue, broker_url: str) -> list[str]:
    started = time.perf_counter()
    _app, app_token = data.payment_app()
    result = http_load.run(
        catalogue=catalogue,
        app_token=app_token,
        broker_url=broker_url,
        shoppers=_setting("BENCH_LOAD_SHOPPERS", 8),
        workers=_setting("BENCH_LOAD_WORKERS", 2),
        seconds=_setting("BENCH_LOAD_SECONDS", 60),
        warmup_seconds=_setting("BENCH_LOAD_WARMUP", 15),
        progress=progress,
    )
    return report_load.load_section(result, seconds=time.perf_counter() - started)


def _scale_worker(scale: scale_db.Scale, section: str) -> dict:
    """Run one measurement of ``section`` in ``scale``'s database, in a new process."""
    with tempfile.NamedTemporaryFile(suffix=".json") as result:
        environment = os.environ | {
            "DATABASE_URL": scale.url,
            "DATABASE_URL_REPLICA": scale.url,
            "BENCH_SCALE_SECTION": section,
            "BENCH_RESULT": result.name,
        }
        progress(f"section {section} at {scale.customers} customers ({scale.database})")
        subprocess.run(
            [sys.executable, "-m", "django", "shell", "-c", WORKER],
            env=environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return json.loads(Path(result.name).read_text())


def _scale_sections(selected: list[str]) -> dict[int, list[str]]:
    scales = scale_db.scales_from(
        os.environ.get("BENCH_SCALES", "100000,1000000"), os.environ["DATABASE_URL"]
    )
    template = connection.settings_dict["NAME"]
    # CREATE DATABASE … TEMPLATE needs the template without connections.
    connections.close_all()
    states = scale_db.scale_databases_ensure(scales=scales, template=template, progress=progress)
    sections = {}
    if "4" in selected:
        results = {scale.customers: _scale_worker(scale, "4") for scale in scales}
        sections[4] = report_scale.segments_section(scales, states, results)
    if "5" in selected:
        results = {scale.customers: _scale_worker(scale, "5") for scale in scales}
        sections[5] = report_scale.carts_section(scales, states, results)
    return sections


def prepare() -> None:
    """Migrate the benchmark database and load Saleor's sample data once.

    ``bench/run.sh`` runs this in a process of its own, never in the one that measures:
    migrations leave process-wide state behind. Saleor's site migration 0013 calls
    ``Site.objects.get_current()`` on the historical ``Site`` model, and Saleor's
    patched ``SiteManager`` keeps that instance in its process-wide site cache; every
    later ``get_current()`` of that process returns it, and a query such as
    ``SiteSettings.objects.get(site=...)`` (storefront traffic check of each GraphQL
    request) fails with 'Must be "Site" instance'.
    """
    progress("migrating (the first run applies all of Saleor's migrations: a few minutes)")
    call_command("migrate", interactive=False, verbosity=0)
    if populate_once(images=False):
        progress("loaded Saleor's sample data")


def site_cache_clear() -> None:
    """Forget the sites Saleor's site cache holds (``prepare`` explains why).

    ``bench/run.sh`` prepares in a process of its own; clearing here as well keeps a
    measuring process correct when something migrated in it first (e.g. ``prepare()``
    and ``main()`` called from one shell).
    """
    Site.objects.clear_cache()


def settle_database() -> None:
    """Let PostgreSQL catch up before a section measures: ``VACUUM (ANALYZE)`` and
    ``CHECKPOINT``.

    A section leaves dead rows and dirty pages behind (section 1 writes some 270 orders);
    without this, autovacuum and the checkpointer do that work during the next section
    and take a share of the two cores from whichever set-up runs then.
    """
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")


def main() -> None:
    site_cache_clear()
    started = time.perf_counter()
    load_at_start = os.getloadavg()
    default = ",".join((*SECTIONS, CHURN_SECTION, LOAD_SECTION))
    selected = os.environ.get("BENCH_SECTIONS", default).split(",")
    broker_url = settings.CELERY_BROKER_URL

    catalogue = data.catalogue()

    sections = {}
    if "1" in selected:
        settle_database()
        sections[1] = _checkout_section(catalogue, broker_url)
    if "2" in selected:
        settle_database()
        sections[2] = _ledger_section(catalogue)
    if "3" in selected:
        settle_database()
        sections[3] = _fields_section(catalogue, broker_url)
    if CHURN_SECTION in selected:
        sections[6] = _churn_section()
    if LOAD_SECTION in selected:
        sections[report_load.SECTION] = _load_section(catalogue, broker_url)
    if any(section in selected for section in SCALE_SECTIONS):
        sections.update(_scale_sections(selected))
    # The header describes the run of sections 1–3; a partial run keeps the old one.
    header = None
    if all(int(section) in sections for section in SECTIONS):
        header = report.header(broker_url, load_at_start, time.perf_counter() - started)
    report.write(REPORT_PATH, sections=sections, header=header)
    progress(f"wrote sections {sorted(sections)} of {REPORT_PATH}")
    print(REPORT_PATH.read_text())
