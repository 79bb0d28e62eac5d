"""Adversarial use of the points gift card through Saleor's own checkout API.

The card's code is a promo code like any other: the shopper can take it off, add it
to another checkout, or another shopper can try it. Points must never pay twice.
"""

from decimal import Decimal

from saleor.checkout.fetch import fetch_checkout_info
from saleor.checkout.models import Checkout
from saleor.checkout.tests.utils import add_variant_to_checkout
from saleor.giftcard.models import GiftCard
from saleor.graphql.tests.utils import get_graphql_content
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.loyalty.models import (
    EntryType,
    LoyaltyAccount,
    LoyaltyRedemption,
)
from saleor_crm_plugin.loyalty.tasks import release_abandoned_redemptions_task
from tests.fixtures.loyalty import ledger_entries, ledger_problems
from tests.fixtures.plugin import configure_crm
from tests.hostile.points import (
    checkout_total,
    complete,
    pay_by_card,
    prepare_delivery,
)
from tests.graphql.loyalty.checkout_utils import (
    ADD_PROMO_CODE,
    apply_points,
    checkout_id,
    customer_checkout,
    query_checkout,
    redemption_rows,
)

REMOVE_PROMO_CODE = """
mutation RemovePromoCode($id: ID!, $promoCode: String!) {
  checkoutRemovePromoCode(id: $id, promoCode: $promoCode) {
    checkout { totalPrice { gross { amount } } }
    errors { field code message }
  }
}
"""


def _promo_code(client, query, checkout, code) -> dict:
    response = client.post_graphql(query, {"id": checkout_id(checkout), "promoCode": code})
    name = "checkoutAddPromoCode" if query is ADD_PROMO_CODE else "checkoutRemovePromoCode"
    return get_graphql_content(response)["data"][name]


def _second_checkout(customer, channel, product) -> Checkout:
    """Another checkout of ``customer``: 2 x 10.00 of ``product``."""
    checkout = Checkout.objects.create(
        user=customer, email=customer.email, channel=channel, currency="USD"
    )
    checkout.set_country("US", commit=True)
    add_variant_to_checkout(
        fetch_checkout_info(checkout, [], get_plugins_manager(allow_replica=False)),
        product.variants.get(),
        2,
    )
    return checkout


def test_removing_the_points_card_with_saleors_mutation_releases_the_points(
    user_api_client, crm_usd, checkout_with_item, customer_user
):
    # given
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    apply_points(user_api_client, checkout, 400)
    card = GiftCard.objects.get()

    # when: the shopper takes the card off through Saleor, the release task runs twice
    removed = _promo_code(user_api_client, REMOVE_PROMO_CODE, checkout, card.code)
    release_abandoned_redemptions_task()
    release_abandoned_redemptions_task()

    # then
    assert removed == {
        "checkout": {"totalPrice": {"gross": {"amount": 30.0}}},
        "errors": [],
    }
    assert ledger_entries() == [
        (EntryType.ADJUST, 1000),
        (EntryType.REDEEM, -400),
        (EntryType.RELEASE, 400),
    ]
    assert LoyaltyAccount.objects.get(user=customer_user).balance == 1000
    card.refresh_from_db()
    assert card.is_active is False
    assert query_checkout(user_api_client, checkout)["loyalty"]["appliedPoints"] == 0
    assert ledger_problems() == []


def test_released_points_card_cannot_be_added_back(
    user_api_client, crm_usd, checkout_with_item, customer_user
):
    # given: the points were removed, the card deactivated
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    apply_points(user_api_client, checkout, 400)
    card = GiftCard.objects.get()
    _promo_code(user_api_client, REMOVE_PROMO_CODE, checkout, card.code)
    release_abandoned_redemptions_task()
    rows = redemption_rows()

    # when
    data = _promo_code(user_api_client, ADD_PROMO_CODE, checkout, card.code)

    # then
    assert [(error["field"], error["code"]) for error in data["errors"]] == [
        ("promoCode", "INVALID")
    ]
    assert checkout.gift_cards.count() == 0
    assert redemption_rows() == rows


def test_another_customer_cannot_use_the_points_card(
    user_api_client,
    user2_api_client,
    crm_usd,
    checkout_with_item,
    customer_user,
    customer_user2,
    product,
):
    # given: customer_user's points on their checkout
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    apply_points(user_api_client, checkout, 400)
    card = GiftCard.objects.get()
    other = _second_checkout(customer_user2, crm_usd, product)
    rows = redemption_rows()

    # when
    data = _promo_code(user2_api_client, ADD_PROMO_CODE, other, card.code)

    # then
    assert [(error["field"], error["code"]) for error in data["errors"]] == [
        ("promoCode", "INVALID")
    ]
    assert other.gift_cards.count() == 0
    assert redemption_rows() == rows


def test_points_card_moved_to_another_checkout_cannot_pay_it(
    user_api_client,
    crm_usd,
    checkout_with_item,
    customer_user,
    product,
    address,
    checkout_delivery,
):
    # given: 1000 points (10.00) on the first checkout, its card added to a second
    first = customer_checkout(checkout_with_item, customer_user, points=1500)
    apply_points(user_api_client, first, 1000)
    card = GiftCard.objects.get()
    second = _second_checkout(customer_user, crm_usd, product)
    assert _promo_code(user_api_client, ADD_PROMO_CODE, second, card.code)["errors"] == []
    prepare_delivery(second, address=address, delivery=checkout_delivery(second))
    pay_by_card(second, checkout_total(second))

    # when: the second checkout is completed with the card
    data = complete(user_api_client, second)
    release_abandoned_redemptions_task()

    # then: no order; the points and the card stay with the first checkout
    assert data["order"] is None
    assert [(error["field"], error["code"]) for error in data["errors"]] == [
        ("giftCards", "GIFT_CARD_NOT_APPLICABLE")
    ]
    card.refresh_from_db()
    assert (card.current_balance_amount, card.is_active) == (Decimal("10.000"), True)
    assert list(LoyaltyRedemption.objects.values_list("status", "spent_points", "order_id")) == [
        ("active", 0, None)
    ]
    assert list(first.gift_cards.all()) == [card]
    loyalty = query_checkout(user_api_client, first)
    assert loyalty["totalPrice"]["gross"]["amount"] == 20.0
    assert (
        loyalty["loyalty"]["appliedPoints"],
        loyalty["loyalty"]["availablePoints"],
    ) == (1000, 500)
    assert ledger_entries() == [
        (EntryType.ADJUST, 1500),
        (EntryType.REDEEM, -1000),
    ]
    assert ledger_problems() == []


def test_the_cap_counts_the_points_already_applied_to_the_checkout(
    user_api_client, channel_USD, checkout_with_item, customer_user
):
    # given: at most half of 30.00; 1500 points already applied
    configure_crm(channel_USD, pending_period="0", redemption_max_percent="50")
    checkout = customer_checkout(checkout_with_item, customer_user, points=5000)
    assert apply_points(user_api_client, checkout, 1500)["errors"] == []
    rows = redemption_rows()

    # when
    loyalty = query_checkout(user_api_client, checkout)["loyalty"]
    too_many = apply_points(user_api_client, checkout, 1501)

    # then
    assert (loyalty["maxRedeemablePoints"], loyalty["appliedPoints"]) == (1500, 1500)
    assert too_many["errors"] == [
        {
            "field": "points",
            "code": "OUT_OF_RANGE",
            "message": "At most 1500 points can be redeemed on this checkout.",
        }
    ]
    assert redemption_rows() == rows
    assert LoyaltyRedemption.objects.get().points == 1500
