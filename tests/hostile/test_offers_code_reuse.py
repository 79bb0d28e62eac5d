"""A recovery code moved between checkouts, used twice, or raced, through /graphql/ only.

Each attempt ends with Saleor's voucher usage and the offer's state agreeing: one use,
one order, the offer ``used`` by that order, or nothing consumed at all.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection, connections
from saleor.order.models import Order

from saleor_crm_plugin.carts.models import OfferStatus
from tests.carts.shopper_graphql import (
    checkout_create,
    checkout_deliver_and_complete,
    offer_code_state,
    promo_code_add,
)

ISSUED_FOR_ANOTHER_CHECKOUT = [
    {
        "field": "voucherCode",
        "code": "VOUCHER_NOT_APPLICABLE",
        "message": "This offer code was issued for another checkout.",
    }
]


def test_a_guest_moving_the_code_to_a_new_checkout_is_refused_and_can_move_it_back(
    victim_offer, recovery_channel, checkout_with_item, api_client, address, shipping_method
):
    # given: the guest applied the code on their cart, then starts another checkout
    # (same e-mail) and moves the code there
    token = str(checkout_with_item.token)
    assert promo_code_add(api_client, token, victim_offer.code)["errors"] == []
    variant = checkout_with_item.lines.get().variant
    moved = checkout_create(
        api_client, recovery_channel, variant, address=address, email="user@email.com"
    )
    assert promo_code_add(api_client, moved["token"], victim_offer.code)["errors"] == []

    # when
    refused = checkout_deliver_and_complete(
        api_client, moved["token"], shipping_method, address=address
    )
    completed = checkout_deliver_and_complete(api_client, token, shipping_method, address=address)

    # then
    assert refused == {"order": None, "errors": ISSUED_FOR_ANOTHER_CHECKOUT}
    assert completed["errors"] == []
    order = Order.objects.get()
    assert order.checkout_token == token
    assert offer_code_state(victim_offer) == (1, False, OfferStatus.USED, order.pk)


def test_the_code_cannot_be_used_twice(
    customer_offer,
    recovery_channel,
    checkout_with_item,
    user_api_client,
    address,
    shipping_method,
):
    # given: the customer completed with the code
    token = str(checkout_with_item.token)
    assert promo_code_add(user_api_client, token, customer_offer.code)["errors"] == []
    first = checkout_deliver_and_complete(user_api_client, token, shipping_method, address=address)
    assert first["errors"] == []
    order = Order.objects.get()
    variant = order.lines.first().variant
    again = checkout_create(user_api_client, recovery_channel, variant, address=address)

    # when
    data = promo_code_add(user_api_client, again["token"], customer_offer.code)

    # then: Saleor no longer knows the code as usable
    assert data["checkout"] is None
    assert [(error["field"], error["code"]) for error in data["errors"]] == [
        ("promoCode", "INVALID")
    ]
    assert Order.objects.count() == 1
    assert offer_code_state(customer_offer) == (1, False, OfferStatus.USED, order.pk)


@pytest.mark.django_db(transaction=True)
def test_two_checkouts_racing_with_the_code_make_one_discounted_order(
    customer_offer,
    recovery_channel,
    checkout_with_item,
    user_api_client,
    address,
    shipping_method,
):
    # given: the customer's abandoned cart and a second checkout both carry the code
    first = str(checkout_with_item.token)
    variant = checkout_with_item.lines.get().variant
    second = checkout_create(user_api_client, recovery_channel, variant, address=address)["token"]
    for token in (first, second):
        assert promo_code_add(user_api_client, token, customer_offer.code)["errors"] == []
    start = threading.Barrier(2)
    answers, errors = {}, []

    def complete(token):
        connections[settings.DATABASE_CONNECTION_REPLICA_NAME] = connection
        try:
            start.wait()
            answers[token] = checkout_deliver_and_complete(
                user_api_client, token, shipping_method, address=address
            )
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=complete, args=(token,)) for token in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then: one order used the code; Saleor completes the other without it (or not at all)
    assert errors == []
    assert all(answer["errors"] == [] or answer["order"] is None for answer in answers.values())
    orders = list(Order.objects.all())
    discounted = [order for order in orders if order.voucher_code == customer_offer.code]
    assert len(discounted) == 1
    assert [order.voucher_code for order in orders if order not in discounted] in ([], [None])
    assert offer_code_state(customer_offer) == (1, False, OfferStatus.USED, discounted[0].pk)
