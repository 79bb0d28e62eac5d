"""The reminder payload: the cart's lines and totals, read without touching the checkout."""

from decimal import Decimal

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from saleor.checkout.fetch import fetch_checkout_info
from saleor.checkout.models import CheckoutLine
from saleor.checkout.tests.utils import add_variant_to_checkout
from freezegun import freeze_time
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.carts.messages import (
    cart_message_payload,
    checkout_lines_payload,
    offer_description,
)
from saleor_crm_plugin.carts.models import AbandonedCheckout, CartRecoveryOffer
from saleor_crm_plugin.config import DEFAULT_CONFIG, VARIABLES
from saleor_crm_plugin.config.templates import SAMPLE_PAYLOAD
from tests.fixtures.carts import sweep


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


def _variables(value: dict, prefix: str = "") -> set[str]:
    names = set()
    for key, item in value.items():
        if isinstance(item, list):
            names |= _variables(item[0], f"{prefix}{key}[].")
        elif isinstance(item, dict):
            names |= _variables(item, f"{prefix}{key}.")
        else:
            names.add(f"{prefix}{key}")
    return names


def test_templates_are_checked_with_a_sample_shaped_as_the_payload(cart_recovery, shopper_checkout):
    # given: a cart at its offer stage, with its code issued
    start = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
    with freeze_time(start) as frozen:
        checkout = shopper_checkout(cart_recovery)
        frozen.move_to(start + datetime.timedelta(hours=24.1))
        sweep()

        # when
        payload = cart_message_payload(
            abandoned=AbandonedCheckout.objects.get(),
            checkout=checkout,
            stage=DEFAULT_CONFIG.carts.stages[1],
            offer=CartRecoveryOffer.objects.get(),
        )

    # then: the variables a saved template may use are those the e-mail gets
    assert _variables(payload) == _variables(SAMPLE_PAYLOAD) == set(VARIABLES)
