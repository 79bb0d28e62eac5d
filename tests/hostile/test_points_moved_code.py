"""Item 5: the points card's code taken to another checkout, and the cap at completion.

The card belongs to one checkout's redemption and its value was capped by that
checkout's total. Whatever the shopper does with the code afterwards (Saleor's
``checkoutAddPromoCode`` or its gift-card gateway on another checkout, lines removed
under the card), an order is created only if the card pays the checkout it was
issued for, within ``redemption_max_percent`` of what that order asks for.
"""

from decimal import Decimal

from saleor.checkout.fetch import fetch_checkout_info
from saleor.checkout.models import Checkout
from saleor.checkout.tests.utils import add_variant_to_checkout
from saleor.giftcard.models import GiftCard
from saleor.order.models import Order
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.loyalty.models import LoyaltyEntry, LoyaltyRedemption
from tests.fixtures.loyalty import balance_of
from tests.fixtures.plugin import configure_crm
from tests.graphql.loyalty.checkout_utils import apply_points, set_line_quantity
from tests.hostile.points import (
    add_promo_code,
    assert_ledger_agrees_with_cards,
    authorize_gift_card,
    card_codes,
    checkout_total,
    complete,
    pay_by_card,
    prepare_delivery,
)


def _second_checkout(customer, channel, product, *, address, delivery) -> Checkout:
    """Another checkout of ``customer``: 1 x 10.00 of ``product``, ready to pay."""
    checkout = Checkout.objects.create(
        user=customer, email=customer.email, channel=channel, currency="USD"
    )
    add_variant_to_checkout(
        fetch_checkout_info(checkout, [], get_plugins_manager(allow_replica=False)),
        product.variants.get(),
        1,
    )
    prepare_delivery(checkout, address=address, delivery=delivery(checkout))
    return checkout


def _errors(data) -> list[tuple[str, str]]:
    return [(error["field"], error["code"]) for error in data["errors"]]


def test_points_card_added_to_another_checkout_cannot_pay_it(
    user_api_client,
    channel_USD,
    shopper_checkout,
    customer_user,
    product,
    address,
    checkout_delivery,
):
    # given: at most half of a checkout in points; 1000 points (10.00) on 30.00 +
    # 10.00 shipping, the card's code added to a checkout of 10.00 + 10.00 shipping
    configure_crm(channel_USD, pending_period="0", redemption_max_percent="50")
    checkout = shopper_checkout
    assert apply_points(user_api_client, checkout, 1000)["errors"] == []
    [code] = card_codes(user_api_client, checkout)
    other = _second_checkout(
        customer_user, channel_USD, product, address=address, delivery=checkout_delivery
    )
    assert add_promo_code(user_api_client, other, code)["errors"] == []
    pay_by_card(other, checkout_total(other))
    entries = LoyaltyEntry.objects.count()

    # when
    data = complete(user_api_client, other)

    # then: no order; the card and the points stay with the first checkout
    assert data["order"] is None
    assert _errors(data) == [("giftCards", "GIFT_CARD_NOT_APPLICABLE")]
    assert Order.objects.count() == 0
    card = GiftCard.objects.get()
    assert (card.current_balance_amount, card.is_active) == (Decimal("10.000"), True)
    assert list(LoyaltyRedemption.objects.values_list("status", "checkout_token")) == [
        ("active", checkout.token)
    ]
    assert LoyaltyEntry.objects.count() == entries
    assert balance_of(customer_user, channel_USD) == 0
    assert_ledger_agrees_with_cards()


def test_points_card_authorised_on_another_checkout_cannot_pay_it(
    user_api_client,
    crm_usd,
    shopper_checkout,
    customer_user,
    product,
    address,
    checkout_delivery,
):
    # given: the card's 10.00 authorised through the gift-card gateway on a checkout
    # of 10.00 + 10.00 shipping, the rest paid by card
    checkout = shopper_checkout
    assert apply_points(user_api_client, checkout, 1000)["errors"] == []
    [code] = card_codes(user_api_client, checkout)
    other = _second_checkout(
        customer_user, crm_usd, product, address=address, delivery=checkout_delivery
    )
    assert authorize_gift_card(user_api_client, other, code, "10.00")["errors"] == []
    pay_by_card(other, checkout_total(other) - Decimal(10))

    # when
    data = complete(user_api_client, other)

    # then
    assert data["order"] is None
    assert _errors(data) == [("giftCards", "GIFT_CARD_NOT_APPLICABLE")]
    assert Order.objects.count() == 0
    card = GiftCard.objects.get()
    assert card.current_balance_amount == Decimal("10.000")
    assert balance_of(customer_user, crm_usd) == 0
    assert_ledger_agrees_with_cards()


def test_lines_removed_under_the_points_card_cannot_exceed_the_cap(
    user_api_client, channel_USD, shopper_checkout, customer_user
):
    # given: at most 40 % in points: 1000 points (10.00) on 30.00 + 10.00 shipping;
    # then the shopper keeps one item of 10.00 (+ 10.00 shipping: 40 % is 8.00)
    configure_crm(channel_USD, pending_period="0", redemption_max_percent="40")
    checkout = shopper_checkout
    assert apply_points(user_api_client, checkout, 1000)["errors"] == []
    line = checkout.lines.get()
    assert set_line_quantity(user_api_client, checkout, line, 1)["errors"] == []
    pay_by_card(checkout, checkout_total(checkout))

    # when
    data = complete(user_api_client, checkout)

    # then
    assert data["order"] is None
    assert _errors(data) == [("giftCards", "GIFT_CARD_NOT_APPLICABLE")]
    assert Order.objects.count() == 0
    assert GiftCard.objects.get().current_balance_amount == Decimal("10.000")
    assert balance_of(customer_user, channel_USD) == 0
    assert_ledger_agrees_with_cards()
