import pytest
from saleor.giftcard.models import GiftCard

from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyEntry, LoyaltyRedemption
from tests.fixtures.loyalty import ledger_problems
from tests.graphql.loyalty.checkout_utils import (
    REMOVE,
    apply_points,
    checkout_id,
    customer_checkout,
    redemption_rows,
    remove_points,
)
from tests.graphql.loyalty.utils import denied_data


def test_remove_releases_the_points_and_restores_the_total(
    user_api_client, crm_usd, checkout_with_item, customer_user
):
    # given
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    apply_points(user_api_client, checkout, 500)

    # when
    data = remove_points(user_api_client, checkout)
    replay = remove_points(user_api_client, checkout)

    # then
    assert data["errors"] == []
    assert data["checkout"] == {
        "totalPrice": {"gross": {"amount": 30.0}},
        "loyalty": {"appliedPoints": 0, "availablePoints": 1000},
    }
    assert replay == data
    card = GiftCard.objects.get()
    assert (card.is_active, checkout.gift_cards.count()) == (False, 0)
    assert list(LoyaltyEntry.objects.order_by("pk").values_list("type", "points")) == [
        (EntryType.ADJUST, 1000),
        (EntryType.REDEEM, -500),
        (EntryType.RELEASE, 500),
    ]
    assert list(LoyaltyRedemption.objects.values_list("status", "spent_points")) == [
        ("released", 0)
    ]
    assert ledger_problems() == []


def test_re_apply_after_remove_reserves_again(
    user_api_client, crm_usd, checkout_with_item, customer_user
):
    # given
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    apply_points(user_api_client, checkout, 1000)
    remove_points(user_api_client, checkout)

    # when
    data = apply_points(user_api_client, checkout, 1000)

    # then
    assert data["errors"] == []
    assert data["checkout"]["totalPrice"]["gross"]["amount"] == 20.0
    customer_user.refresh_from_db()
    assert LoyaltyRedemption.objects.filter(status="active").count() == 1
    assert ledger_problems() == []


@pytest.mark.parametrize(
    "requester",
    ["api_client", "user2_api_client", "staff_api_client", "app_api_client"],
    indirect=True,
)
def test_remove_is_denied_to_others(
    requester, user_api_client, crm_usd, checkout_with_item, customer_user
):
    # given
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    apply_points(user_api_client, checkout, 500)
    rows = redemption_rows()

    # when
    response = requester.post_graphql(REMOVE, {"id": checkout_id(checkout)})

    # then
    assert denied_data(response, ["checkoutLoyaltyPointsRemove"]) == {
        "checkoutLoyaltyPointsRemove": None
    }
    assert redemption_rows() == rows
    assert LoyaltyRedemption.objects.get().status == "active"


def test_remove_from_a_checkout_without_a_customer(user_api_client, crm_usd, checkout_with_item):
    # given
    rows = redemption_rows()

    # when
    data = remove_points(user_api_client, checkout_with_item)

    # then
    assert [(error["field"], error["code"]) for error in data["errors"]] == [
        ("id", "ACCOUNT_REQUIRED")
    ]
    assert redemption_rows() == rows
