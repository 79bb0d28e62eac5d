"""Saleor's voucher codes next to the points card: the cap holds on what is left.

A voucher added after the points lowers what the order asks for; the card then
pays at most ``redemption_max_percent`` of that (else the order is refused), and
never more than the order: the points spent are what the card paid.
"""

from decimal import Decimal

from saleor.giftcard.models import GiftCard
from saleor.order.models import Order

from saleor_crm_plugin.loyalty.models import LoyaltyRedemption
from tests.fixtures.loyalty import balance_of
from tests.fixtures.plugin import configure_crm
from tests.graphql.loyalty.checkout_utils import apply_points
from tests.graphql.loyalty.utils import adjust
from tests.hostile.points import (
    add_promo_code,
    assert_ledger_agrees_with_cards,
    checkout_total,
    complete,
    pay_by_card,
)


def test_voucher_added_after_the_points_cannot_lift_them_over_the_cap(
    user_api_client, channel_USD, shopper_checkout, customer_user, voucher
):
    # given: at most 40 % in points: 1000 points (10.00) of 30.00 + 10.00 shipping;
    # then a voucher takes 20.00 off (40 % of what is left is 8.00)
    configure_crm(channel_USD, pending_period="0", redemption_max_percent="40")
    checkout = shopper_checkout
    assert apply_points(user_api_client, checkout, 1000)["errors"] == []
    assert add_promo_code(user_api_client, checkout, "mirumee")["errors"] == []
    pay_by_card(checkout, checkout_total(checkout))

    # when
    data = complete(user_api_client, checkout)

    # then
    assert data["order"] is None
    assert [(error["field"], error["code"]) for error in data["errors"]] == [
        ("giftCards", "GIFT_CARD_NOT_APPLICABLE")
    ]
    assert Order.objects.count() == 0
    assert GiftCard.objects.get().current_balance_amount == Decimal(10)
    assert balance_of(customer_user, channel_USD) == 0
    assert_ledger_agrees_with_cards()


def test_voucher_leaving_less_than_the_card_spends_only_what_the_card_paid(
    user_api_client, channel_USD, shopper_checkout, customer_user, voucher
):
    # given: points may pay everything; 2000 points (20.00) of 30.00 + 10.00
    # shipping, then a 30.00 voucher leaves 10.00 (the shipping) to pay
    configure_crm(channel_USD, pending_period="0")
    adjust(customer_user, channel_USD, 1000, "more-points")
    voucher.channel_listings.update(discount_value=Decimal(30))
    checkout = shopper_checkout
    assert apply_points(user_api_client, checkout, 2000)["errors"] == []
    assert add_promo_code(user_api_client, checkout, "mirumee")["errors"] == []
    assert checkout_total(checkout) == Decimal(0)

    # when
    data = complete(user_api_client, checkout)

    # then: the card paid 10.00 for 1000 points; the other 1000 went back
    assert data["errors"] == []
    order = Order.objects.get()
    assert GiftCard.objects.get().current_balance_amount == Decimal(10)
    assert list(LoyaltyRedemption.objects.values_list("status", "spent_points", "order_id")) == [
        ("spent", 1000, order.pk)
    ]
    assert balance_of(customer_user, channel_USD) == 1000
    assert_ledger_agrees_with_cards()
