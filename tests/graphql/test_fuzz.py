"""Fuzzing: every CRM field and mutation, generated documents, through Saleor's /graphql/.

For each requester (anonymous, a customer, staff with every permission, an app with
every permission) Hypothesis draws, per example, one document for *every* CRM target of
``crm_targets()`` (fuzz_strategies.py says what a document holds) and posts it through
Saleor's real view, each inside a savepoint rolled back after it, so that every document
meets the same database: a customer with points, a checkout and an order, a segment with
an export, a journey, an in-store purchase and a claim.

Every answer must be well formed, as Saleor's own are:

* HTTP 200, or 400 for a document Saleor's validation refuses; never 500;
* a top-level error carries ``extensions.exception.code`` of a *handled* exception
  (``GraphQLError`` for validation and coercion, ``PermissionDenied``), and Saleor's
  logger of unhandled errors stays silent (that is a traceback with "Internal Server
  Error" for the client);
* every ``errors`` list of a mutation (or of the segment preview) has a ``code``;
* nothing logs an error with a traceback.

Deterministic: ``derandomize=True`` (a seed fixed by the test's name), no example
database, ``FUZZ_EXAMPLES`` examples per requester. Findings became regular tests next
to the tests of what they broke (docs/reliability.md, "GraphQL fuzzing").
"""

import json
import logging
import os

import graphene
import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from saleor.permission.enums import get_permissions


from ..fixtures.loyalty import order_earn
from .fuzz_strategies import Pools, crm_targets, documents

# Examples per requester in CI; more, and random ones, to explore locally:
# CRM_FUZZ_EXAMPLES=200 CRM_FUZZ_RANDOM=1 scripts/test tests/graphql/test_fuzz.py
FUZZ_EXAMPLES = int(os.environ.get("CRM_FUZZ_EXAMPLES", "4"))
# Saleor's handled exceptions (views.GraphQLView.HANDLED_EXCEPTIONS) a fuzzer meets.
HANDLED_CODES = {"GraphQLError", "GraphQLSyntaxError", "PermissionDenied"}
TARGETS = crm_targets()


@pytest.fixture
def staff_all_permissions(staff_api_client):
    staff_api_client.user.user_permissions.add(*get_permissions())
    return staff_api_client


@pytest.fixture
def app_all_permissions(app_api_client):
    app_api_client.app.permissions.add(*get_permissions())
    return app_api_client


def _global_id(type_name: str, *objects) -> list[str]:
    return [graphene.Node.to_global_id(type_name, each.pk) for each in objects]


@pytest.fixture
def fuzz_pools(crm_objects, customer_user2, crm_usd, channel_PLN, order_with_lines):
    """The database every document meets, and the real values the fuzzer mixes in."""
    order_with_lines.user = crm_objects.customer
    order_with_lines.save(update_fields=["user"])
    order_earn(order_with_lines, 500)
    return Pools(
        ids={
            **{type_name: [value] for type_name, value in crm_objects.global_ids().items()},
            "User": _global_id("User", crm_objects.customer, customer_user2),
            "Order": _global_id("Order", order_with_lines),
        },
        channels=[crm_usd.slug, channel_PLN.slug],
        strings=[
            crm_objects.store_purchase.receipt_code,
            "vip",
            crm_objects.customer.email,
            "VIPs",
            "1d",
            "2026-01-01",
        ],
    )


class _Tracebacks(logging.Handler):
    """Records of errors: Saleor's unhandled GraphQL errors, anything with a traceback."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        if record.exc_info or record.name == "saleor.graphql.errors.unhandled":
            self.records.append(record)


@pytest.fixture
def tracebacks():
    handler = _Tracebacks()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


def _payload_errors(data):
    """Every ``errors`` list inside ``data``."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "errors" and isinstance(value, list):
                yield value
            else:
                yield from _payload_errors(value)
    elif isinstance(data, list):
        for item in data:
            yield from _payload_errors(item)


def assert_well_formed(response, tracebacks, document):
    assert response.status_code in (200, 400), document
    content = json.loads(response.content)
    codes = {error["extensions"]["exception"]["code"] for error in content.get("errors", [])}
    assert codes <= HANDLED_CODES, (content["errors"], document)
    uncoded = [
        error
        for errors in _payload_errors(content.get("data"))
        for error in errors
        if not error.get("code")
    ]
    assert uncoded == [], document
    assert [record.getMessage() for record in tracebacks.records] == [], document


def post_in_savepoint(client, document):
    """Post ``document`` and roll back whatever it wrote."""
    with transaction.atomic():
        response = client.post_graphql(document.query, document.variables)
        transaction.set_rollback(True)
    return response


def test_every_crm_field_and_mutation_is_a_target():
    # when
    names = {str(target) for target in TARGETS}

    # then
    assert {
        "Query.loyaltyProgram",
        "Mutation.loyaltyPointsAdjust",
        "Mutation.journeyCreate",
        "User.crmDataExport",
        "Checkout.crmOffers",
        "Order.crmLoyalty",
    } <= names
    assert len(names) == len(TARGETS) >= 50


@pytest.mark.parametrize(
    "requester",
    ["api_client", "user_api_client", "staff_all_permissions", "app_all_permissions"],
    indirect=True,
)
@settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize="CRM_FUZZ_RANDOM" not in os.environ,
    database=None,
    deadline=None,
    # No shrinking: a failure prints its document already, and shrinking a sequence of
    # 56 requests can take minutes.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_generated_documents_get_well_formed_answers(requester, fuzz_pools, tracebacks, data):
    for target in TARGETS:
        # given
        document = data.draw(documents(target, fuzz_pools), label=str(target))
        tracebacks.records.clear()

        # when
        response = post_in_savepoint(requester, document)

        # then
        assert_well_formed(response, tracebacks, document)
