"""Hostile shoppers after someone else's recovery code, through /graphql/ only.

A recovery code is visible and usable in the checkout it was issued for (the token in
the reminder's link) or by the signed-in owner of that checkout; typing the victim's
e-mail into a new checkout gives nothing. Every attempt ends with Saleor's voucher
usage and the offer's state agreeing.
"""

import pytest
from django.utils import timezone
from saleor.discount.models import VoucherCode
from saleor.order.models import Order

from saleor_crm_plugin.carts import offers
from saleor_crm_plugin.carts.models import CartRecoveryOffer, OfferStatus
from tests.carts.shopper_graphql import (
    allow_unpaid_orders,
    checkout_create,
    checkout_crm_offers,
    checkout_deliver_and_complete,
    promo_code_add,
)
from tests.fixtures.cart_offers import TEN_PERCENT_ITEMS

REFUSED = [
    {
        "field": "voucherCode",
        "code": "VOUCHER_NOT_APPLICABLE",
        "message": "This offer code was issued for another checkout.",
    }
]


def code_state(offer) -> tuple:
    """(Saleor's uses of the code, code active, our offer's status, order it was used in)."""
    voucher_code = VoucherCode.objects.get(code=offer.code)
    offer = CartRecoveryOffer.objects.get(pk=offer.pk)
    return voucher_code.used, voucher_code.is_active, offer.status, offer.used_order_id


@pytest.fixture
def victim_offer(recovery_channel, checkout_with_item, abandoned_from_checkout, shipping_method):
    """The guest user@email.com left checkout_with_item and was e-mailed a 10 % code."""
    allow_unpaid_orders(recovery_channel)
    abandoned = abandoned_from_checkout(checkout_with_item, sent_stages=[1, 2])
    return offers.recovery_offer_issue(
        abandoned=abandoned, spec=TEN_PERCENT_ITEMS, now=timezone.now()
    )


@pytest.fixture
def customer_offer(
    recovery_channel, checkout_with_item, customer_user, abandoned_from_checkout, shipping_method
):
    """The customer (user@email.com, signed in) left checkout_with_item and got a code."""
    allow_unpaid_orders(recovery_channel)
    checkout_with_item.user = customer_user
    checkout_with_item.save(update_fields=["user"])
    abandoned = abandoned_from_checkout(checkout_with_item, sent_stages=[1, 2])
    return offers.recovery_offer_issue(
        abandoned=abandoned, spec=TEN_PERCENT_ITEMS, now=timezone.now()
    )


def test_a_checkout_with_the_victims_email_shows_no_code(
    victim_offer, recovery_channel, checkout_with_item, api_client, address
):
    # given: a stranger types the victim's e-mail into a new checkout
    variant = checkout_with_item.lines.get().variant
    attacker = checkout_create(
        api_client, recovery_channel, variant, address=address, email="User@Email.com"
    )

    # when
    found = checkout_crm_offers(api_client, attacker["token"])

    # then
    assert found == []
    assert code_state(victim_offer) == (0, True, OfferStatus.LIVE, None)


@pytest.mark.parametrize("email", ["user@email.com", "attacker@example.com"])
def test_a_leaked_code_does_not_complete_another_checkout(
    email, victim_offer, recovery_channel, checkout_with_item, api_client, address, shipping_method
):
    # given: the stranger knows the code and applies it (Saleor itself accepts it)
    variant = checkout_with_item.lines.get().variant
    attacker = checkout_create(api_client, recovery_channel, variant, address=address, email=email)
    assert promo_code_add(api_client, attacker["token"], victim_offer.code)["errors"] == []

    # when
    data = checkout_deliver_and_complete(
        api_client, attacker["token"], shipping_method, address=address
    )

    # then
    assert data == {"order": None, "errors": REFUSED}
    assert Order.objects.count() == 0
    assert code_state(victim_offer) == (0, True, OfferStatus.LIVE, None)


def test_another_signed_in_customer_cannot_use_the_code(
    customer_offer, recovery_channel, checkout_with_item, user2_api_client, address, shipping_method
):
    # given
    variant = checkout_with_item.lines.get().variant
    attacker = checkout_create(user2_api_client, recovery_channel, variant, address=address)
    assert checkout_crm_offers(user2_api_client, attacker["token"]) == []
    assert promo_code_add(user2_api_client, attacker["token"], customer_offer.code)["errors"] == []

    # when
    data = checkout_deliver_and_complete(
        user2_api_client, attacker["token"], shipping_method, address=address
    )

    # then
    assert data == {"order": None, "errors": REFUSED}
    assert Order.objects.count() == 0
    assert code_state(customer_offer) == (0, True, OfferStatus.LIVE, None)


def test_the_victim_uses_the_code_on_their_own_checkout(
    victim_offer, checkout_with_item, api_client, address, shipping_method
):
    # given: the reminder's link carries the checkout's token
    token = str(checkout_with_item.token)
    assert [offer["code"] for offer in checkout_crm_offers(api_client, token)] == [
        victim_offer.code
    ]
    assert promo_code_add(api_client, token, victim_offer.code)["errors"] == []

    # when
    data = checkout_deliver_and_complete(api_client, token, shipping_method, address=address)

    # then
    assert data["errors"] == []
    order = Order.objects.get()
    assert (data["order"]["voucherCode"], order.checkout_token) == (victim_offer.code, token)
    assert code_state(victim_offer) == (1, False, OfferStatus.USED, order.pk)


def test_the_signed_in_owner_sees_and_uses_the_code_in_a_new_checkout(
    customer_offer, recovery_channel, checkout_with_item, user_api_client, address, shipping_method
):
    # given: the customer starts over on another device
    variant = checkout_with_item.lines.get().variant
    mine = checkout_create(user_api_client, recovery_channel, variant, address=address)
    assert [offer["code"] for offer in checkout_crm_offers(user_api_client, mine["token"])] == [
        customer_offer.code
    ]
    assert promo_code_add(user_api_client, mine["token"], customer_offer.code)["errors"] == []

    # when
    data = checkout_deliver_and_complete(
        user_api_client, mine["token"], shipping_method, address=address
    )

    # then
    assert data["errors"] == []
    order = Order.objects.get()
    assert data["order"]["voucherCode"] == customer_offer.code
    assert code_state(customer_offer) == (1, False, OfferStatus.USED, order.pk)
