"""`abandonedCheckouts(channel:, filter:, sortBy:)`: the staff list, MANAGE_CHECKOUTS."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from django.test.utils import CaptureQueriesContext
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.carts.models import (
    AbandonedStatus,
    OfferStatus,
    ReminderStatus,
)
from tests.fixtures.cart_offers import CartRecoveryOfferFactory, reminders_add

from .utils import MANAGE_CHECKOUTS, WITHOUT_MANAGE_CHECKOUTS, denied_data, written_rows

ABANDONED_CHECKOUTS = """
query(
  $channel: String!, $filter: AbandonedCheckoutFilterInput,
  $sortBy: AbandonedCheckoutSortingInput, $first: Int, $after: String
) {
  abandonedCheckouts(
    channel: $channel, filter: $filter, sortBy: $sortBy, first: $first, after: $after
  ) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      email status stage total { amount currency } linesCount remindersSent
      reminders { stage kind status skipReason }
      offer { code status discountType value scope }
      variant orderTotal { amount } discount { amount }
    } }
  }
}
"""

WITH_USER = """
query($channel: String!) {
  abandonedCheckouts(channel: $channel, first: 10) {
    edges { node { email user { email } } }
  }
}
"""

STATS_DETECTED = """
query($channel: String!, $period: DateTimeRangeInput) {
  cartRecoveryStats(channel: $channel, period: $period) { detected }
}
"""

ANN = {
    "email": "ann@example.com",
    "status": "OPEN",
    "stage": 1,
    "total": {"amount": 30.0, "currency": "USD"},
    "linesCount": 1,
    "remindersSent": 1,
    "reminders": [{"stage": 1, "kind": "REMINDER", "status": "SENT", "skipReason": None}],
    "offer": None,
    "variant": None,
    "orderTotal": None,
    "discount": None,
}
BOB = {
    "email": "bob@example.com",
    "status": "RECOVERED",
    "stage": 3,
    "total": {"amount": 80.0, "currency": "USD"},
    "linesCount": 1,
    "remindersSent": 2,
    "reminders": [
        {"stage": 1, "kind": "REMINDER", "status": "SENT", "skipReason": None},
        {"stage": 2, "kind": "OFFER", "status": "SENT", "skipReason": None},
        {"stage": 3, "kind": "LAST_CALL", "status": "SKIPPED", "skipReason": "frequency_cap"},
    ],
    "offer": {
        "code": "CART-BOB",
        "status": "USED",
        "discountType": "percentage",
        "value": 10.0,
        "scope": "items",
    },
    "variant": "ten",
    "orderTotal": {"amount": 72.0},
    "discount": {"amount": 8.0},
}
CAT = {
    "email": "cat@example.com",
    "status": "OPEN",
    "stage": 0,
    "total": {"amount": 120.0, "currency": "USD"},
    "linesCount": 1,
    "remindersSent": 0,
    "reminders": [],
    "offer": None,
    "variant": None,
    "orderTotal": None,
    "discount": None,
}


def _offer(abandoned, code, status=OfferStatus.USED):
    return CartRecoveryOfferFactory(abandoned=abandoned, code=code, status=status)


@pytest.fixture
def checkouts(recovery_channel, channel_PLN, abandoned_row, customer_user):
    """Ann (30, reminded), Bob (80, recovered with an offer), Cat (120); one elsewhere."""
    abandoned_row(recovery_channel, email="ann@example.com", total=Decimal(30), sent_stages=[1])
    bob = abandoned_row(
        recovery_channel,
        email="bob@example.com",
        total=Decimal(80),
        sent_stages=[1, 2],
        status=AbandonedStatus.RECOVERED,
        variant="ten",
        order_total=Decimal(72),
        discount=Decimal(8),
        user=customer_user,
    )
    reminders_add(bob, [3], status=ReminderStatus.SKIPPED)
    bob.reminders.filter(stage=3).update(skip_reason="frequency_cap")
    _offer(bob, "CART-BOB")
    abandoned_row(recovery_channel, email="cat@example.com", total=Decimal(120))
    abandoned_row(channel_PLN, email="pln@example.com", sent_stages=[1])
    return recovery_channel


def list_checkouts(client, channel, **variables):
    response = client.post_graphql(
        ABANDONED_CHECKOUTS, {"channel": channel.slug, "first": 10, **variables}
    )
    return get_graphql_content(response)["data"]["abandonedCheckouts"]


def _nodes(data):
    return [edge["node"] for edge in data["edges"]]


@pytest.mark.parametrize("requester", MANAGE_CHECKOUTS, indirect=True)
def test_manage_checkouts_lists_the_channel_checkouts(requester, checkouts):
    # given
    rows = written_rows()

    # when
    data = list_checkouts(requester, checkouts, sortBy={"field": "TOTAL", "direction": "ASC"})

    # then
    assert data["totalCount"] == 3
    assert _nodes(data) == [ANN, BOB, CAT]
    assert written_rows() == rows


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ({"status": ["RECOVERED"]}, [BOB]),
        ({"status": ["OPEN"]}, [ANN, CAT]),
        ({"stage": {"gte": 1}}, [ANN, BOB]),
        ({"minTotal": 80}, [BOB, CAT]),
        ({"search": "CAT@"}, [CAT]),
    ],
)
def test_filters(staff_manage_checkouts, checkouts, filter_, expected):
    # when
    data = list_checkouts(
        staff_manage_checkouts,
        checkouts,
        filter=filter_,
        sortBy={"field": "EMAIL", "direction": "ASC"},
    )

    # then
    assert _nodes(data) == expected


def test_detected_at_is_the_population_of_the_stats(
    staff_manage_checkouts, checkouts, abandoned_row
):
    # given: one more checkout, detected 40 days ago
    abandoned_row(
        checkouts,
        email="old@example.com",
        sent_stages=[1],
        detected_at=timezone.now() - datetime.timedelta(days=40),
    )
    month_ago = (timezone.now() - datetime.timedelta(days=30)).isoformat()
    periods = [{"gte": month_ago}, {"lte": month_ago}]

    # when
    lists = [
        list_checkouts(
            staff_manage_checkouts,
            checkouts,
            filter={"detectedAt": period},
            sortBy={"field": "EMAIL", "direction": "ASC"},
        )
        for period in periods
    ]
    detected = [
        get_graphql_content(
            staff_manage_checkouts.post_graphql(
                STATS_DETECTED, {"channel": checkouts.slug, "period": period}
            )
        )["data"]["cartRecoveryStats"]["detected"]
        for period in periods
    ]

    # then
    assert [[node["email"] for node in _nodes(data)] for data in lists] == [
        ["ann@example.com", "bob@example.com", "cat@example.com"],
        ["old@example.com"],
    ]
    assert [data["totalCount"] for data in lists] == detected == [3, 1]


def test_sorting_and_pages(staff_manage_checkouts, checkouts):
    # when
    first = list_checkouts(
        staff_manage_checkouts, checkouts, first=2, sortBy={"field": "TOTAL", "direction": "DESC"}
    )
    second = list_checkouts(
        staff_manage_checkouts,
        checkouts,
        first=2,
        after=first["pageInfo"]["endCursor"],
        sortBy={"field": "TOTAL", "direction": "DESC"},
    )

    # then
    assert _nodes(first) == [CAT, BOB]
    assert first["pageInfo"]["hasNextPage"] is True
    assert _nodes(second) == [ANN]
    assert second["pageInfo"]["hasNextPage"] is False


def test_unknown_channel_lists_nothing(staff_manage_checkouts, checkouts):
    # when
    response = staff_manage_checkouts.post_graphql(
        ABANDONED_CHECKOUTS, {"channel": "no-such-channel", "first": 10}
    )

    # then
    data = get_graphql_content(response)["data"]["abandonedCheckouts"]
    assert (data["totalCount"], data["edges"]) == (0, [])


def test_queries_do_not_grow_with_the_rows(staff_manage_checkouts, checkouts, abandoned_row):
    # given
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            list_checkouts(staff_manage_checkouts, checkouts)
        return len(queries)

    count_queries()  # warm-up: the first request loads the requester's permissions
    few = count_queries()
    for number in range(4):
        row = abandoned_row(checkouts, email=f"more{number}@example.com", sent_stages=[1, 2])
        _offer(row, f"CART-MORE{number}", status=OfferStatus.LIVE)

    # when
    many = count_queries()

    # then
    assert many == few


@pytest.mark.parametrize("requester", WITHOUT_MANAGE_CHECKOUTS, indirect=True)
def test_without_manage_checkouts_is_denied(requester, checkouts):
    # given
    rows = written_rows()

    # when
    response = requester.post_graphql(ABANDONED_CHECKOUTS, {"channel": checkouts.slug, "first": 10})

    # then
    assert denied_data(response) == {"abandonedCheckouts": None}
    assert written_rows() == rows


def test_the_customer_needs_manage_users(staff_manage_checkouts, checkouts):
    # when
    response = staff_manage_checkouts.post_graphql(WITH_USER, {"channel": checkouts.slug})

    # then: Bob's row has a customer; the field alone is refused
    data = denied_data(response)
    edges = data["abandonedCheckouts"]["edges"]
    users = {edge["node"]["email"]: edge["node"]["user"] for edge in edges}
    assert users == {"ann@example.com": None, "bob@example.com": None, "cat@example.com": None}


def test_the_customer_with_manage_users(
    staff_manage_checkouts, permission_manage_users, checkouts, customer_user
):
    # given
    staff_manage_checkouts.user.user_permissions.add(permission_manage_users)

    # when
    response = staff_manage_checkouts.post_graphql(WITH_USER, {"channel": checkouts.slug})

    # then
    edges = get_graphql_content(response)["data"]["abandonedCheckouts"]["edges"]
    users = {edge["node"]["email"]: edge["node"]["user"] for edge in edges}
    assert users["bob@example.com"] == {"email": customer_user.email}
