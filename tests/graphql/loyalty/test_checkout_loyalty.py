from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_crm_plugin.loyalty.tiers import account_tier_evaluate
from tests.fixtures.plugin import configure_crm
from tests.graphql.loyalty.checkout_utils import (
    apply_points,
    customer_checkout,
    query_checkout,
)
from tests.graphql.loyalty.checkout_utils import (
    checkout_id as graphene_id,
)
from tests.graphql.loyalty.utils import adjust, denied_data


def test_checkout_loyalty_of_a_customer(
    user_api_client, crm_usd, checkout_with_item, customer_user
):
    # given: 30.00 net; 1 point per 1.00; 5.00 of it paid with 500 points
    checkout = customer_checkout(checkout_with_item, customer_user, points=1200)
    apply_points(user_api_client, checkout, 500)

    # when
    data = query_checkout(user_api_client, checkout)

    # then
    assert data["loyalty"] == {
        "requiresAccount": False,
        "availablePoints": 700,
        "maxRedeemablePoints": 1200,
        "appliedPoints": 500,
        "appliedValue": {"amount": 5.0, "currency": "USD"},
        "pointsToEarn": 25,
        "pointValue": {"amount": 0.01},
    }
    [offer] = data["crmOffers"]
    assert offer == {
        "kind": "LOYALTY_REDEMPTION",
        "code": checkout.gift_cards.get().code,
        "description": "Pay up to 12.00 USD with 1200 loyalty points.",
        "value": {"amount": 12.0, "currency": "USD"},
        "points": 1200,
        "expiresAt": offer["expiresAt"],
    }
    assert offer["expiresAt"] is not None


def test_checkout_loyalty_caps_at_the_checkout_total(
    user_api_client, channel_USD, checkout_with_item, customer_user
):
    # given: Gold earns double; 40 % of 30.00 can be paid with points
    configure_crm(
        channel_USD, pending_period="0", redemption_max_percent="40", tiers="Gold | 0 | 2"
    )
    checkout = customer_checkout(checkout_with_item, customer_user, points=5000)
    account = adjust(customer_user, channel_USD, 10, "more").account
    account_tier_evaluate(account_id=account.pk, reason="test")

    # when
    data = query_checkout(user_api_client, checkout)

    # then
    assert data["loyalty"]["maxRedeemablePoints"] == 1200
    assert data["loyalty"]["availablePoints"] == 5010
    assert data["loyalty"]["pointsToEarn"] == 60


def test_anonymous_checkout_shows_what_signing_up_would_earn(
    api_client, crm_usd, checkout_with_item
):
    # when
    data = query_checkout(api_client, checkout_with_item)

    # then
    assert data["loyalty"] == {
        "requiresAccount": True,
        "availablePoints": 0,
        "maxRedeemablePoints": 0,
        "appliedPoints": 0,
        "appliedValue": {"amount": 0.0, "currency": "USD"},
        "pointsToEarn": 30,
        "pointValue": {"amount": 0.01},
    }
    assert data["crmOffers"] == []


def test_checkout_loyalty_is_null_without_the_programme(
    user_api_client, channel_USD, checkout_with_item, customer_user
):
    # given
    configure_crm(channel_USD, active=False)
    checkout = customer_checkout(checkout_with_item, customer_user)

    # when
    data = query_checkout(user_api_client, checkout)

    # then
    assert (data["loyalty"], data["crmOffers"]) == (None, [])


def test_another_customer_cannot_see_the_points(
    user2_api_client, crm_usd, checkout_with_item, customer_user
):
    # given
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)

    # when
    response = user2_api_client.post_graphql(
        "query C($id: ID!) { checkout(id: $id) { "
        "loyalty { availablePoints } crmOffers { code } } }",
        {"id": graphene_id(checkout)},
    )

    # then
    assert denied_data(response, ["checkout", "loyalty"]) == {
        "checkout": {"loyalty": None, "crmOffers": []}
    }


def _queries(client, checkout) -> int:
    with CaptureQueriesContext(connection) as captured:
        query_checkout(client, checkout)
    return len(captured)


def test_checkout_loyalty_query_count_does_not_grow_with_lines(
    user_api_client, crm_usd, checkout_with_item, checkout_with_items, customer_user
):
    # given: one line and four lines, points applied on both
    one = customer_checkout(checkout_with_item, customer_user, points=2000)
    many = customer_checkout(checkout_with_items, customer_user)
    apply_points(user_api_client, one, 100)
    apply_points(user_api_client, many, 100)
    _queries(user_api_client, one)
    _queries(user_api_client, many)

    # when
    count_one = _queries(user_api_client, one)
    count_many = _queries(user_api_client, many)

    # then
    assert many.lines.count() == 4
    assert count_one == count_many


def test_points_in_yen_are_offered_for_whole_yen(
    user_api_client, channel_JPY, checkout_JPY_with_item, customer_user
):
    # given: 1,499 points at 0.01 JPY are worth 14.99 JPY; a card holds whole yen
    configure_crm(channel_JPY, pending_period="0", point_value="0.01")
    checkout = customer_checkout(checkout_JPY_with_item, customer_user, points=1499)

    # when
    data = query_checkout(user_api_client, checkout)

    # then: 1,400 points buy 14 JPY; the 99 others stay with the customer
    assert data["loyalty"]["maxRedeemablePoints"] == 1400
    [offer] = data["crmOffers"]
    assert (offer["points"], offer["value"]) == (1400, {"amount": 14.0, "currency": "JPY"})
    assert offer["description"] == "Pay up to 14 JPY with 1400 loyalty points."
