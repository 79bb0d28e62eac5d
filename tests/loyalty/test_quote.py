"""The checkout quote is arithmetic: amounts in, numbers out, no database."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from prices import Money, TaxedMoney
from saleor.checkout.models import Checkout
from saleor.giftcard.models import GiftCard

from saleor_crm_plugin.config import DEFAULT_CONFIG
from saleor_crm_plugin.loyalty.exceptions import InsufficientPoints, InvalidPoints
from saleor_crm_plugin.loyalty.models import LoyaltyAccount, LoyaltyRedemption
from saleor_crm_plugin.loyalty.quote import (
    GIFT_CARD_METADATA_KEY,
    CheckoutAmounts,
    checkout_quote,
    max_redeemable_points,
    payable_points,
    points_for_value,
    points_to_reserve,
    points_value,
    quote_checkout,
)

TODAY = datetime.date(2026, 6, 1)
# 1 point per 1.00 of lines, a point worth 0.01, at most half of a checkout in points.
CONFIG = dataclasses.replace(
    DEFAULT_CONFIG,
    loyalty=dataclasses.replace(
        DEFAULT_CONFIG.loyalty,
        earn_points=1,
        earn_amount=Decimal("1.00"),
        point_value=Decimal("0.01"),
        redemption_max_percent=Decimal(50),
        redemption_min_points=100,
        eligible_include_shipping=False,
        eligible_include_tax=True,
        tiers=(),
    ),
)


def _usd(amount) -> TaxedMoney:
    money = Money(Decimal(amount), "USD")
    return TaxedMoney(net=money, gross=money)


def _checkout(*, subtotal, total, shipping="0") -> Checkout:
    """An unsaved checkout with the prices Saleor stored on it last."""
    return Checkout(
        currency="USD",
        subtotal=_usd(subtotal),
        shipping_price=_usd(shipping),
        total=_usd(total),
    )


def _card(pk: int, balance: str, *, points_card=True, active=True) -> GiftCard:
    return GiftCard(
        pk=pk,
        currency="USD",
        current_balance_amount=Decimal(balance),
        initial_balance_amount=Decimal(balance),
        is_active=active,
        metadata={GIFT_CARD_METADATA_KEY: "token"} if points_card else {},
    )


def test_max_redeemable_points_is_the_balance_within_the_cap():
    # given: 40.00 to pay, of which a shop gift card pays 10.00: points pay at most 15.00
    amounts = CheckoutAmounts(
        currency="USD",
        total=Decimal("40.00"),
        eligible_base=Decimal("40.00"),
        other_gift_cards=Decimal("10.00"),
    )

    # when / then
    assert max_redeemable_points(config=CONFIG, amounts=amounts, balance=1000) == 1000
    assert max_redeemable_points(config=CONFIG, amounts=amounts, balance=5000) == 1500
    assert max_redeemable_points(config=CONFIG, amounts=amounts, balance=99) == 0
    assert max_redeemable_points(config=CONFIG, amounts=amounts, balance=-50) == 0


def test_points_are_rounded_to_what_the_currency_can_pay():
    # given: a point worth 0.01 JPY (yen has no minor unit)
    config = dataclasses.replace(
        CONFIG, loyalty=dataclasses.replace(CONFIG.loyalty, point_value=Decimal("0.01"))
    )

    # when / then: 150 points make a 1 JPY card, which 100 points pay for
    assert points_value(150, config=config, currency="JPY") == Decimal(1)
    assert payable_points(150, config=config, currency="JPY") == 100
    assert payable_points(99, config=config, currency="JPY") == 0
    # a card of 5.00 from 500 points that paid 1.234 used 124 points (rounded up)
    assert (
        points_for_value(Decimal("1.234"), points=500, full_value=Decimal("5.00"), config=CONFIG)
        == 124
    )
    assert points_for_value(Decimal(0), points=500, full_value=Decimal("5.00"), config=CONFIG) == 0
    assert (
        points_for_value(Decimal(9), points=500, full_value=Decimal("5.00"), config=CONFIG) == 500
    )


def test_quote_of_a_guest_checkout_shows_only_the_points_to_earn():
    # when
    quote = checkout_quote(
        config=CONFIG,
        checkout=_checkout(subtotal="30.00", total="35.00", shipping="5.00"),
        gift_cards=[],
        redemption=None,
        account=None,
        today=TODAY,
    ).quote

    # then: the lines earn, shipping does not
    assert (quote.available_points, quote.max_redeemable_points, quote.points_to_earn) == (
        0,
        0,
        30,
    )


def test_quote_counts_the_applied_card_and_earns_nothing_on_it():
    # given: 500 points applied as a 5.00 card; 700 points left; a shop card of 2.00
    points_card, shop_card = _card(1, "5.00"), _card(2, "2.00", points_card=False)
    redemption = LoyaltyRedemption(points=500, gift_card_id=1, value=Decimal("5.00"))

    # when
    quoted = checkout_quote(
        config=CONFIG,
        checkout=_checkout(subtotal="40.00", total="40.00"),
        gift_cards=[points_card, shop_card],
        redemption=redemption,
        account=LoyaltyAccount(balance=700, tier_name=""),
        today=TODAY,
    )

    # then: points pay at most half of the 38.00 the shop card leaves; the 7.00 of
    # gift cards earn nothing
    assert quoted.gift_card is points_card
    quote = quoted.quote
    assert (quote.available_points, quote.applied_points, quote.applied_value) == (
        700,
        500,
        Decimal("5.00"),
    )
    assert (quote.max_redeemable_points, quote.points_to_earn, quote.spendable_points) == (
        1200,
        33,
        1200,
    )


def test_quote_of_a_redemption_whose_card_left_the_checkout_still_counts_its_points():
    # given: the shopper took the points card off; the redemption is still active
    redemption = LoyaltyRedemption(points=500, gift_card_id=1, value=Decimal("5.00"))

    # when
    quoted = checkout_quote(
        config=CONFIG,
        checkout=_checkout(subtotal="40.00", total="40.00"),
        gift_cards=[_card(1, "5.00", active=False)],
        redemption=redemption,
        account=LoyaltyAccount(balance=700, tier_name=""),
        today=TODAY,
    )

    # then: nothing shows as applied, but applying again gives the 500 back first
    quote = quoted.quote
    assert quoted.gift_card is None
    assert (quote.applied_points, quote.applied_value, quote.points_to_earn) == (0, 0, 40)
    assert (quote.max_redeemable_points, quote.spendable_points) == (1200, 1200)


def _quote(balance, *, reserved=0):
    return quote_checkout(
        config=CONFIG,
        amounts=CheckoutAmounts(
            currency="USD",
            total=Decimal("40.00"),
            eligible_base=Decimal("40.00"),
            other_gift_cards=Decimal(0),
        ),
        balance=balance,
        applied_points=reserved,
        applied_value=Decimal(reserved) / 100,
        multiplier=Decimal(1),
        reserved_points=reserved,
    )


@pytest.mark.parametrize(
    ("points", "balance", "error", "message"),
    [
        (0, 1000, InvalidPoints, "Points must be a whole number above zero."),
        (True, 1000, InvalidPoints, "Points must be a whole number above zero."),
        (600, 500, InsufficientPoints, "The customer has 500 points to redeem."),
        (10, -50, InsufficientPoints, "The customer has 0 points to redeem."),
        (99, 1000, InvalidPoints, "At least 100 points must be redeemed at once."),
        (2001, 5000, InvalidPoints, "At most 2000 points can be redeemed on this checkout."),
    ],
)
def test_points_to_reserve_refuses_what_the_quote_does_not_allow(points, balance, error, message):
    with pytest.raises(error) as raised:
        points_to_reserve(points, quote=_quote(balance), config=CONFIG, currency="USD")
    assert (raised.value.message, raised.value.field) == (message, "points")


def test_points_to_reserve_counts_the_points_applying_again_gives_back():
    # given: 300 points left and 500 reserved by this checkout
    quote = _quote(300, reserved=500)

    # when / then
    assert points_to_reserve(800, quote=quote, config=CONFIG, currency="USD") == 800
    with pytest.raises(InsufficientPoints):
        points_to_reserve(801, quote=quote, config=CONFIG, currency="USD")
