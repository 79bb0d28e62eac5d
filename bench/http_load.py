"""Section 7 (issue 15): shoppers at once over real HTTP, with and without the plugin.

Two Saleor servers run side by side on loopback, each ``uvicorn saleor.asgi:application
--workers N`` over the same database: one without the CRM plugin in ``PLUGINS``
(Saleor as it ships; ``bench.http_settings`` with ``BENCH_HTTP_CRM=off``), one with
it and the programme active on the channel. Both are loaded at the same time by one
locust run (``bench/locustfile.py``, locust in its own virtualenv ``.bench-venv``,
never in Saleor's), the same number of shoppers on each, so that whatever else the
machine does falls on both alike: two servers rather than two channels of one server,
because a channel where the programme is inactive still has the plugin loaded, and
Saleor's sample data has no second channel selling the same catalogue in the same
currency. A first, shorter locust run warms both servers up and is not counted.

Afterwards a Celery worker runs what the requests enqueued (order points, redemption
settlement, …) until the broker's queue is empty, and the loyalty audit
(``loyalty.audit``, as ``crm_loyalty_audit`` runs it) checks every account against its
entries and every settled redemption's points against what its gift card paid.
"""

import csv
import dataclasses
import datetime
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

import graphene
import redis
from django.db.models import Count
from saleor.core.jwt import JWT_ACCESS_TYPE, jwt_encode, jwt_user_payload
from saleor.order.models import Order
from saleor.plugins.models import PluginConfiguration

from saleor_crm_plugin.config import PLUGIN_ID
from saleor_crm_plugin.loyalty.audit import ledger_audit, redemption_audit
from saleor_crm_plugin.loyalty.bonuses import account_points_adjust
from saleor_crm_plugin.loyalty.models import LoyaltyRedemption

from . import data
from .checkout import QUEUE, SHIPPING_ADDRESS, configure_programme
from .data import Catalogue

REPO = Path(__file__).resolve().parent.parent
LOCUST = REPO / ".bench-venv" / "bin" / "locust"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
SETUPS = ("without", "active")
PORTS = {"without": 8931, "active": 8932}
POINTS_PER_CHECKOUT = 500
BALANCE = 10_000_000
# Mutations in the order of a purchase; "purchase" is the whole of it.
REQUESTS = (
    "checkoutCreate",
    "checkoutDeliveryMethodUpdate",
    "checkoutLoyaltyPointsApply",
    "transactionCreate",
    "checkoutComplete",
    "purchase",
)


@dataclasses.dataclass(frozen=True)
class RequestStats:
    requests: int
    failures: int
    median_ms: float
    p99_ms: float
    per_second: float


@dataclasses.dataclass(frozen=True)
class LoadResult:
    shoppers: int
    workers: int
    seconds: int
    warmup_seconds: int
    # stats[setup][request name]
    stats: dict[str, dict[str, RequestStats]]
    orders: dict[str, int]
    failure_samples: list[str]
    drain_seconds: float
    redemptions: dict[str, int]
    accounts_checked: int
    account_mismatches: int
    redemptions_checked: int
    redemption_mismatches: int

    def ratio(self, name: str, field: str) -> float | None:
        without = self.stats["without"].get(name)
        active = self.stats["active"].get(name)
        if not without or not active or not getattr(without, field):
            return None
        return getattr(active, field) / getattr(without, field)

    @property
    def failures(self) -> int:
        return sum(row.failures for rows in self.stats.values() for row in rows.values())


def shopper_token(user) -> str:
    # An hour, so that no token expires during the run (Saleor's default is 5 minutes).
    return jwt_encode(jwt_user_payload(user, JWT_ACCESS_TYPE, datetime.timedelta(hours=1)))


def _load_data(catalogue: Catalogue, shoppers: int, app_token: str, run: str) -> dict:
    setups = {}
    for setup in SETUPS:
        users = data.customers(shoppers, prefix=f"bench-load-{setup}")
        if setup == "active":
            for user in users:
                account_points_adjust(
                    user=user,
                    channel_id=catalogue.channel.pk,
                    points=BALANCE,
                    reason="Benchmark balance",
                    idempotency_key=f"bench-load:{user.pk}",
                )
        setups[setup] = {
            "url": f"http://127.0.0.1:{PORTS[setup]}",
            "tokens": [shopper_token(user) for user in users],
            "user_ids": [user.pk for user in users],
        }
    return {
        "run": run,
        "setups": setups,
        "app_token": app_token,
        "channel": catalogue.channel.slug,
        "variants": [
            graphene.Node.to_global_id("ProductVariant", pk) for pk in catalogue.variant_ids
        ],
        "address": SHIPPING_ADDRESS,
        "points_per_checkout": POINTS_PER_CHECKOUT,
    }


def _server_start(setup: str, workers: int, log_dir: Path) -> subprocess.Popen:
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.http_settings",
        "BENCH_HTTP_CRM": "on" if setup == "active" else "off",
    }
    log = (log_dir / f"uvicorn-{setup}.log").open("w")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "saleor.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(PORTS[setup]),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=environment,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_ready(setup: str, server: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{PORTS[setup]}/health/"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the {setup} server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise RuntimeError(f"the {setup} server did not answer {url} in {timeout} s")


def _stop(process: subprocess.Popen) -> None:
    """Stop a process this module started, with its children (its own session)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _locust(data_file: Path, users: int, seconds: int, csv_prefix: Path) -> None:
    subprocess.run(
        [
            str(LOCUST),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "30",
            "--csv",
            str(csv_prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ],
        env=os.environ | {"BENCH_LOAD_DATA": str(data_file)},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _read_stats(csv_prefix: Path) -> dict[str, dict[str, RequestStats]]:
    stats: dict[str, dict[str, RequestStats]] = {setup: {} for setup in SETUPS}
    with Path(f"{csv_prefix}_stats.csv").open() as file:
        for row in csv.DictReader(file):
            setup, _, name = row["Name"].partition(" ")
            if setup not in stats:
                continue  # the "Aggregated" line
            stats[setup][name] = RequestStats(
                requests=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
                median_ms=float(row["50%"]),
                p99_ms=float(row["99%"]),
                per_second=float(row["Requests/s"]),
            )
    return stats


def _failure_samples(csv_prefix: Path, limit: int = 5) -> list[str]:
    path = Path(f"{csv_prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open() as file:
        return [
            f"{row['Name']}: {row['Error'][:300]} ({row['Occurrences']}×)"
            for row in csv.DictReader(file)
        ][:limit]


def _drain(broker_url: str, log_dir: Path, timeout: float = 300) -> float:
    """Run a Celery worker until the broker holds no task; return the seconds it took."""
    started = time.perf_counter()
    broker = redis.Redis.from_url(broker_url)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "--app",
            "saleor.celeryconf:app",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=REPO,
        stdout=(log_dir / "celery.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        idle = 0
        while idle < 3:
            if worker.poll() is not None:
                raise RuntimeError(f"the Celery worker exited with {worker.returncode}")
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"tasks still queued after {timeout} s")
            busy = broker.llen(QUEUE) or broker.hlen("unacked")
            idle = 0 if busy else idle + 1
            time.sleep(1)
    finally:
        _stop(worker)
    return time.perf_counter() - started


def run(
    *,
    catalogue: Catalogue,
    app_token: str,
    broker_url: str,
    shoppers: int,
    workers: int,
    seconds: int,
    warmup_seconds: int,
    progress: Callable[[str], None],
) -> LoadResult:
    run_id = uuid.uuid4().hex[:8]
    started_at = datetime.datetime.now(tz=datetime.UTC)
    configure_programme(catalogue.channel.slug)
    PluginConfiguration.objects.filter(
        identifier=PLUGIN_ID, channel_id=catalogue.channel.pk
    ).update(active=True)
    load = _load_data(catalogue, shoppers, app_token, run_id)
    # Only what this section enqueues is run by the worker afterwards.
    redis.Redis.from_url(broker_url).delete(QUEUE)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as directory:
        work = Path(directory)
        data_file = work / "load.json"
        data_file.write_text(json.dumps(load))
        progress(f"load: two Saleor servers (uvicorn, {workers} workers each) starting")
        servers = [_server_start(setup, workers, work) for setup in SETUPS]
        try:
            for setup, server in zip(SETUPS, servers, strict=True):
                _wait_ready(setup, server)
            users = shoppers * len(SETUPS)
            progress(f"load: {users} shoppers, {warmup_seconds} s warm-up (not counted)")
            _locust(data_file, users, warmup_seconds, work / "warmup")
            progress(f"load: {users} shoppers for {seconds} s")
            _locust(data_file, users, seconds, work / "run")
        except Exception:
            for setup in SETUPS:
                log = work / f"uvicorn-{setup}.log"
                if log.exists():
                    print(log.read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            for server in servers:
                _stop(server)
        stats = _read_stats(work / "run")
        failures = _failure_samples(work / "run")
        progress("load: a Celery worker runs the tasks the requests enqueued")
        drain_seconds = _drain(broker_url, work)
    orders = {
        setup: Order.objects.filter(
            user_id__in=load["setups"][setup]["user_ids"], created_at__gte=started_at
        ).count()
        for setup in SETUPS
    }
    redemptions = dict(
        LoyaltyRedemption.objects.filter(
            account__user_id__in=load["setups"]["active"]["user_ids"],
            created_at__gte=started_at,
        )
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    progress("load: loyalty audit (ledger and redemptions' gift cards)")
    accounts_checked, account_mismatches = ledger_audit()
    redemptions_checked, redemption_mismatches = redemption_audit()
    return LoadResult(
        shoppers=shoppers,
        workers=workers,
        seconds=seconds,
        warmup_seconds=warmup_seconds,
        stats=stats,
        orders=orders,
        failure_samples=failures,
        drain_seconds=drain_seconds,
        redemptions=redemptions,
        accounts_checked=accounts_checked,
        account_mismatches=len(account_mismatches),
        redemptions_checked=redemptions_checked,
        redemption_mismatches=len(redemption_mismatches),
    )
