import uuid
from decimal import Decimal

import graphene
import pytest
from saleor.giftcard.models import GiftCard
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyEntry, LoyaltyRedemption
from saleor_crm_plugin.loyalty.quote import GIFT_CARD_METADATA_KEY
from tests.fixtures.loyalty import ledger_problems
from tests.fixtures.plugin import configure_crm
from tests.graphql.loyalty.checkout_utils import (
    ADD_PROMO_CODE,
    APPLY,
    apply_points,
    checkout_id,
    customer_checkout,
    query_checkout,
    redemption_rows,
)
from tests.graphql.conftest import with_permission
from tests.graphql.loyalty.utils import denied_data


def test_apply_points_lowers_the_checkout_total(
    user_api_client, crm_usd, checkout_with_item, customer_user
):
    # given
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    before = query_checkout(user_api_client, checkout)["totalPrice"]["gross"]["amount"]

    # when
    data = apply_points(user_api_client, checkout, 500)

    # then
    assert data["errors"] == []
    assert before == 30.0
    assert data["checkout"]["totalPrice"]["gross"]["amount"] == 25.0
    assert data["checkout"]["loyalty"] == {
        "appliedPoints": 500,
        "appliedValue": {"amount": 5.0, "currency": "USD"},
        "availablePoints": 500,
    }
    card = GiftCard.objects.get()
    assert card.metadata == {GIFT_CARD_METADATA_KEY: str(checkout.token)}
    assert (card.assigned_to, card.current_balance_amount, card.is_active) == (
        customer_user,
        Decimal("5.000"),
        True,
    )
    assert list(checkout.gift_cards.all()) == [card]
    redeem = LoyaltyEntry.objects.get(type=EntryType.REDEEM)
    assert redeem.points == -500
    assert LoyaltyRedemption.objects.get().gift_card_id == card.pk
    assert ledger_problems() == []


def test_apply_again_replaces_the_previous_amount(
    user_api_client, crm_usd, checkout_with_item, customer_user
):
    # given
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    apply_points(user_api_client, checkout, 500)
    first_card = GiftCard.objects.get()

    # when
    data = apply_points(user_api_client, checkout, 800)

    # then
    assert data["errors"] == []
    assert data["checkout"]["totalPrice"]["gross"]["amount"] == 22.0
    assert data["checkout"]["loyalty"]["appliedPoints"] == 800
    assert data["checkout"]["loyalty"]["availablePoints"] == 200
    first_card.refresh_from_db()
    assert first_card.is_active is False
    assert first_card.checkouts.count() == 0
    assert [card.current_balance_amount for card in checkout.gift_cards.all()] == [Decimal("8.000")]
    assert list(LoyaltyEntry.objects.order_by("pk").values_list("type", "points")) == [
        (EntryType.ADJUST, 1000),
        (EntryType.REDEEM, -500),
        (EntryType.RELEASE, 500),
        (EntryType.REDEEM, -800),
    ]
    assert sorted(LoyaltyRedemption.objects.values_list("status", flat=True)) == [
        "active",
        "released",
    ]
    assert ledger_problems() == []


def test_points_and_a_voucher_on_one_checkout(
    user_api_client, crm_usd, checkout_with_item, customer_user, voucher
):
    # given: the 20.00 voucher through Saleor's own checkoutAddPromoCode
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    response = user_api_client.post_graphql(
        ADD_PROMO_CODE, {"id": checkout_id(checkout), "promoCode": "mirumee"}
    )
    assert get_graphql_content(response)["data"]["checkoutAddPromoCode"]["errors"] == []

    # when
    data = apply_points(user_api_client, checkout, 500)

    # then: 30.00 - 20.00 voucher - 5.00 points
    assert data["errors"] == []
    assert data["checkout"]["totalPrice"]["gross"]["amount"] == 5.0
    checkout.refresh_from_db()
    assert checkout.voucher_code == "mirumee"
    assert query_checkout(user_api_client, checkout)["loyalty"]["maxRedeemablePoints"] == 1000


def test_apply_above_the_cap_of_a_checkout_with_a_voucher(
    user_api_client, crm_usd, checkout_with_item, customer_user, voucher
):
    # given: 10.00 left to pay after the voucher, so at most 1000 points
    checkout = customer_checkout(checkout_with_item, customer_user, points=5000)
    user_api_client.post_graphql(
        ADD_PROMO_CODE, {"id": checkout_id(checkout), "promoCode": "mirumee"}
    )
    rows = redemption_rows()

    # when
    data = apply_points(user_api_client, checkout, 1001)

    # then
    assert data["errors"] == [
        {
            "field": "points",
            "code": "OUT_OF_RANGE",
            "message": "At most 1000 points can be redeemed on this checkout.",
        }
    ]
    assert redemption_rows() == rows


def test_apply_respects_the_percentage_cap_and_minimum(
    user_api_client, channel_USD, checkout_with_item, customer_user
):
    # given: at most half of 30.00, at least 200 points at once
    configure_crm(
        channel_USD,
        pending_period="0",
        redemption_max_percent="50",
        redemption_min_points="200",
    )
    checkout = customer_checkout(checkout_with_item, customer_user, points=5000)
    rows = redemption_rows()

    # when
    too_many = apply_points(user_api_client, checkout, 1501)
    too_few = apply_points(user_api_client, checkout, 199)

    # then
    assert [error["code"] for error in too_many["errors"]] == ["OUT_OF_RANGE"]
    assert [error["code"] for error in too_few["errors"]] == ["OUT_OF_RANGE"]
    assert redemption_rows() == rows
    assert apply_points(user_api_client, checkout, 1500)["errors"] == []


@pytest.mark.parametrize(
    ("points", "code"),
    [(-5, "OUT_OF_RANGE"), (0, "OUT_OF_RANGE"), (1001, "INSUFFICIENT_POINTS")],
)
def test_apply_bad_points_writes_nothing(
    user_api_client, crm_usd, checkout_with_item, customer_user, points, code
):
    # given
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    rows = redemption_rows()

    # when
    data = apply_points(user_api_client, checkout, points)

    # then
    assert [(error["field"], error["code"]) for error in data["errors"]] == [("points", code)]
    assert redemption_rows() == rows
    assert checkout.gift_cards.count() == 0


def test_apply_non_integer_points_is_rejected_by_graphql(
    user_api_client, crm_usd, checkout_with_item, customer_user
):
    # given: a literal 2.5 (graphene's Int truncates a 2.5 sent as a variable)
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    rows = redemption_rows()
    query = """
    mutation Apply($id: ID!) {
      checkoutLoyaltyPointsApply(id: $id, points: 2.5) { errors { code } }
    }
    """

    # when
    response = user_api_client.post_graphql(query, {"id": checkout_id(checkout)})

    # then
    content = get_graphql_content(response, ignore_errors=True)
    assert [error["message"] for error in content["errors"]] == [
        'Argument "points" has invalid value 2.5.\nExpected type "Int", found 2.5.'
    ]
    assert redemption_rows() == rows


def test_apply_to_an_unknown_checkout(user_api_client, crm_usd, customer_user):
    # given
    rows = redemption_rows()
    unknown = graphene.Node.to_global_id("Checkout", uuid.uuid4())

    # when
    response = user_api_client.post_graphql(APPLY, {"id": unknown, "points": 10})

    # then
    data = get_graphql_content(response)["data"]["checkoutLoyaltyPointsApply"]
    assert [(error["field"], error["code"]) for error in data["errors"]] == [("id", "NOT_FOUND")]
    assert redemption_rows() == rows


def test_apply_to_a_checkout_without_a_customer(user_api_client, crm_usd, checkout_with_item):
    # given
    rows = redemption_rows()

    # when
    data = apply_points(user_api_client, checkout_with_item, 10)

    # then
    assert [(error["field"], error["code"]) for error in data["errors"]] == [
        ("id", "ACCOUNT_REQUIRED")
    ]
    assert redemption_rows() == rows


def test_apply_in_a_channel_without_the_programme(
    user_api_client, channel_USD, checkout_with_item, customer_user
):
    # given
    configure_crm(channel_USD, active=False)
    checkout = customer_checkout(checkout_with_item, customer_user)
    rows = redemption_rows()

    # when
    data = apply_points(user_api_client, checkout, 10)

    # then
    assert [(error["field"], error["code"]) for error in data["errors"]] == [
        ("id", "CHANNEL_INACTIVE")
    ]
    assert redemption_rows() == rows


@pytest.mark.parametrize(
    "requester",
    ["api_client", "user2_api_client", "staff_api_client", "app_api_client"],
    indirect=True,
)
def test_apply_is_denied_to_others(requester, crm_usd, checkout_with_item, customer_user):
    # given
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    rows = redemption_rows()

    # when
    response = requester.post_graphql(APPLY, {"id": checkout_id(checkout), "points": 100})

    # then
    assert denied_data(response, ["checkoutLoyaltyPointsApply"]) == {
        "checkoutLoyaltyPointsApply": None
    }
    assert redemption_rows() == rows


@pytest.mark.parametrize("requester", ["staff_api_client", "app_api_client"], indirect=True)
def test_apply_by_staff_or_app_impersonating_the_customer(
    requester, permission_impersonate_user, crm_usd, checkout_with_item, customer_user
):
    # given
    with_permission(requester, permission_impersonate_user)
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)

    # when
    response = requester.post_graphql(APPLY, {"id": checkout_id(checkout), "points": 100})

    # then
    data = get_graphql_content(response)["data"]["checkoutLoyaltyPointsApply"]
    assert data["errors"] == []
    assert data["checkout"]["totalPrice"]["gross"]["amount"] == 29.0
    redemption = LoyaltyRedemption.objects.get()
    assert (redemption.points, redemption.status) == (100, "active")
