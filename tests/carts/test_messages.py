"""The reminder payload: the cart's lines and totals, read without touching the checkout."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from saleor.checkout.fetch import fetch_checkout_info
from saleor.checkout.models import CheckoutLine
from saleor.checkout.tests.utils import add_variant_to_checkout
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.carts.messages import checkout_lines_payload, offer_description
from saleor_crm_plugin.carts.models import CartRecoveryOffer


def test_lines_are_read_with_the_same_queries_for_one_or_many(
    cart_recovery, shopper_checkout, product_list
):
    # given
    one = shopper_checkout(cart_recovery, email="one@example.com")
    many = shopper_checkout(cart_recovery, email="many@example.com")
    manager = get_plugins_manager(allow_replica=False)
    for product in product_list:
        add_variant_to_checkout(fetch_checkout_info(many, [], manager), product.variants.first(), 1)

    # when
    with CaptureQueriesContext(connection) as one_queries:
        one_lines = checkout_lines_payload(checkout=one)
    with CaptureQueriesContext(connection) as many_queries:
        many_lines = checkout_lines_payload(checkout=many)

    # then
    assert (len(one_lines), len(many_lines)) == (1, 1 + len(product_list))
    assert len(one_queries.captured_queries) == len(many_queries.captured_queries) == 2
    assert [line["product_name"] for line in many_lines] == [
        "Test product",
        *[product.name for product in product_list],
    ]


def test_line_without_a_calculated_price_shows_the_listed_price(cart_recovery, shopper_checkout):
    # given: a line Saleor has not priced yet (added, never shown)
    checkout = shopper_checkout(cart_recovery, quantity=3)
    CheckoutLine.objects.filter(checkout=checkout).update(
        total_price_gross_amount=0, total_price_net_amount=0
    )

    # when
    [line] = checkout_lines_payload(checkout=checkout)

    # then: the variant's price in the channel (10.00) times the quantity
    assert line["quantity"] == 3
    assert line["unit_price_gross_amount"] == "10.00"
    assert line["total_gross_amount"] == "30.00"


@pytest.mark.parametrize(
    ("discount_type", "value", "scope", "description"),
    [
        ("percentage", Decimal("10.000"), "items", "10 % off your items"),
        ("percentage", Decimal("12.500"), "order", "12.5 % off"),
        ("fixed", Decimal("5.000"), "items", "5.00 USD off each item"),
        ("fixed", Decimal("5.000"), "order", "5.00 USD off"),
        ("free_shipping", Decimal("0.000"), "order", "free shipping"),
    ],
)
def test_offer_description(discount_type, value, scope, description):
    # given
    offer = CartRecoveryOffer(discount_type=discount_type, value=value, scope=scope)

    # when
    text = offer_description(offer, "USD")

    # then
    assert text == description
