"""`storePurchases`: staff and POS apps with MANAGE_ORDERS list a channel's till purchases."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.stores.models import PurchaseSource
from saleor_crm_plugin.stores.purchases import Actor, store_purchase_link, store_refund_record

from ...fixtures.stores import record_purchase
from ..loyalty.utils import denied_data
from .utils import MANAGE_ORDERS, WITHOUT_MANAGE_ORDERS, purchase_id, store_id

STORE_PURCHASES = """
query($channel: String!, $filter: StorePurchaseFilterInput, $first: Int) {
  storePurchases(channel: $channel, filter: $filter, first: $first) {
    totalCount
    edges { node {
      id receiptCode total { amount } refunded { amount } store { id } storeName
      links { action method }
    } }
  }
}
"""


def listed(client, channel, filter=None, first=20):
    response = client.post_graphql(
        STORE_PURCHASES, {"channel": channel.slug, "filter": filter, "first": first}
    )
    return get_graphql_content(response)["data"]["storePurchases"]


def ids(data) -> list[str]:
    return [edge["node"]["id"] for edge in data["edges"]]


@pytest.fixture
def purchases(store, crm_usd, customer_user):
    """Three purchases, newest first: linked and refunded, unlinked, unlinked a week ago."""
    now = timezone.now()
    old = record_purchase(
        store, crm_usd, external_id="t:1", purchased_at=now - datetime.timedelta(days=7)
    )
    unlinked = record_purchase(
        store, crm_usd, external_id="t:2", purchased_at=now - datetime.timedelta(hours=2)
    )
    linked = record_purchase(
        store, crm_usd, external_id="t:3", purchased_at=now - datetime.timedelta(hours=1)
    )
    store_purchase_link(
        purchase_id=linked.pk, user_id=customer_user.pk, method="email", actor=Actor()
    )
    store_refund_record(
        source=PurchaseSource.API, external_id="t:3", refunded_total=20, currency="USD"
    )
    return linked, unlinked, old


@pytest.mark.parametrize("requester", MANAGE_ORDERS, indirect=True)
def test_lists_the_channels_purchases_newest_first(requester, purchases, store, crm_usd):
    # when
    data = listed(requester, crm_usd)

    # then
    linked, unlinked, old = purchases
    assert data["totalCount"] == 3
    assert ids(data) == [purchase_id(linked), purchase_id(unlinked), purchase_id(old)]
    assert data["edges"][0]["node"] == {
        "id": purchase_id(linked),
        "receiptCode": linked.receipt_code,
        "total": {"amount": 120.0},
        "refunded": {"amount": 20.0},
        "store": {"id": store_id(store)},
        "storeName": store.name,
        "links": [{"action": "LINK", "method": "EMAIL"}],
    }


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"linked": True}, [0]),
        ({"linked": False}, [1, 2]),
        ({"refunded": True}, [0]),
        ({"purchasedAt": {"gte": "__day_ago__"}}, [0, 1]),
        ({"search": "t:2"}, [1]),
        ({"search": "__receipt_of_old__"}, [2]),
        ({"search": "test@example.com"}, [0]),
    ],
)
def test_filters(staff_manage_orders, purchases, crm_usd, filter, expected):
    # given
    day_ago = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    code = purchases[2].receipt_code
    grouped = f"{code[:5]}-{code[5:]}".lower()
    filter = {
        key: (
            {"gte": day_ago}
            if value == {"gte": "__day_ago__"}
            else grouped
            if value == "__receipt_of_old__"
            else value
        )
        for key, value in filter.items()
    }

    # when
    data = listed(staff_manage_orders, crm_usd, filter)

    # then
    assert ids(data) == [purchase_id(purchases[index]) for index in expected]


def test_filter_by_store(staff_manage_orders, purchases, store, crm_usd, warehouse_for_cc):
    # when
    in_store = listed(staff_manage_orders, crm_usd, {"stores": [store_id(store)]})
    elsewhere = listed(staff_manage_orders, crm_usd, {"stores": [store_id(warehouse_for_cc)]})

    # then
    assert (in_store["totalCount"], elsewhere["totalCount"]) == (3, 0)


def test_malformed_store_id_is_a_graphql_error(staff_manage_orders, purchases, crm_usd):
    # when
    response = staff_manage_orders.post_graphql(
        STORE_PURCHASES, {"channel": crm_usd.slug, "filter": {"stores": ["V2FyZWhvdXNlOjA="]}}
    )

    # then
    content = get_graphql_content(response, ignore_errors=True)
    assert content["errors"][0]["message"] == "Invalid ID: V2FyZWhvdXNlOjA=. Expected: Warehouse."


def test_unknown_channel_lists_nothing(staff_manage_orders, purchases, crm_usd):
    # when
    response = staff_manage_orders.post_graphql(
        STORE_PURCHASES, {"channel": "no-such-channel", "first": 5}
    )

    # then
    assert get_graphql_content(response)["data"]["storePurchases"]["totalCount"] == 0


@pytest.mark.parametrize("requester", WITHOUT_MANAGE_ORDERS, indirect=True)
def test_without_manage_orders_nothing_is_listed(requester, purchases, crm_usd):
    # when
    response = requester.post_graphql(STORE_PURCHASES, {"channel": crm_usd.slug, "first": 5})

    # then
    assert denied_data(response) == {"storePurchases": None}


def test_queries_do_not_grow_with_the_page(staff_manage_orders, store, crm_usd, customer_user):
    # given
    def count_queries(first):
        with CaptureQueriesContext(connection) as queries:
            data = listed(staff_manage_orders, crm_usd, first=first)
        return len(queries), len(data["edges"])

    for number in range(12):
        purchase = record_purchase(store, crm_usd, external_id=f"q:{number}")
        store_purchase_link(
            purchase_id=purchase.pk, user_id=customer_user.pk, method="email", actor=Actor()
        )
    count_queries(1)  # warm-up

    # when
    few, one = count_queries(1)
    many, twelve = count_queries(12)

    # then
    assert (one, twelve) == (1, 12)
    assert many == few


STORE_PURCHASE_CUSTOMERS = """
query($channel: String!) {
  storePurchases(channel: $channel, first: 5, filter: {linked: true}) {
    edges { node { customer { email } links { customer { email } } } }
  }
}
"""


@pytest.mark.parametrize("requester", MANAGE_ORDERS, indirect=True)
def test_the_shopper_behind_a_purchase_needs_manage_users(requester, purchases, crm_usd):
    # when
    response = requester.post_graphql(STORE_PURCHASE_CUSTOMERS, {"channel": crm_usd.slug})

    # then
    data = denied_data(response, ["storePurchases", "edges", 0, "node", "customer"])
    assert data["storePurchases"]["edges"][0]["node"]["customer"] is None


@pytest.mark.parametrize("requester", MANAGE_ORDERS, indirect=True)
def test_with_manage_users_the_shopper_is_shown(
    requester, purchases, crm_usd, customer_user, permission_manage_users
):
    # given
    holder = requester.app.permissions if requester.app else requester.user.user_permissions
    holder.add(permission_manage_users)

    # when
    response = requester.post_graphql(STORE_PURCHASE_CUSTOMERS, {"channel": crm_usd.slug})

    # then
    shopper = {"email": customer_user.email}
    assert get_graphql_content(response)["data"]["storePurchases"]["edges"] == [
        {"node": {"customer": shopper, "links": [{"customer": shopper}]}}
    ]
