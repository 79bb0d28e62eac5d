"""`User.rfm { churnRisk expectedNextOrderAt … }`: the stored estimate and its explanation,
for staff and apps with MANAGE_USERS only (as the rest of `User.rfm`); one query for a
list of customers."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order.models import Order

from saleor_crm_plugin.segments.models import CustomerRfm
from saleor_crm_plugin.segments.rfm import rfm_compute

from .utils import CANNOT_SEE_CUSTOMER, MANAGE_ORDERS_ONLY, MANAGE_USERS, denied_data, user_id

NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
FIELDS = """
rfm(channel: $channel) {
  computedAt churnRisk expectedNextOrderAt expectedIntervalDays
  ownIntervalDays intervalCount shopIntervalDays
}
"""
USER = f"query($id: ID!, $channel: String) {{ user(id: $id) {{ {FIELDS} }} }}"
ME = f"query($channel: String) {{ me {{ {FIELDS} }} }}"
CUSTOMERS = f"""
query($channel: String) {{
  customers(first: 50) {{ edges {{ node {{ email {FIELDS} }} }} }}
}}
"""


def _orders(order_generator, channel, user, *days_ago):
    for days in days_ago:
        order = order_generator(
            channel=channel, currency=channel.currency_code, user=user, user_email=user.email
        )
        Order.objects.filter(pk=order.pk).update(
            created_at=NOW - days * DAY, total_charged_amount=Decimal(10)
        )


@pytest.fixture
def scored(customer_user, order_generator, channel_USD):
    """customer_user ordered 90, 60 and 30 days ago: one customer, four intervals short of
    a typical one; T = 90 days, E = (60 + 2 × 90) / 4 = 60 days."""
    _orders(order_generator, channel_USD, customer_user, 90, 60, 30)
    with freeze_time(NOW):
        rfm_compute(channel_id=channel_USD.pk)
    return customer_user


EXPECTED = {
    "computedAt": NOW.isoformat(),
    "churnRisk": 0.3935,
    "expectedNextOrderAt": (NOW + 30 * DAY).isoformat(),
    "expectedIntervalDays": 60.0,
    "ownIntervalDays": 30.0,
    "intervalCount": 2,
    "shopIntervalDays": 90.0,
}


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_reads_the_churn_risk(requester, scored, channel_USD):
    # when
    response = requester.post_graphql(USER, {"id": user_id(scored), "channel": channel_USD.slug})

    # then
    assert get_graphql_content(response)["data"]["user"]["rfm"] == [EXPECTED]


@pytest.mark.parametrize("requester", MANAGE_ORDERS_ONLY, indirect=True)
def test_without_manage_users_it_is_denied(requester, scored, channel_USD):
    # when
    response = requester.post_graphql(USER, {"id": user_id(scored), "channel": channel_USD.slug})

    # then
    assert denied_data(response, ["user", "rfm"]) == {"user": None}


@pytest.mark.parametrize("requester", CANNOT_SEE_CUSTOMER, indirect=True)
def test_requesters_who_cannot_see_the_customer_are_denied(requester, scored, channel_USD):
    # when
    response = requester.post_graphql(USER, {"id": user_id(scored), "channel": channel_USD.slug})

    # then
    assert denied_data(response, ["user"]) == {"user": None}


def test_the_customer_cannot_read_their_own(user_api_client, scored, channel_USD):
    # when
    response = user_api_client.post_graphql(ME, {"channel": channel_USD.slug})

    # then
    assert denied_data(response, ["me", "rfm"]) == {"me": None}


def test_a_row_scored_before_churn_existed_has_no_risk(staff_manage_users, scored, channel_USD):
    # given: the row as the migration left it, until the next daily run
    CustomerRfm.objects.filter(user=scored).update(
        churn_risk=None,
        expected_next_order_at=None,
        expected_interval_days=None,
        own_interval_days=None,
        interval_count=None,
        shop_interval_days=None,
    )

    # when
    response = staff_manage_users.post_graphql(
        USER, {"id": user_id(scored), "channel": channel_USD.slug}
    )

    # then
    assert get_graphql_content(response)["data"]["user"]["rfm"] == [
        {
            "computedAt": NOW.isoformat(),
            "churnRisk": None,
            "expectedNextOrderAt": None,
            "expectedIntervalDays": None,
            "ownIntervalDays": None,
            "intervalCount": None,
            "shopIntervalDays": None,
        }
    ]


def test_queries_do_not_grow_with_the_customers(
    staff_manage_users, order_generator, channel_USD, django_user_model
):
    # given
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = staff_manage_users.post_graphql(CUSTOMERS, {"channel": channel_USD.slug})
        return len(queries), get_graphql_content(response)["data"]["customers"]["edges"]

    def add_customers(numbers):
        for number in numbers:
            customer = django_user_model.objects.create(email=f"c{number}@example.com")
            _orders(order_generator, channel_USD, customer, 10 + number)
        with freeze_time(NOW):
            rfm_compute(channel_id=channel_USD.pk)

    add_customers([0])
    count_queries()  # warm-up: the first request loads the requester's permissions
    few, _edges = count_queries()
    add_customers(range(1, 5))

    # when
    many, edges = count_queries()

    # then: no intervals in the shop: T = E = 90 days for each
    risks = {
        edge["node"]["email"]: [row["churnRisk"] for row in edge["node"]["rfm"]]
        for edge in edges
        if edge["node"]["email"].startswith("c")
    }
    assert risks == {
        "c0@example.com": [0.1052],
        "c1@example.com": [0.115],
        "c2@example.com": [0.1248],
        "c3@example.com": [0.1345],
        "c4@example.com": [0.1441],
    }
    assert many == few
