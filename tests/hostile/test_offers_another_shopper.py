"""Hostile shoppers after someone else's recovery code, through /graphql/ only.

A recovery code is visible and usable in the checkout it was issued for (the token in
the reminder's link) or by the signed-in owner of that checkout; typing the victim's
e-mail into a new checkout gives nothing. Every attempt ends with Saleor's voucher
usage and the offer's state agreeing.
"""

import pytest
from saleor.order.models import Order

from saleor_crm_plugin.carts.models import OfferStatus
from tests.carts.shopper_graphql import (
    checkout_create,
    checkout_crm_offers,
    checkout_deliver_and_complete,
    offer_code_state,
    promo_code_add,
)

REFUSED = [
    {
        "field": "voucherCode",
        "code": "VOUCHER_NOT_APPLICABLE",
        "message": "This offer code was issued for another checkout.",
    }
]


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
    assert offer_code_state(victim_offer) == (0, True, OfferStatus.LIVE, None)


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
    assert offer_code_state(victim_offer) == (0, True, OfferStatus.LIVE, None)


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
    assert offer_code_state(customer_offer) == (0, True, OfferStatus.LIVE, None)


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
    assert offer_code_state(victim_offer) == (1, False, OfferStatus.USED, order.pk)


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
    assert offer_code_state(customer_offer) == (1, False, OfferStatus.USED, order.pk)
