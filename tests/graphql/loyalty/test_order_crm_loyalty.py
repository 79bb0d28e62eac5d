"""`Order.crmLoyalty`: an order's points, for its customer and for MANAGE_ORDERS."""

import datetime
from decimal import Decimal

import graphene
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.loyalty.models import LoyaltyRedemption

from ...fixtures.loyalty import order_earn, order_reverse
from ...fixtures.orders import THREE_LINES
from ...fixtures.plugin import configure_crm
from .checkout_utils import apply_points, customer_checkout
from .utils import denied_data, written_rows

FIELDS = "earned pending pendingUntil reversed redeemed redeemedValue { amount currency }"
ORDER_LOYALTY = f"query($id: ID!) {{ order(id: $id) {{ crmLoyalty {{ {FIELDS} }} }} }}"
MY_ORDERS = (
    f"query {{ me {{ orders(first: 10) {{ edges {{ node {{ crmLoyalty {{ {FIELDS} }} }} }} }} }} }}"
)
ORDERS = f"""
query {{
  orders(first: 50) {{ edges {{ node {{ number crmLoyalty {{ {FIELDS} }} }} }} }}
}}
"""

ALLOWED = ["user_api_client", "staff_manage_orders", "app_manage_orders"]
# Saleor's `order(id:)` answers anyone who knows the ID: our check is what denies.
DENIED = [
    "api_client",
    "user2_api_client",
    "staff_api_client",
    "app_api_client",
    "staff_manage_users",
    "app_manage_users",
]


def order_id(order) -> str:
    return graphene.Node.to_global_id("Order", order.pk)


def loyalty(points_earned=0, *, pending=0, until=None, reversed_=0, redeemed=0, value=0.0):
    return {
        "earned": points_earned,
        "pending": pending,
        "pendingUntil": until,
        "reversed": reversed_,
        "redeemed": redeemed,
        "redeemedValue": {"amount": value, "currency": "USD"},
    }


def test_earned_and_reversed_points_of_a_paid_and_refunded_order(
    crm_usd, crm_order, order_payments
):
    # given: lines of 10, 20 and 30 (net) earn 60 points; the 20.00 line is refunded
    order = crm_order(crm_usd, THREE_LINES, shipping=Decimal("5.00"))
    transaction = order_payments.charge(order)
    line = order.lines.get(unit_price_net_amount=Decimal("20.00"))
    order_payments.refund_lines_with_grant(order, transaction, [(line, 1)])

    # when: staff of the order_payments fixture hold MANAGE_ORDERS
    response = order_payments.staff_client.post_graphql(ORDER_LOYALTY, {"id": order_id(order)})

    # then
    data = get_graphql_content(response)["data"]["order"]["crmLoyalty"]
    assert data == loyalty(60, reversed_=20)


def test_points_inside_the_return_window_are_pending_until_it_ends(
    channel_USD, crm_order, order_payments
):
    # given
    configure_crm(channel_USD, pending_period="14d")
    order = crm_order(channel_USD, THREE_LINES)
    transaction = order_payments.charge(order)
    line = order.lines.get(unit_price_net_amount=Decimal("10.00"))
    order_payments.refund_lines_with_grant(order, transaction, [(line, 1)])

    # when
    response = order_payments.staff_client.post_graphql(ORDER_LOYALTY, {"id": order_id(order)})

    # then: what is left of the earn stays pending until the window ends
    data = get_graphql_content(response)["data"]["order"]["crmLoyalty"]
    until = datetime.datetime.fromisoformat(data.pop("pendingUntil"))
    assert data == {
        key: value
        for key, value in loyalty(60, pending=50, reversed_=10).items()
        if key != "pendingUntil"
    }
    assert abs(until - (timezone.now() + datetime.timedelta(days=14))) < datetime.timedelta(
        minutes=5
    )


def test_points_spent_on_the_order(
    user_api_client, crm_usd, checkout_with_item, customer_user, paid_order
):
    # given: 500 of the customer's 1000 points pay part of the checkout
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    assert apply_points(user_api_client, checkout, 500)["errors"] == []
    order = paid_order(checkout)
    redemption = LoyaltyRedemption.objects.get(order_id=order.pk)

    # when
    response = user_api_client.post_graphql(ORDER_LOYALTY, {"id": order_id(order)})

    # then
    data = get_graphql_content(response)["data"]["order"]["crmLoyalty"]
    assert (data["redeemed"], data["redeemedValue"]) == (
        500,
        {"amount": float(redemption.value), "currency": "USD"},
    )
    assert redemption.value == Decimal("5.000")


def test_customer_reads_the_points_of_their_own_orders(
    user_api_client, crm_usd, crm_order, customer_user
):
    # given
    order = crm_order(crm_usd, THREE_LINES, user=customer_user)
    order_earn(order, 60)

    # when
    response = user_api_client.post_graphql(MY_ORDERS)

    # then
    edges = get_graphql_content(response)["data"]["me"]["orders"]["edges"]
    assert [edge["node"]["crmLoyalty"] for edge in edges] == [loyalty(60)]


@pytest.mark.parametrize("requester", ALLOWED, indirect=True)
def test_the_customer_and_manage_orders_read_the_points(
    requester, crm_usd, crm_order, customer_user
):
    # given
    order = crm_order(crm_usd, THREE_LINES, user=customer_user)
    until = timezone.now() + datetime.timedelta(days=3)
    order_reverse(order, order_earn(order, 60, available_at=until), 15)
    rows = written_rows()

    # when
    response = requester.post_graphql(ORDER_LOYALTY, {"id": order_id(order)})

    # then
    data = get_graphql_content(response)["data"]["order"]["crmLoyalty"]
    assert data == loyalty(60, pending=45, until=until.isoformat(), reversed_=15)
    assert written_rows() == rows


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_others_are_denied(requester, crm_usd, crm_order, customer_user):
    # given
    order = crm_order(crm_usd, THREE_LINES, user=customer_user)
    order_earn(order, 60)
    rows = written_rows()

    # when
    response = requester.post_graphql(ORDER_LOYALTY, {"id": order_id(order)})

    # then
    assert denied_data(response, ["order", "crmLoyalty"]) == {"order": {"crmLoyalty": None}}
    assert written_rows() == rows


def test_guest_order_is_for_manage_orders_and_has_no_points(
    staff_manage_orders, user_api_client, crm_usd, crm_order
):
    # given
    order = crm_order(crm_usd, THREE_LINES)
    order.user = None
    order.save(update_fields=["user"])

    # when
    staff = staff_manage_orders.post_graphql(ORDER_LOYALTY, {"id": order_id(order)})
    customer = user_api_client.post_graphql(ORDER_LOYALTY, {"id": order_id(order)})

    # then
    assert get_graphql_content(staff)["data"]["order"] == {"crmLoyalty": None}
    assert denied_data(customer, ["order", "crmLoyalty"]) == {"order": {"crmLoyalty": None}}


def test_order_without_points_is_null(staff_manage_orders, crm_usd, crm_order, customer_user):
    # given: not paid yet, so the ledger holds nothing about it
    order = crm_order(crm_usd, THREE_LINES, user=customer_user)

    # when
    response = staff_manage_orders.post_graphql(ORDER_LOYALTY, {"id": order_id(order)})

    # then
    assert get_graphql_content(response)["data"]["order"] == {"crmLoyalty": None}


def test_points_stay_after_the_programme_is_switched_off(
    staff_manage_orders, crm_usd, crm_order, customer_user
):
    # given
    order = crm_order(crm_usd, THREE_LINES, user=customer_user)
    order_earn(order, 60)
    configure_crm(crm_usd, active=False)

    # when
    response = staff_manage_orders.post_graphql(ORDER_LOYALTY, {"id": order_id(order)})

    # then
    assert get_graphql_content(response)["data"]["order"]["crmLoyalty"] == loyalty(60)


def test_queries_do_not_grow_with_the_orders(app_manage_orders, crm_usd, crm_order, customer_user):
    # given: an app sees every channel's orders (staff only their groups' channels)
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = app_manage_orders.post_graphql(ORDERS)
        edges = get_graphql_content(response)["data"]["orders"]["edges"]
        return len(queries), edges

    order_earn(crm_order(crm_usd, THREE_LINES, user=customer_user), 60)
    count_queries()  # warm-up: the first request loads the requester's permissions
    few, _edges = count_queries()
    for _ in range(4):
        order = crm_order(crm_usd, THREE_LINES, user=customer_user)
        order_reverse(order, order_earn(order, 60), 20)

    # when
    many, edges = count_queries()

    # then
    assert sorted(edge["node"]["crmLoyalty"]["earned"] for edge in edges) == [60] * 5
    assert many == few
