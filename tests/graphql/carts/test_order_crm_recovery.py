"""`Order.crmRecovery`: the abandoned checkout an order completed, for MANAGE_ORDERS."""

from decimal import Decimal

import graphene
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order.models import Order

from saleor_crm_plugin.carts.models import (
    AbandonedCheckout,
    AbandonedStatus,
    CartRecoveryOffer,
    OfferStatus,
)
from tests.carts.checkout_helpers import checkout_pay_and_complete, promo_code_add

from ...fixtures.cart_offers import CartRecoveryOfferFactory
from ..conftest import with_permission
from .utils import denied_data, written_rows

FIELDS = """
abandonedCheckout {
  status stage remindersSent email
  total { amount currency }
  order { number }
}
offer { code status }
discount { amount currency }
"""
ORDER_RECOVERY = f"query($id: ID!) {{ order(id: $id) {{ crmRecovery {{ {FIELDS} }} }} }}"
WITH_USER = """
query($id: ID!) {
  order(id: $id) { crmRecovery { abandonedCheckout { user { email } } } }
}
"""
ORDERS = f"query {{ orders(first: 50) {{ edges {{ node {{ crmRecovery {{ {FIELDS} }} }} }} }} }}"

MANAGE_ORDERS = ["staff_manage_orders", "app_manage_orders"]
# Saleor's `order(id:)` answers anyone who knows the ID: our check is what denies.
WITHOUT_MANAGE_ORDERS = [
    "api_client",
    "user_api_client",
    "user2_api_client",
    "staff_api_client",
    "app_api_client",
    "staff_manage_users",
    "staff_manage_checkouts",
]


def order_id(order) -> str:
    return graphene.Node.to_global_id("Order", order.pk)


@pytest.fixture
def recovered_order(order, abandoned_row):
    """Saleor's ``order`` completed an abandoned checkout reminded twice, whose 10 %
    code took 5.00 off it."""
    abandoned = abandoned_row(
        order.channel,
        email="shopper@example.com",
        sent_stages=[1, 2],
        status=AbandonedStatus.RECOVERED,
        order_total=Decimal("45.000"),
        discount=Decimal("5.000"),
    )
    abandoned.order_id = order.pk
    abandoned.save(update_fields=["order_id"])
    CartRecoveryOfferFactory(
        abandoned=abandoned, code="CART-USED", status=OfferStatus.USED, used_order_id=order.pk
    )
    return order


def recovery(order, *, offer=("CART-USED", "USED"), discount=5.0):
    return {
        "abandonedCheckout": {
            "status": "RECOVERED",
            "stage": 2,
            "remindersSent": 2,
            "email": "shopper@example.com",
            "total": {"amount": 50.0, "currency": "USD"},
            "order": {"number": str(order.number)},
        },
        "offer": offer and {"code": offer[0], "status": offer[1]},
        "discount": {"amount": discount, "currency": "USD"},
    }


@pytest.mark.parametrize("requester", MANAGE_ORDERS, indirect=True)
def test_manage_orders_reads_the_recovered_checkout_and_its_offer(requester, recovered_order):
    # given: MANAGE_ORDERS is enough, without MANAGE_CHECKOUTS
    rows = written_rows()

    # when
    response = requester.post_graphql(ORDER_RECOVERY, {"id": order_id(recovered_order)})

    # then
    data = get_graphql_content(response)["data"]["order"]["crmRecovery"]
    assert data == recovery(recovered_order)
    assert written_rows() == rows


@pytest.mark.parametrize("requester", WITHOUT_MANAGE_ORDERS, indirect=True)
def test_without_manage_orders_is_denied(requester, recovered_order):
    # given
    rows = written_rows()

    # when
    response = requester.post_graphql(ORDER_RECOVERY, {"id": order_id(recovered_order)})

    # then
    assert denied_data(response) == {"order": {"crmRecovery": None}}
    assert written_rows() == rows


def test_the_shoppers_account_needs_manage_users_too(
    staff_manage_orders, permission_manage_users, recovered_order, customer_user
):
    # given: the widget's permissions (MANAGE_ORDERS and MANAGE_USERS)
    AbandonedCheckout.objects.filter(order_id=recovered_order.pk).update(user=customer_user)
    variables = {"id": order_id(recovered_order)}
    without = staff_manage_orders.post_graphql(WITH_USER, variables)

    # when
    with_manage_users = with_permission(staff_manage_orders, permission_manage_users)
    response = with_manage_users.post_graphql(WITH_USER, variables)

    # then
    assert denied_data(without) == {"order": {"crmRecovery": {"abandonedCheckout": {"user": None}}}}
    data = get_graphql_content(response)["data"]["order"]["crmRecovery"]
    assert data == {"abandonedCheckout": {"user": {"email": customer_user.email}}}


def test_without_a_code_used_the_latest_offer_made_shows(staff_manage_orders, recovered_order):
    # given: the code was not used and expired
    CartRecoveryOffer.objects.filter(code="CART-USED").update(
        status=OfferStatus.EXPIRED, used_order_id=None
    )

    # when
    response = staff_manage_orders.post_graphql(ORDER_RECOVERY, {"id": order_id(recovered_order)})

    # then
    data = get_graphql_content(response)["data"]["order"]["crmRecovery"]
    assert data["offer"] == {"code": "CART-USED", "status": "EXPIRED"}


def test_an_order_that_completed_no_abandoned_checkout_is_null(staff_manage_orders, order):
    # when
    response = staff_manage_orders.post_graphql(ORDER_RECOVERY, {"id": order_id(order)})

    # then
    assert get_graphql_content(response)["data"]["order"] == {"crmRecovery": None}


def test_an_order_completed_with_the_code(
    customer_offer, checkout_with_item, api_client, address, checkout_delivery, staff_manage_orders
):
    # given: the shopper comes back and completes with the e-mailed code
    undiscounted = checkout_with_item.lines.get().undiscounted_unit_price_amount * 3
    assert promo_code_add(api_client, checkout_with_item, customer_offer.code)["errors"] == []
    data = checkout_pay_and_complete(
        api_client,
        checkout_with_item,
        address=address,
        delivery=checkout_delivery(checkout_with_item),
    )
    assert data["errors"] == []
    order = Order.objects.get()

    # when
    response = staff_manage_orders.post_graphql(ORDER_RECOVERY, {"id": order_id(order)})

    # then
    data = get_graphql_content(response)["data"]["order"]["crmRecovery"]
    assert data["abandonedCheckout"]["status"] == "RECOVERED"
    assert data["offer"] == {"code": customer_offer.code, "status": "USED"}
    assert data["discount"] == {"amount": float(undiscounted / 10), "currency": "USD"}


def test_queries_do_not_grow_with_the_orders(app_manage_orders, order_generator, abandoned_row):
    # given: an app sees every channel's orders (staff only their groups' channels)
    def add_recovered_order(number):
        order = order_generator()
        abandoned = abandoned_row(
            order.channel,
            email=f"shopper{number}@example.com",
            sent_stages=[1],
            status=AbandonedStatus.RECOVERED,
            discount=Decimal(1),
        )
        abandoned.order_id = order.pk
        abandoned.save(update_fields=["order_id"])
        CartRecoveryOfferFactory(abandoned=abandoned, used_order_id=order.pk)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = app_manage_orders.post_graphql(ORDERS)
        return len(queries), get_graphql_content(response)["data"]["orders"]["edges"]

    add_recovered_order(0)
    count_queries()  # warm-up
    few, _edges = count_queries()
    for number in range(1, 5):
        add_recovered_order(number)

    # when
    many, edges = count_queries()

    # then
    assert [edge["node"]["crmRecovery"]["offer"]["status"] for edge in edges] == ["LIVE"] * 5
    assert many == few
