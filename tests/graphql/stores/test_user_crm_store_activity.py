"""`User.crmStoreActivity`: the customer's store figures, for them and MANAGE_USERS."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from saleor.graphql.tests.utils import get_graphql_content

from ..loyalty.utils import (
    CANNOT_SEE_CUSTOMER,
    MANAGE_ORDERS_ONLY,
    MANAGE_USERS,
    denied_data,
    user_id,
)
from .utils import store_id, written_rows

FIELDS = """
crmStoreActivity(channel: $channel) {
  homeStore { id name }
  pickupStore { name }
  inStoreSpend { amount currency }
  inStorePurchases
  clickAndCollectOrders
  storeVisits
  lastVisitAt
  shoppingMode
}
"""
ME = f"query($channel: String) {{ me {{ {FIELDS} }} }}"
USER = f"query($id: ID!, $channel: String) {{ user(id: $id) {{ {FIELDS} }} }}"
CUSTOMERS = """
query($channel: String) {
  customers(first: 50) {
    edges { node { email crmStoreActivity(channel: $channel) {
      homeStore { name } inStoreSpend { amount } storeVisits shoppingMode
    } } }
  }
}
"""

VISIT = timezone.now().replace(microsecond=0) - datetime.timedelta(days=2)
NOTHING = {
    "homeStore": None,
    "pickupStore": None,
    "inStoreSpend": {"amount": 0.0, "currency": "USD"},
    "inStorePurchases": 0,
    "clickAndCollectOrders": 0,
    "storeVisits": 0,
    "lastVisitAt": None,
    "shoppingMode": None,
}


@pytest.fixture
def downtown_regular(crm_usd, click_and_collect_store, linked_purchase, customer_user):
    """customer_user bought twice at Downtown's till, 30.00 in all."""
    downtown = click_and_collect_store("Downtown")
    linked_purchase(downtown, "20.00", user=customer_user, at=VISIT - datetime.timedelta(days=1))
    linked_purchase(downtown, "10.00", user=customer_user, at=VISIT)
    return downtown


def _activity(downtown) -> dict:
    return {
        "crmStoreActivity": {
            "homeStore": {"id": store_id(downtown), "name": "Downtown"},
            "pickupStore": None,
            "inStoreSpend": {"amount": 30.0, "currency": "USD"},
            "inStorePurchases": 2,
            "clickAndCollectOrders": 0,
            "storeVisits": 2,
            "lastVisitAt": VISIT.isoformat(),
            "shoppingMode": "IN_STORE_ONLY",
        }
    }


def test_the_customer_reads_their_store_activity(user_api_client, downtown_regular, crm_usd):
    # when
    response = user_api_client.post_graphql(ME, {"channel": crm_usd.slug})

    # then
    assert get_graphql_content(response)["data"]["me"] == _activity(downtown_regular)


def test_the_channel_may_be_left_out_in_a_one_channel_shop(user_api_client, downtown_regular):
    # when
    response = user_api_client.post_graphql(ME)

    # then
    assert get_graphql_content(response)["data"]["me"] == _activity(downtown_regular)


def test_another_customer_sees_only_their_own_activity(user2_api_client, downtown_regular, crm_usd):
    # when
    response = user2_api_client.post_graphql(ME, {"channel": crm_usd.slug})

    # then
    assert get_graphql_content(response)["data"]["me"] == {"crmStoreActivity": NOTHING}


def test_an_unknown_channel_is_null(user_api_client, downtown_regular):
    # when
    response = user_api_client.post_graphql(ME, {"channel": "no-such-channel"})

    # then
    assert get_graphql_content(response)["data"]["me"] == {"crmStoreActivity": None}


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_reads_the_activity(requester, downtown_regular, customer_user, crm_usd):
    # given
    rows = written_rows()

    # when
    response = requester.post_graphql(USER, {"id": user_id(customer_user), "channel": crm_usd.slug})

    # then
    assert get_graphql_content(response)["data"]["user"] == _activity(downtown_regular)
    assert written_rows() == rows


# MANAGE_ORDERS reaches the customer but not their activity (our check denies);
# the others cannot reach the customer at all (Saleor's `user` query denies).
DENIED = [
    *[
        (name, ["user", "crmStoreActivity"], {"crmStoreActivity": None})
        for name in MANAGE_ORDERS_ONLY
    ],
    *[(name, ["user"], None) for name in CANNOT_SEE_CUSTOMER],
]


@pytest.mark.parametrize(("requester", "path", "user_data"), DENIED, indirect=["requester"])
def test_without_manage_users_the_activity_is_denied(
    requester, downtown_regular, customer_user, crm_usd, path, user_data
):
    # when
    response = requester.post_graphql(USER, {"id": user_id(customer_user), "channel": crm_usd.slug})

    # then
    assert denied_data(response, path) == {"user": user_data}


def test_anonymous_has_no_me(api_client, crm_usd):
    # when
    response = api_client.post_graphql(ME, {"channel": crm_usd.slug})

    # then
    assert get_graphql_content(response)["data"]["me"] is None


def test_queries_do_not_grow_with_the_customers(
    staff_manage_users, crm_usd, click_and_collect_store, linked_purchase, django_user_model
):
    # given: each customer bought at their own store
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = staff_manage_users.post_graphql(CUSTOMERS, {"channel": crm_usd.slug})
        return len(queries), get_graphql_content(response)["data"]["customers"]["edges"]

    def add_customer(number):
        customer = django_user_model.objects.create(email=f"c{number}@example.com")
        linked_purchase(
            click_and_collect_store(f"Store {number}"), f"{number + 1}.00", user=customer
        )

    add_customer(0)
    count_queries()  # warm-up: the first request loads the requester's permissions
    few, _edges = count_queries()
    for number in range(1, 5):
        add_customer(number)

    # when
    many, edges = count_queries()

    # then
    activities = {
        edge["node"]["email"]: edge["node"]["crmStoreActivity"]
        for edge in edges
        if edge["node"]["email"].startswith("c")
    }
    assert activities == {
        f"c{number}@example.com": {
            "homeStore": {"name": f"Store {number}"},
            "inStoreSpend": {"amount": float(number + 1)},
            "storeVisits": 1,
            "shoppingMode": "IN_STORE_ONLY",
        }
        for number in range(5)
    }
    assert many == few
