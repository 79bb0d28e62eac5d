"""The offer code through Saleor's real checkoutComplete: bound to one e-mail, used once."""

from decimal import Decimal

import pytest
from django.utils import timezone
from saleor.checkout.models import Checkout
from saleor.discount.models import VoucherCode, VoucherCustomer
from saleor.order.models import Order

from saleor_crm_plugin.carts import offers
from saleor_crm_plugin.carts.models import AbandonedStatus, CartRecoveryOffer, OfferStatus
from tests.carts.checkout_helpers import (
    checkout_pay_legacy_and_complete,
    checkout_create,
    checkout_pay_and_complete,
    promo_code_add,
)
from saleor_crm_plugin.config import OfferSpec
from tests.fixtures.cart_offers import TEN_PERCENT_ITEMS


@pytest.fixture
def offer(recovery_channel, checkout_with_item, abandoned_from_checkout):
    """A live 10 % offer on the items of user@email.com's abandoned checkout."""
    abandoned = abandoned_from_checkout(checkout_with_item, sent_stages=[1, 2])
    return offers.recovery_offer_issue(
        abandoned=abandoned, spec=TEN_PERCENT_ITEMS, now=timezone.now()
    )


def _code_state(code: str) -> tuple[int, bool]:
    voucher_code = VoucherCode.objects.get(code=code)
    return voucher_code.used, voucher_code.is_active


def test_another_checkout_cannot_complete_with_the_code_and_nothing_is_consumed(
    offer, recovery_channel, checkout_with_item, api_client, address, checkout_delivery
):
    # given: someone else's checkout with the same product and the code applied
    variant = checkout_with_item.lines.get().variant
    other = checkout_create(recovery_channel, variant, email="Someone.Else@example.com")
    assert promo_code_add(api_client, other, offer.code)["errors"] == []

    # when
    data = checkout_pay_and_complete(
        api_client, other, address=address, delivery=checkout_delivery(other)
    )

    # then
    assert data["order"] is None
    assert data["errors"] == [
        {
            "field": "voucherCode",
            "code": "VOUCHER_NOT_APPLICABLE",
            "message": "This offer code was issued for another checkout.",
        }
    ]
    assert Order.objects.count() == 0
    assert Checkout.objects.filter(pk=other.pk).exists()
    assert _code_state(offer.code) == (0, True)
    assert VoucherCustomer.objects.count() == 0
    offer.refresh_from_db()
    assert (offer.status, offer.used_order_id) == (OfferStatus.LIVE, None)


def test_the_shopper_completes_with_the_code(
    offer, checkout_with_item, api_client, address, checkout_delivery
):
    # given
    undiscounted = checkout_with_item.lines.get().undiscounted_unit_price_amount * 3
    assert promo_code_add(api_client, checkout_with_item, offer.code)["errors"] == []

    # when
    data = checkout_pay_and_complete(
        api_client,
        checkout_with_item,
        address=address,
        delivery=checkout_delivery(checkout_with_item),
    )

    # then
    assert data["errors"] == []
    order = Order.objects.get()
    assert order.voucher_code == offer.code
    assert order.subtotal_net_amount == undiscounted * 9 / 10
    assert _code_state(offer.code) == (1, False)
    offer.refresh_from_db()
    assert (offer.status, offer.used_order_id) == (OfferStatus.USED, order.pk)
    abandoned = offer.abandoned
    abandoned.refresh_from_db()
    assert abandoned.status == AbandonedStatus.RECOVERED
    assert abandoned.order_id == order.pk
    assert abandoned.order_total_amount == order.total_gross_amount
    assert abandoned.discount_amount == undiscounted / 10


def test_the_code_cannot_be_used_twice(
    offer, recovery_channel, checkout_with_item, api_client, address, checkout_delivery
):
    # given: the shopper applied the code to two checkouts before using it
    variant = checkout_with_item.lines.get().variant
    second = checkout_create(recovery_channel, variant, email="user@email.com")
    assert promo_code_add(api_client, checkout_with_item, offer.code)["errors"] == []
    assert promo_code_add(api_client, second, offer.code)["errors"] == []
    first = checkout_pay_and_complete(
        api_client,
        checkout_with_item,
        address=address,
        delivery=checkout_delivery(checkout_with_item),
    )
    assert first["errors"] == []

    # when
    data = checkout_pay_and_complete(
        api_client, second, address=address, delivery=checkout_delivery(second)
    )

    # then
    assert data["order"] is None
    assert [(error["field"], error["code"]) for error in data["errors"]] == [
        ("voucherCode", "VOUCHER_NOT_APPLICABLE")
    ]
    assert Order.objects.count() == 1
    assert _code_state(offer.code) == (1, False)


def test_an_offer_no_longer_live_is_refused_even_with_an_active_code(
    offer, checkout_with_item, api_client, address, checkout_delivery
):
    # given: the offer was revoked, but staff turned its code back on in the Dashboard
    assert promo_code_add(api_client, checkout_with_item, offer.code)["errors"] == []
    CartRecoveryOffer.objects.filter(pk=offer.pk).update(status=OfferStatus.REVOKED)

    # when
    data = checkout_pay_and_complete(
        api_client,
        checkout_with_item,
        address=address,
        delivery=checkout_delivery(checkout_with_item),
    )

    # then
    assert data["order"] is None
    assert data["errors"] == [
        {
            "field": "voucherCode",
            "code": "VOUCHER_NOT_APPLICABLE",
            "message": "This offer code is no longer valid.",
        }
    ]
    assert Order.objects.count() == 0
    assert _code_state(offer.code) == (0, True)


def test_payment_flow_refusal_gives_back_the_use_saleor_counted(
    offer,
    recovery_channel,
    checkout_with_item,
    api_client,
    address,
    checkout_delivery,
    payment_dummy,
    settings,
):
    # given: Saleor's legacy payment flow counts the code as used before the plugin
    # hook runs, and keeps it used on a ValidationError
    settings.PLUGINS = [
        "saleor_crm_plugin.plugin.CRMPlugin",
        "saleor.payment.gateways.dummy.plugin.DeprecatedDummyGatewayPlugin",
    ]
    variant = checkout_with_item.lines.get().variant
    other = checkout_create(recovery_channel, variant, email="someone.else@example.com")
    assert promo_code_add(api_client, other, offer.code)["errors"] == []
    orders = Order.objects.count()  # payment_dummy comes with an order of its own

    # when
    data = checkout_pay_legacy_and_complete(
        api_client, other, payment_dummy, address=address, delivery=checkout_delivery(other)
    )

    # then
    assert data["order"] is None
    assert [(error["field"], error["code"]) for error in data["errors"]] == [
        ("voucherCode", "VOUCHER_NOT_APPLICABLE")
    ]
    assert Order.objects.count() == orders
    assert _code_state(offer.code) == (0, True)
    other.refresh_from_db()
    assert other.is_voucher_usage_increased is False
    assert offer.voucher.codes.get().customers.count() == 0


def test_buying_without_the_code_revokes_the_offer(
    offer, recovery_channel, checkout_with_item, api_client, address, checkout_delivery
):
    # given: the shopper buys another checkout without the code
    variant = checkout_with_item.lines.get().variant
    other = checkout_create(recovery_channel, variant, email="user@email.com")

    # when
    data = checkout_pay_and_complete(
        api_client, other, address=address, delivery=checkout_delivery(other)
    )

    # then
    assert data["errors"] == []
    offer.refresh_from_db()
    assert (offer.status, offer.revoked_reason) == (OfferStatus.REVOKED, "purchased_otherwise")
    assert _code_state(offer.code) == (0, False)
    assert [
        error["code"]
        for error in promo_code_add(api_client, checkout_with_item, offer.code)["errors"]
    ] == ["INVALID"]
    abandoned = offer.abandoned
    abandoned.refresh_from_db()
    assert (abandoned.status, abandoned.order_id) == (AbandonedStatus.PURCHASED_ELSEWHERE, None)


def test_settling_again_revokes_nothing_new(
    offer,
    recovery_channel,
    checkout_with_item,
    api_client,
    address,
    checkout_delivery,
    abandoned_row,
):
    # given: an order revoked the offer; later the shopper abandons a cart again
    variant = checkout_with_item.lines.get().variant
    other = checkout_create(recovery_channel, variant, email="user@email.com")
    checkout_pay_and_complete(api_client, other, address=address, delivery=checkout_delivery(other))
    order = Order.objects.get()
    later = offers.recovery_offer_issue(
        abandoned=abandoned_row(recovery_channel, email="user@email.com"),
        spec=OfferSpec("fixed", Decimal(5), "order", 86400),
        now=timezone.now(),
    )

    # when: the order's task runs again
    offers.recovery_offers_settle(order_id=str(order.pk))

    # then
    offer.refresh_from_db()
    later.refresh_from_db()
    assert (offer.status, later.status) == (OfferStatus.REVOKED, OfferStatus.LIVE)
    assert _code_state(later.code) == (0, True)


@pytest.mark.parametrize(
    ("spec", "voucher_code_type"),
    [
        (OfferSpec("fixed", Decimal(5), "order", 86400), "entire_order"),
        (OfferSpec("free_shipping", Decimal(0), "order", 86400), "shipping"),
    ],
)
def test_order_level_offers_and_their_cost(
    spec,
    voucher_code_type,
    recovery_channel,
    checkout_with_item,
    abandoned_from_checkout,
    api_client,
    address,
    checkout_delivery,
):
    # given
    abandoned = abandoned_from_checkout(checkout_with_item, sent_stages=[1, 2])
    offer = offers.recovery_offer_issue(abandoned=abandoned, spec=spec, now=timezone.now())
    assert offer.voucher.type == voucher_code_type
    # a shipping voucher needs the delivery chosen first, as on a storefront
    delivery = checkout_delivery(checkout_with_item)
    checkout_with_item.shipping_address = address
    checkout_with_item.assigned_delivery = delivery
    checkout_with_item.save()
    assert promo_code_add(api_client, checkout_with_item, offer.code)["errors"] == []

    # when
    data = checkout_pay_and_complete(
        api_client,
        checkout_with_item,
        address=address,
        delivery=delivery,
    )

    # then: the cost is what Saleor's voucher discount took off the order
    assert data["errors"] == []
    order = Order.objects.get()
    voucher_discount = order.discounts.get(voucher_code=offer.code)
    abandoned.refresh_from_db()
    assert abandoned.status == AbandonedStatus.RECOVERED
    assert abandoned.discount_amount == voucher_discount.amount_value
    assert voucher_discount.amount_value == (
        Decimal(5)
        if spec.discount_type == "fixed"
        else order.undiscounted_base_shipping_price_amount
    )
    assert voucher_discount.amount_value > 0
