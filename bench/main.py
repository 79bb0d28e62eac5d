"""The benchmarks of issue 3; ``bench/run.sh`` runs them inside Django and writes
docs/benchmarks.md. Sizes come from the environment (defaults in brackets):
BENCH_ROUNDS (30) and BENCH_WARMUP (3) rounds of checkouts, BENCH_CUSTOMERS (100)
shoppers, BENCH_WRITERS (16) ledger writers with BENCH_POSTINGS (150) postings each.
"""

import os
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from saleor.account.models import User
from saleor.order.models import Order
from saleor.product.models import Product

from demo.prepare import populate_once
from saleor_crm_plugin.loyalty.models import LoyaltyAccount, LoyaltyEntry

from . import checkout, data, ledger, report

# A new account, and one holding as many open batches as a long-standing customer
# with many small credits (or the shared account of the concurrency run) has.
REDEMPTION_BATCHES = [10, 1000]
REPORT_PATH = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def main() -> None:
    started = time.perf_counter()
    load_at_start = os.getloadavg()
    rounds = _setting("BENCH_ROUNDS", 30)
    warmup_rounds = _setting("BENCH_WARMUP", 3)
    shopper_count = _setting("BENCH_CUSTOMERS", 100)
    writers = _setting("BENCH_WRITERS", 16)
    postings = _setting("BENCH_POSTINGS", 150)
    broker_url = settings.CELERY_BROKER_URL

    progress("migrating (the first run applies all of Saleor's migrations: a few minutes)")
    call_command("migrate", interactive=False, verbosity=0)
    if populate_once(images=False):
        progress("loaded Saleor's sample data")
    catalogue = data.catalogue()
    shoppers = data.customers(shopper_count)
    # The ledger writers get new, empty accounts every run, so that runs compare.
    writer_users = data.customers(writers + 3, prefix=f"bench-writer-{uuid.uuid4().hex[:8]}")
    accounts = data.loyalty_accounts(writer_users, catalogue.channel)
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

    ledger_scale = [
        f"Scale: {LoyaltyEntry.objects.count()} entries in {LoyaltyAccount.objects.count()} "
        f"accounts in the ledger at the start; the writers' accounts are new and empty; "
        f"{writers} writers × {postings} postings "
        f"(+ {ledger.replays(postings)} replays each) per scenario."
    ]
    progress(f"ledger: {writers} writers on one account")
    same = ledger.run_scenario("same", [accounts[0].pk] * writers, postings)
    progress(f"ledger: {writers} writers on {writers} accounts")
    different = ledger.run_scenario(
        "different", [account.pk for account in accounts[1 : writers + 1]], postings
    )

    progress(f"ledger: redemptions against {REDEMPTION_BATCHES} open batches")
    redemptions = ledger.redemption_cost(
        accounts[writers + 1 : writers + 3], REDEMPTION_BATCHES, redemptions=30
    )

    report.write(
        REPORT_PATH,
        broker_url=broker_url,
        load_at_start=load_at_start,
        checkout=checkout_result,
        checkout_scale=checkout_scale,
        same=same,
        different=different,
        ledger_scale=ledger_scale,
        redemptions=redemptions,
        seconds=time.perf_counter() - started,
    )
    progress(f"wrote {REPORT_PATH}")
    print(REPORT_PATH.read_text())
