"""`storeReport`: per-store figures for staff and apps with MANAGE_ORDERS."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.stores.models import PurchaseSource, StorePickup
from saleor_crm_plugin.stores.purchases import store_refund_record

from ..loyalty.utils import denied_data
from .utils import MANAGE_ORDERS, WITHOUT_MANAGE_ORDERS, store_id, written_rows

STORE_REPORT = """
query($channel: String!, $period: DateTimeRangeInput) {
  storeReport(channel: $channel, period: $period) {
    currency
    stores {
      store { id }
      name
      purchases
      purchaseRevenue { amount currency }
      linkedPurchases
      linkedShare
      clickAndCollectOrders
      clickAndCollectRevenue { amount }
      pickedUp
      customers
    }
  }
}
"""


def _row(name, store=None, **figures) -> dict:
    values = {
        "purchases": 0,
        "revenue": 0.0,
        "linked": 0,
        "share": None,
        "orders": 0,
        "order_revenue": 0.0,
        "picked_up": 0,
        "customers": 0,
        **figures,
    }
    return {
        "store": {"id": store_id(store)} if store else None,
        "name": name,
        "purchases": values["purchases"],
        "purchaseRevenue": {"amount": values["revenue"], "currency": "USD"},
        "linkedPurchases": values["linked"],
        "linkedShare": values["share"],
        "clickAndCollectOrders": values["orders"],
        "clickAndCollectRevenue": {"amount": values["order_revenue"]},
        "pickedUp": values["picked_up"],
        "customers": values["customers"],
    }


@pytest.fixture
def stores_activity(
    crm_usd,
    click_and_collect_store,
    click_and_collect,
    linked_purchase,
    user_api_client,
    customer_user,
    customer_user2,
):
    """Downtown: two till sales that count (one linked), one fully refunded, one long ago;
    an order collected there and picked up. Harbour: one unlinked sale. Old Town: a sale,
    then the store was deleted. Returns (downtown, harbour, the order)."""
    downtown, harbour = click_and_collect_store("Downtown"), click_and_collect_store("Harbour")
    linked_purchase(downtown, "40.00", user=customer_user)
    linked_purchase(downtown, "10.00")
    linked_purchase(downtown, "20.00", user=customer_user2, external_id="refunded")
    store_refund_record(
        source=PurchaseSource.API,
        external_id="refunded",
        refunded_total=Decimal("20.00"),
        currency="USD",
    )
    linked_purchase(
        downtown, "99.00", user=customer_user2, at=timezone.now() - datetime.timedelta(days=400)
    )
    linked_purchase(harbour, "12.50")
    old_town = click_and_collect_store("Old Town")
    linked_purchase(old_town, "7.00", user=customer_user2)
    old_town.delete()
    order = click_and_collect(user_api_client, downtown)
    StorePickup.objects.create(order_id=order.pk, picked_up_at=timezone.now())
    return downtown, harbour, order


@pytest.mark.parametrize("requester", MANAGE_ORDERS, indirect=True)
def test_manage_orders_reads_each_stores_figures(requester, stores_activity, crm_usd):
    # given
    downtown, harbour, order = stores_activity
    rows = written_rows()

    # when
    response = requester.post_graphql(STORE_REPORT, {"channel": crm_usd.slug})

    # then: every click & collect store, and the deleted one under its kept name
    data = get_graphql_content(response)["data"]["storeReport"]
    assert data == {
        "currency": "USD",
        "stores": [
            _row(
                "Downtown",
                downtown,
                purchases=2,
                revenue=50.0,
                linked=1,
                share=0.5,
                orders=1,
                order_revenue=float(order.total_charged_amount),
                picked_up=1,
                customers=1,
            ),
            _row("Harbour", harbour, purchases=1, revenue=12.5, share=0.0),
            _row("Old Town", purchases=1, revenue=7.0, linked=1, share=1.0, customers=1),
        ],
    }
    assert order.total_charged_amount > 0
    assert written_rows() == rows


def test_the_period_bounds_the_figures(staff_manage_orders, stores_activity, crm_usd):
    # given: the year before last
    until = timezone.now() - datetime.timedelta(days=365)
    period = {"gte": (until - datetime.timedelta(days=100)).isoformat(), "lte": until.isoformat()}

    # when
    response = staff_manage_orders.post_graphql(
        STORE_REPORT, {"channel": crm_usd.slug, "period": period}
    )

    # then: only the sale of 400 days ago; the stores without activity show zeros
    downtown, harbour, _order = stores_activity
    data = get_graphql_content(response)["data"]["storeReport"]
    assert data["stores"] == [
        _row("Downtown", downtown, purchases=1, revenue=99.0, linked=1, share=1.0, customers=1),
        _row("Harbour", harbour),
    ]


def test_an_unknown_channel_is_null(staff_manage_orders, stores_activity):
    # when
    response = staff_manage_orders.post_graphql(STORE_REPORT, {"channel": "no-such-channel"})

    # then
    assert get_graphql_content(response)["data"]["storeReport"] is None


def test_a_period_ending_before_it_starts_is_an_error(staff_manage_orders, crm_usd):
    # given
    period = {"gte": "2026-02-01T00:00:00+00:00", "lte": "2026-01-01T00:00:00+00:00"}

    # when
    response = staff_manage_orders.post_graphql(
        STORE_REPORT, {"channel": crm_usd.slug, "period": period}
    )

    # then
    content = get_graphql_content(response, ignore_errors=True)
    assert content["errors"][0]["message"] == "The period's start (gte) is after its end (lte)."
    assert content["data"] == {"storeReport": None}


@pytest.mark.parametrize("requester", WITHOUT_MANAGE_ORDERS, indirect=True)
def test_without_manage_orders_the_report_is_denied(requester, stores_activity, crm_usd):
    # when
    response = requester.post_graphql(STORE_REPORT, {"channel": crm_usd.slug})

    # then
    assert denied_data(response) == {"storeReport": None}
