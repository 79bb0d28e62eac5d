"""`Checkout.crmOffers.code` of a points redemption is a live gift card code: shown, as
Saleor shows `GiftCard.code`, only to the card's owner and to MANAGE_GIFT_CARD."""

import pytest
from saleor.graphql.tests.utils import get_graphql_content

from .checkout_utils import apply_points, checkout_id, customer_checkout

CRM_OFFERS = """
query($id: ID!) { checkout(id: $id) { crmOffers { kind code points } } }
"""


@pytest.fixture
def points_on_checkout(user_api_client, crm_usd, checkout_with_item, customer_user):
    """customer_user's checkout with 500 of their 1200 points applied (a live card)."""
    checkout = customer_checkout(checkout_with_item, customer_user, points=1200)
    assert apply_points(user_api_client, checkout, 500)["errors"] == []
    return checkout


def query_offers(client, checkout):
    response = client.post_graphql(CRM_OFFERS, {"id": checkout_id(checkout)})
    return get_graphql_content(response, ignore_errors=True)


@pytest.mark.parametrize(
    "requester",
    ["user_api_client", "staff_manage_users_and_gift_card", "app_manage_users_and_gift_card"],
    indirect=True,
)
def test_the_owner_and_manage_gift_card_see_the_code(requester, points_on_checkout):
    # when
    content = query_offers(requester, points_on_checkout)

    # then
    code = points_on_checkout.gift_cards.get().code
    assert content["data"] == {
        "checkout": {"crmOffers": [{"kind": "LOYALTY_REDEMPTION", "code": code, "points": 1200}]}
    }
    assert "errors" not in content


@pytest.mark.parametrize(
    "requester",
    ["staff_manage_users", "app_manage_users", "staff_impersonate_user", "app_impersonate_user"],
    indirect=True,
)
def test_manage_users_or_impersonate_user_see_the_offer_but_not_the_code(
    requester, points_on_checkout
):
    # when
    content = query_offers(requester, points_on_checkout)

    # then
    assert content["data"] == {
        "checkout": {"crmOffers": [{"kind": "LOYALTY_REDEMPTION", "code": None, "points": 1200}]}
    }
    [error] = content["errors"]
    assert error["path"] == ["checkout", "crmOffers", 0, "code"]
    assert error["extensions"]["exception"]["code"] == "PermissionDenied"
    assert "MANAGE_GIFT_CARD" in error["message"]


@pytest.mark.parametrize(
    "requester",
    [
        "api_client",
        "user2_api_client",
        "staff_api_client",
        "app_api_client",
        "staff_manage_gift_card",
        "app_manage_gift_card",
    ],
    indirect=True,
)
def test_others_see_no_offer_of_the_customer(requester, points_on_checkout):
    # when
    content = query_offers(requester, points_on_checkout)

    # then
    assert content["data"] == {"checkout": {"crmOffers": []}}
    assert "errors" not in content
