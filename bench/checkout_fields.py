"""Issue 4: what ``Checkout.loyalty`` and ``Checkout.crmOffers`` add to a checkout query.

A signed-in customer holding points (the channel's programme active) owns checkouts of
1, 5 and 20 lines of the sample catalogue, created through ``/graphql/`` as a storefront
creates them (``bench.checkout.CheckoutBench.prepared_checkout``); a second checkout of
each size has half the points it allows applied with ``checkoutLoyaltyPointsApply``.
Every round queries every checkout twice, in alternating order: the storefront's
``checkout`` query, and the same query with ``loyalty`` and ``crmOffers`` added. SQL
queries are counted on both database aliases; the latency ratio is the median over
rounds of each round's ratio.
"""

import dataclasses
import gc
import json
import statistics
import uuid
from collections.abc import Callable

import graphene
from django.db import reset_queries
from saleor.core.jwt import create_access_token
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.loyalty.bonuses import account_points_adjust

from . import data
from .checkout import (
    CheckoutBench,
    GraphQLClient,
    Queue,
    Spread,
    configure_programme,
    timed_counted,
)
from .data import Catalogue

LINE_COUNTS = (1, 5, 20)
# Far more than any of the checkouts can take, so that every checkout has an offer.
BALANCE = 1_000_000

STOREFRONT_FIELDS = "totalPrice { gross { amount } } lines { quantity variant { name } }"
LOYALTY_FIELDS = (
    "loyalty { availablePoints maxRedeemablePoints appliedPoints "
    "appliedValue { amount currency } pointsToEarn requiresAccount } "
    "crmOffers { kind code description value { amount currency } points expiresAt }"
)
WITHOUT_FIELDS = f"query BenchCheckout($id: ID!) {{ checkout(id: $id) {{ {STOREFRONT_FIELDS} }} }}"
WITH_FIELDS = (
    f"query BenchCheckout($id: ID!) {{ checkout(id: $id) "
    f"{{ {STOREFRONT_FIELDS} {LOYALTY_FIELDS} }} }}"
)
# The same two queries from a page that also asks who is signed in (``me``), where Saleor
# authenticates the shopper's token before anything else.
SIGNED_IN = "me { email } "
WITHOUT_SIGNED_IN = WITHOUT_FIELDS.replace("{ checkout(", f"{{ {SIGNED_IN}checkout(", 1)
WITH_SIGNED_IN = WITH_FIELDS.replace("{ checkout(", f"{{ {SIGNED_IN}checkout(", 1)
APPLY_POINTS = """
mutation BenchApply($id: ID!, $points: Int!) {
  checkoutLoyaltyPointsApply(id: $id, points: $points) {
    checkout { loyalty { appliedPoints } }
    errors { field code message }
  }
}
"""


@dataclasses.dataclass(frozen=True)
class FieldsRow:
    lines: int
    applied_points: int
    queries_without: Spread
    queries_with: Spread
    added_queries: Spread
    without_ms: float
    with_ms: float
    # Median over rounds of each round's latency ratio, with / without our fields.
    latency_ratio: float
    # The same, both queries also asking ``me`` (the shopper authenticated in both).
    signed_in_ratio: float


@dataclasses.dataclass(frozen=True)
class FieldsResult:
    rounds: int
    warmup_rounds: int
    rows: list[FieldsRow]

    def constant(self, *, applied: bool) -> bool:
        """The same median added queries whatever the checkout's lines."""
        added = {
            row.added_queries.median for row in self.rows if bool(row.applied_points) == applied
        }
        return len(added) == 1


class FieldsBench:
    def __init__(self, *, catalogue: Catalogue, broker_url: str):
        self.catalogue = catalogue
        (self.customer,) = data.customers(1, prefix=f"bench-fields-{uuid.uuid4().hex[:8]}")
        account_points_adjust(
            user=self.customer,
            channel_id=catalogue.channel.pk,
            points=BALANCE,
            reason="Benchmark balance",
            idempotency_key=f"bench-fields:{self.customer.pk}",
        )
        self.authorize()
        # Only its storefront checkout preparation is used: no payment, no queue reads.
        self.checkouts = CheckoutBench(
            catalogue=catalogue, shoppers=[self.customer], app_token="", queue=Queue(broker_url)
        )
        self.graphql = GraphQLClient()

    def authorize(self) -> None:
        """A fresh access token (Saleor's expire after minutes; the run lasts longer)."""
        self.authorization = f"JWT {create_access_token(self.customer)}"

    def new_checkout(self, line_count: int) -> str:
        lines = [
            {"variantId": graphene.Node.to_global_id("ProductVariant", variant_id), "quantity": 1}
            for variant_id in self.catalogue.variant_ids[:line_count]
        ]
        checkout_id, _total = self.checkouts.prepared_checkout(self.customer, lines)
        return checkout_id

    def apply_points(self, checkout_id: str) -> int:
        points = self.query(WITH_FIELDS, checkout_id)["loyalty"]["maxRedeemablePoints"] // 2
        self.graphql.post(
            APPLY_POINTS, {"id": checkout_id, "points": points}, authorization=self.authorization
        )
        return points

    def query(self, query: str, checkout_id: str) -> dict:
        response = self.graphql.client.post(
            self.graphql.path,
            json.dumps({"query": query, "variables": {"id": checkout_id}}),
            content_type="application/json",
            HTTP_AUTHORIZATION=self.authorization,
        )
        return get_graphql_content(response)["data"]["checkout"]

    def measure(self, query: str, checkout_id: str) -> tuple[float, int]:
        reset_queries()  # Django logs 9000 queries at most: a full log would count none
        _, seconds, _cpu, queries = timed_counted(lambda: self.query(query, checkout_id))
        return seconds, queries


def run(
    *,
    catalogue: Catalogue,
    broker_url: str,
    rounds: int,
    warmup_rounds: int,
    progress: Callable[[str], None],
) -> FieldsResult:
    configure_programme(catalogue.channel.slug)
    bench = FieldsBench(catalogue=catalogue, broker_url=broker_url)
    cases = []  # (lines, applied points, checkout id)
    for applied in (False, True):
        for line_count in LINE_COUNTS:
            checkout_id = bench.new_checkout(line_count)
            points = bench.apply_points(checkout_id) if applied else 0
            cases.append((line_count, points, checkout_id))

    # Per checkout, one (without, with) pair of (seconds, queries) per round, and the
    # same pair signed in.
    pairs: dict[str, list] = {checkout_id: [] for _lines, _points, checkout_id in cases}
    signed_in: dict[str, list] = {checkout_id: [] for _lines, _points, checkout_id in cases}
    queries = (WITHOUT_FIELDS, WITH_FIELDS, WITHOUT_SIGNED_IN, WITH_SIGNED_IN)
    # Each query starts after a garbage collection (``timed_counted``); with what is alive
    # now frozen, that collection walks only what the rounds made, and costs little.
    gc.collect()
    gc.freeze()
    try:
        _rounds(bench, cases, queries, warmup_rounds, rounds, pairs, signed_in, progress)
    finally:
        gc.unfreeze()
    rows = [
        _row(lines, points, pairs[checkout_id], signed_in[checkout_id])
        for lines, points, checkout_id in cases
    ]
    return FieldsResult(rounds=rounds, warmup_rounds=warmup_rounds, rows=rows)


def _rounds(bench, cases, queries, warmup_rounds, rounds, pairs, signed_in, progress) -> None:
    for number in range(warmup_rounds + rounds):
        bench.authorize()  # untimed
        for _lines, _points, checkout_id in cases:
            order = queries if number % 2 else queries[::-1]
            measured = {query: bench.measure(query, checkout_id) for query in order}
            if number >= warmup_rounds:
                pairs[checkout_id].append((measured[WITHOUT_FIELDS], measured[WITH_FIELDS]))
                signed_in[checkout_id].append(
                    (measured[WITHOUT_SIGNED_IN][0], measured[WITH_SIGNED_IN][0])
                )
        if (number + 1) % 10 == 0:
            progress(f"checkout fields: round {number + 1}/{warmup_rounds + rounds}")


def _median_ratio(pairs) -> float:
    return statistics.median(with_ / without for without, with_ in pairs)


def _row(line_count: int, points: int, pairs: list, signed_in: list) -> FieldsRow:
    without_seconds, without_queries = zip(*(without for without, _with in pairs), strict=True)
    with_seconds, with_queries = zip(*(with_ for _without, with_ in pairs), strict=True)
    return FieldsRow(
        lines=line_count,
        applied_points=points,
        queries_without=Spread.of(list(without_queries)),
        queries_with=Spread.of(list(with_queries)),
        added_queries=Spread.of(
            [b - a for a, b in zip(without_queries, with_queries, strict=True)]
        ),
        without_ms=statistics.median(without_seconds) * 1000,
        with_ms=statistics.median(with_seconds) * 1000,
        latency_ratio=_median_ratio(zip(without_seconds, with_seconds, strict=True)),
        signed_in_ratio=_median_ratio(signed_in),
    )
