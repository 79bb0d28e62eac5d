"""Saleor's checkout payment and completion with and without the CRM plugin.

Three set-ups are measured side by side, interleaved round by round (the order rotates
every round so that warming and drift fall on all of them alike):

* ``without``  – the plugin is not in ``PLUGINS`` (Saleor as it ships);
* ``inactive`` – the plugin is in ``PLUGINS`` but not active on the channel;
* ``active``   – the programme is active on the channel.

Each run prepares a checkout through ``/graphql/`` as the shopper (``checkoutCreate``
with three lines and addresses, ``checkoutDeliveryMethodUpdate``), untimed; the three
set-ups of a round buy the same lines as the same shopper. Each run then times
the payment app's ``transactionCreate`` charging the checkout total and the shopper's
``checkoutComplete``, which creates the order fully paid and fires ``order_paid`` and
``order_fully_paid``. SQL queries of both requests are counted on both database
aliases with ``CaptureQueriesContext``. Celery has a real Redis broker and no worker
runs, so the plugin's hooks can only enqueue: the messages each request leaves on the
queue are read back and counted per task.

Latency is the time until Saleor's response is ready, as a server sends it. Django's
test client then calls ``response.close()``, which fires ``request_finished``; a WSGI or
ASGI server calls it only after the response has gone out. The CRM sends the Celery
messages its hooks committed to there (``saleor_crm_plugin.enqueue``), so that work
delays no shopper: it is timed apart (``after_response_seconds``) and counted in the
process's CPU time.
"""

import dataclasses
import gc
import json
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack, contextmanager

import graphene
import redis
from django.conf import settings
from django.db import connections, reset_queries
from django.test import Client
from django.test.client import ClientHandler
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from saleor.account.models import User
from saleor.celeryconf import app as celery_app
from saleor.core.jwt import create_access_token
from saleor.plugins.manager import get_plugins_manager
from saleor.plugins.models import PluginConfiguration

from saleor_crm_plugin.config import PLUGIN_ID
from saleor_crm_plugin.loyalty.models import LoyaltyEntry

from .data import Catalogue

CRM_PLUGIN = "saleor_crm_plugin.plugin.CRMPlugin"
CRM_TASK_PREFIX = "saleor_crm_plugin."
SETUPS = ("without", "inactive", "active")
QUEUE = "celery"

SHIPPING_ADDRESS = {
    "firstName": "Ada",
    "lastName": "Shopper",
    "streetAddress1": "2000 Main Street",
    "city": "Irvine",
    "postalCode": "92614",
    "countryArea": "CA",
    "country": "US",
    "phone": "+12025550163",
}

CHECKOUT_CREATE = """
mutation BenchCheckoutCreate($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) {
    checkout { id shippingMethods { id } }
    errors { field code message }
  }
}
"""
DELIVERY_METHOD_UPDATE = """
mutation BenchDeliveryMethod($id: ID!, $method: ID!) {
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $method) {
    checkout { id totalPrice { gross { amount currency } } }
    errors { field code message }
  }
}
"""
TRANSACTION_CREATE = """
mutation BenchPay($id: ID!, $amount: PositiveDecimal!, $currency: String!, $psp: String!) {
  transactionCreate(
    id: $id
    transaction: {
      name: "Card"
      pspReference: $psp
      availableActions: [REFUND]
      amountCharged: {amount: $amount, currency: $currency}
    }
  ) {
    transaction { id }
    errors { field code message }
  }
}
"""
CHECKOUT_COMPLETE = """
mutation BenchComplete($id: ID!) {
  checkoutComplete(id: $id) {
    order { id chargeStatus }
    errors { field code message }
  }
}
"""


@dataclasses.dataclass(frozen=True)
class Sample:
    setup: str
    # Until each response was ready (what the shopper waits for under a server).
    payment_seconds: float
    complete_seconds: float
    # Both requests' ``response.close()``: ``request_finished`` receivers, which a
    # server runs after sending the response (the CRM's Celery sends).
    after_response_seconds: float
    # CPU time of this (Saleor's) process for both requests: what other work on the
    # machine disturbs far less than wall time.
    cpu_seconds: float
    payment_queries: int
    complete_queries: int
    crm_tasks: int
    other_tasks: int

    @property
    def total_seconds(self) -> float:
        return self.payment_seconds + self.complete_seconds


@dataclasses.dataclass(frozen=True)
class Spread:
    """Median and range of an integer figure over the rounds."""

    median: float
    low: int
    high: int

    @classmethod
    def of(cls, values: list[int]) -> "Spread":
        return cls(median=statistics.median(values), low=min(values), high=max(values))


@dataclasses.dataclass(frozen=True)
class SetupSummary:
    setup: str
    runs: int
    payment_ms: float
    complete_ms: float
    total_ms: float
    after_response_ms: float
    payment_queries: tuple[int, int]
    complete_queries: tuple[int, int]
    # Queries beyond the same round's run without the plugin (same checkout contents).
    added_payment_queries: Spread
    added_complete_queries: Spread
    crm_tasks: tuple[int, int]
    other_tasks: tuple[int, int]


@dataclasses.dataclass(frozen=True)
class CheckoutResult:
    rounds: int
    warmup_rounds: int
    summaries: dict[str, SetupSummary]
    # Median over rounds of each run's ratio to the same round's run without the
    # plugin, with its 95 % bootstrap interval: wall time and process CPU time.
    paired_total_ratio: dict[str, float]
    paired_total_ratio_interval: dict[str, tuple[float, float]]
    paired_cpu_ratio: dict[str, float]
    paired_cpu_ratio_interval: dict[str, tuple[float, float]]
    # Queries the active plugin's hooks add: active minus inactive, per round.
    hook_queries: Spread
    loyalty_entries_written: int
    task_always_eager: bool

    def ratio(self, setup: str, field: str = "total_ms") -> float:
        return getattr(self.summaries[setup], field) / getattr(self.summaries["without"], field)

    def added_queries(self, setup: str) -> float:
        """Median queries added to a request (the larger of payment and completion)."""
        summary = self.summaries[setup]
        return max(summary.added_payment_queries.median, summary.added_complete_queries.median)


class _ResponseClockHandler(ClientHandler):
    """Django's test handler, noting when the response is ready, before its ``close()``."""

    response_ready = 0.0

    def get_response(self, request):
        response = super().get_response(request)
        self.response_ready = time.perf_counter()
        return response


class GraphQLClient:
    """Saleor's /graphql/ view in process, authenticated as a user or an app.

    ``response_seconds``: the last request's time until its response was ready.
    """

    def __init__(self):
        self.client = Client()
        self.client.handler = _ResponseClockHandler(enforce_csrf_checks=False)
        self.path = reverse("api")
        self.response_seconds = 0.0

    def post(self, query: str, variables: dict, *, authorization: str) -> dict:
        started = time.perf_counter()
        response = self.client.post(
            self.path,
            json.dumps({"query": query, "variables": variables}),
            content_type="application/json",
            HTTP_AUTHORIZATION=authorization,
        )
        self.response_seconds = self.client.handler.response_ready - started
        content = json.loads(response.content)
        if "errors" in content:
            raise RuntimeError(f"GraphQL error: {content['errors']}")
        (payload,) = content["data"].values()
        if payload["errors"]:
            raise RuntimeError(f"Mutation error: {payload['errors']}")
        return payload


class Queue:
    """The Celery queue on Redis: what a request left on it, by task name."""

    def __init__(self, url: str):
        self.redis = redis.Redis.from_url(url)

    def length(self) -> int:
        return self.redis.llen(QUEUE)

    def tasks_since(self, length_before: int) -> Counter:
        added = self.length() - length_before
        # Kombu pushes new messages at the head of the list.
        messages = self.redis.lrange(QUEUE, 0, added - 1) if added > 0 else []
        return Counter(json.loads(message)["headers"]["task"] for message in messages)

    def purge(self) -> int:
        return celery_app.control.purge()


def timed_counted(call: Callable[[], object]) -> tuple[object, float, float, int]:
    """Run ``call``; return its result, wall and CPU seconds, SQL queries on all aliases."""
    # Django keeps at most 9000 queries per connection; a full log would undercount.
    reset_queries()
    with ExitStack() as stack:
        contexts = [
            stack.enter_context(CaptureQueriesContext(connections[alias]))
            for alias in (
                settings.DATABASE_CONNECTION_DEFAULT_NAME,
                settings.DATABASE_CONNECTION_REPLICA_NAME,
            )
        ]
        gc.collect()  # so that a collection owed by earlier work does not land here
        cpu_start = time.process_time()
        start = time.perf_counter()
        result = call()
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
    queries = sum(len(context.captured_queries) for context in contexts)
    return result, seconds, cpu_seconds, queries


@contextmanager
def plugin_setup(setup: str, channel_id: int):
    if setup == "without":
        plugins = [path for path in settings.PLUGINS if path != CRM_PLUGIN]
        with override_settings(PLUGINS=plugins):
            yield
        return
    PluginConfiguration.objects.filter(identifier=PLUGIN_ID, channel_id=channel_id).update(
        active=setup == "active"
    )
    yield


def configure_programme(channel_slug: str) -> None:
    """Store the programme through Saleor's plugin manager, as pluginUpdate does."""
    manager = get_plugins_manager(allow_replica=False)
    manager.save_plugin_configuration(
        PLUGIN_ID,
        channel_slug,
        {"active": True, "configuration": [{"name": "pending_period", "value": "0"}]},
    )


class CheckoutBench:
    def __init__(self, *, catalogue: Catalogue, shoppers: list[User], app_token: str, queue: Queue):
        self.catalogue = catalogue
        self.shoppers = shoppers
        self.app_authorization = f"Bearer {app_token}"
        self.queue = queue
        self.graphql = GraphQLClient()
        self.random = random.Random(3)
        self.rounds = 0
        self.runs = 0

    def next_order(self) -> tuple[User, list[dict]]:
        """A shopper and three random lines; every set-up of a round gets the same."""
        shopper = self.shoppers[self.rounds % len(self.shoppers)]
        self.rounds += 1
        lines = [
            {
                "variantId": graphene.Node.to_global_id("ProductVariant", variant_id),
                "quantity": self.random.randint(1, 2),
            }
            for variant_id in self.random.sample(self.catalogue.variant_ids, 3)
        ]
        return shopper, lines

    def prepared_checkout(self, shopper: User, lines: list[dict]) -> tuple[str, dict]:
        authorization = f"JWT {create_access_token(shopper)}"
        created = self.graphql.post(
            CHECKOUT_CREATE,
            {
                "input": {
                    "channel": self.catalogue.channel.slug,
                    "lines": lines,
                    "shippingAddress": SHIPPING_ADDRESS,
                    "billingAddress": SHIPPING_ADDRESS,
                }
            },
            authorization=authorization,
        )["checkout"]
        delivered = self.graphql.post(
            DELIVERY_METHOD_UPDATE,
            {"id": created["id"], "method": created["shippingMethods"][0]["id"]},
            authorization=authorization,
        )["checkout"]
        return created["id"], delivered["totalPrice"]["gross"]

    def run_once(self, setup: str, shopper: User, lines: list[dict]) -> Sample:
        self.runs += 1
        with plugin_setup(setup, self.catalogue.channel.pk):
            checkout_id, total = self.prepared_checkout(shopper, lines)
            shopper_authorization = f"JWT {create_access_token(shopper)}"

            queue_before = self.queue.length()
            _, payment_call_seconds, payment_cpu, payment_queries = timed_counted(
                lambda: self.graphql.post(
                    TRANSACTION_CREATE,
                    {
                        "id": checkout_id,
                        "amount": total["amount"],
                        "currency": total["currency"],
                        "psp": f"bench-{self.runs}",
                    },
                    authorization=self.app_authorization,
                )
            )
            payment_seconds = self.graphql.response_seconds
            completed, complete_call_seconds, complete_cpu, complete_queries = timed_counted(
                lambda: self.graphql.post(
                    CHECKOUT_COMPLETE, {"id": checkout_id}, authorization=shopper_authorization
                )
            )
            complete_seconds = self.graphql.response_seconds
            tasks = self.queue.tasks_since(queue_before)
        if completed["order"]["chargeStatus"] != "FULL":
            raise RuntimeError(f"Order not fully paid: {completed['order']}")
        crm_tasks = sum(count for name, count in tasks.items() if name.startswith(CRM_TASK_PREFIX))
        return Sample(
            setup=setup,
            payment_seconds=payment_seconds,
            complete_seconds=complete_seconds,
            after_response_seconds=(payment_call_seconds - payment_seconds)
            + (complete_call_seconds - complete_seconds),
            cpu_seconds=payment_cpu + complete_cpu,
            payment_queries=payment_queries,
            complete_queries=complete_queries,
            crm_tasks=crm_tasks,
            other_tasks=sum(tasks.values()) - crm_tasks,
        )


def _span(values) -> tuple[int, int]:
    return min(values), max(values)


def median_interval(values: list[float], *, resamples: int = 2000) -> tuple[float, float]:
    """A 95 % bootstrap interval of the median of ``values``."""
    rng = random.Random(7)
    medians = sorted(
        statistics.median(rng.choices(values, k=len(values))) for _ in range(resamples)
    )
    return medians[int(resamples * 0.025)], medians[int(resamples * 0.975) - 1]


def summarize(setup: str, samples: list[Sample], baseline: list[Sample]) -> SetupSummary:
    return SetupSummary(
        setup=setup,
        runs=len(samples),
        payment_ms=statistics.median(s.payment_seconds for s in samples) * 1000,
        complete_ms=statistics.median(s.complete_seconds for s in samples) * 1000,
        total_ms=statistics.median(s.total_seconds for s in samples) * 1000,
        after_response_ms=statistics.median(s.after_response_seconds for s in samples) * 1000,
        payment_queries=_span([s.payment_queries for s in samples]),
        complete_queries=_span([s.complete_queries for s in samples]),
        added_payment_queries=Spread.of(
            [s.payment_queries - b.payment_queries for s, b in zip(samples, baseline, strict=True)]
        ),
        added_complete_queries=Spread.of(
            [
                s.complete_queries - b.complete_queries
                for s, b in zip(samples, baseline, strict=True)
            ]
        ),
        crm_tasks=_span([s.crm_tasks for s in samples]),
        other_tasks=_span([s.other_tasks for s in samples]),
    )


def run(
    *,
    catalogue: Catalogue,
    shoppers: list[User],
    app_token: str,
    broker_url: str,
    rounds: int,
    warmup_rounds: int,
    progress: Callable[[str], None],
) -> CheckoutResult:
    if celery_app.conf.task_always_eager:
        raise RuntimeError("Celery runs tasks eagerly: set CELERY_BROKER_URL to a real broker.")
    configure_programme(catalogue.channel.slug)
    queue = Queue(broker_url)
    queue.purge()
    entries_before = LoyaltyEntry.objects.count()
    bench = CheckoutBench(catalogue=catalogue, shoppers=shoppers, app_token=app_token, queue=queue)

    samples: dict[str, list[Sample]] = {setup: [] for setup in SETUPS}
    paired: dict[str, list[float]] = {setup: [] for setup in SETUPS}
    paired_cpu: dict[str, list[float]] = {setup: [] for setup in SETUPS}
    hook_queries: list[int] = []
    for number in range(warmup_rounds + rounds):
        order = SETUPS[number % 3 :] + SETUPS[: number % 3]
        shopper, lines = bench.next_order()
        round_samples = {setup: bench.run_once(setup, shopper, lines) for setup in order}
        if number < warmup_rounds:
            continue
        for setup, sample in round_samples.items():
            samples[setup].append(sample)
            baseline = round_samples["without"]
            paired[setup].append(sample.total_seconds / baseline.total_seconds)
            paired_cpu[setup].append(sample.cpu_seconds / baseline.cpu_seconds)
        active, inactive = round_samples["active"], round_samples["inactive"]
        hook_queries.append(
            active.payment_queries
            + active.complete_queries
            - inactive.payment_queries
            - inactive.complete_queries
        )
        if (number + 1 - warmup_rounds) % 10 == 0:
            progress(f"checkout: round {number + 1 - warmup_rounds}/{rounds}")

    entries_written = LoyaltyEntry.objects.count() - entries_before
    queue.purge()
    return CheckoutResult(
        rounds=rounds,
        warmup_rounds=warmup_rounds,
        summaries={setup: summarize(setup, samples[setup], samples["without"]) for setup in SETUPS},
        paired_total_ratio={setup: statistics.median(paired[setup]) for setup in SETUPS},
        paired_total_ratio_interval={setup: median_interval(paired[setup]) for setup in SETUPS},
        paired_cpu_ratio={setup: statistics.median(paired_cpu[setup]) for setup in SETUPS},
        paired_cpu_ratio_interval={setup: median_interval(paired_cpu[setup]) for setup in SETUPS},
        hook_queries=Spread.of(hook_queries),
        loyalty_entries_written=entries_written,
        task_always_eager=bool(celery_app.conf.task_always_eager),
    )
