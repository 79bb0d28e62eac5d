"""The cart-recovery examples of docs/graphql-*.md run as written."""

import pathlib
import re

import pytest
from saleor.graphql.core.utils import to_global_id_or_none
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.carts import offers
from saleor_crm_plugin.carts.models import AbandonedCheckout, AbandonedStatus
from saleor_crm_plugin.consent.unsubscribe import unsubscribe_token_make
from tests.fixtures.cart_offers import TEN_PERCENT_ITEMS

DOCS = pathlib.Path(__file__).resolve().parents[3] / "docs"


def docs_operation(document: str, name: str) -> str:
    """The ```graphql block of ``document`` that defines the operation ``name``."""
    text = (DOCS / document).read_text()
    for block in re.findall(r"```graphql\n(.*?)```", text, flags=re.DOTALL):
        if re.search(rf"\b(query|mutation) {name}\b", block):
            return block
    raise AssertionError(f"{name} not in {document}")


@pytest.fixture
def staff_with_all(
    staff_api_client,
    permission_manage_checkouts,
    permission_manage_users,
    permission_manage_orders,
):
    staff_api_client.user.user_permissions.add(
        permission_manage_checkouts, permission_manage_users, permission_manage_orders
    )
    return staff_api_client


def test_staff_abandoned_checkouts_example(
    staff_with_all, recovery_channel, abandoned_row, order, customer_user
):
    # given: a recovered checkout of customer_user that became ``order``
    abandoned_row(
        recovery_channel,
        email="ann@example.com",
        status=AbandonedStatus.RECOVERED,
        sent_stages=[1],
        user=customer_user,
        total=80,
        order_total=72,
        discount=8,
    )
    AbandonedCheckout.objects.update(order_id=order.pk)

    # when
    response = staff_with_all.post_graphql(
        docs_operation("graphql-staff.md", "Abandoned"), {"channel": recovery_channel.slug}
    )

    # then
    [edge] = get_graphql_content(response)["data"]["abandonedCheckouts"]["edges"]
    node = edge["node"]
    assert (node["email"], node["status"], node["remindersSent"]) == (
        "ann@example.com",
        "RECOVERED",
        1,
    )
    assert node["user"] == {"email": customer_user.email}
    assert node["order"] == {"number": str(order.number)}


def test_staff_order_recovery_example(staff_with_all, recovery_channel, abandoned_row, order):
    # given: ``order`` completed a checkout reminded once, without an offer
    abandoned_row(
        recovery_channel,
        email="ann@example.com",
        status=AbandonedStatus.RECOVERED,
        sent_stages=[1],
        total=80,
        order_total=80,
        discount=0,
    )
    AbandonedCheckout.objects.update(order_id=order.pk)

    # when
    response = staff_with_all.post_graphql(
        docs_operation("graphql-staff.md", "OrderRecovery"),
        {"id": to_global_id_or_none(order)},
    )

    # then
    data = get_graphql_content(response)["data"]["order"]["crmRecovery"]
    assert (data["abandonedCheckout"]["status"], data["abandonedCheckout"]["remindersSent"]) == (
        "RECOVERED",
        1,
    )
    assert (data["offer"], data["discount"]) == (None, {"amount": 0.0, "currency": "USD"})


def test_staff_stats_example(staff_with_all, recovery_channel):
    # when
    response = staff_with_all.post_graphql(
        docs_operation("graphql-staff.md", "Stats"), {"channel": recovery_channel.slug}
    )

    # then
    data = get_graphql_content(response)["data"]["cartRecoveryStats"]
    assert (data["reminded"], data["byStage"], data["byVariant"]) == (0, [], [])


def test_storefront_offers_example(
    api_client, recovery_channel, checkout_with_item, abandoned_from_checkout
):
    # given
    offer = offers.recovery_offer_issue(
        abandoned=abandoned_from_checkout(checkout_with_item, sent_stages=[1, 2]),
        spec=TEN_PERCENT_ITEMS,
        now=checkout_with_item.last_change,
    )

    # when
    response = api_client.post_graphql(
        docs_operation("graphql-storefront.md", "Offers"),
        {"id": to_global_id_or_none(checkout_with_item)},
    )

    # then
    [found] = get_graphql_content(response)["data"]["checkout"]["crmOffers"]
    assert (found["kind"], found["code"], found["description"]) == (
        "CART_RECOVERY",
        offer.code,
        "10 % off your items",
    )


def test_storefront_unsubscribe_example(api_client):
    # given
    token = unsubscribe_token_make(email="ann@example.com")

    # when
    response = api_client.post_graphql(
        docs_operation("graphql-storefront.md", "Unsubscribe"), {"token": token}
    )

    # then
    data = get_graphql_content(response)["data"]["crmUnsubscribe"]
    assert data == {"email": "ann@example.com", "errors": []}
