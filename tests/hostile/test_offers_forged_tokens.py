"""Forged, altered and expired cart links and unsubscribe tokens, through /graphql/ only.

The reminder's signed cart link (``crmCartRestore``) restores the cart and shows its
code even to a signed-out customer; nothing else does. A token of one kind is never
accepted as the other. Each attempt ends with Saleor's voucher usage and the offer's
state unchanged, and nothing written.
"""

import datetime
import uuid

import pytest
from django.core import signing
from django.utils import timezone
from freezegun import freeze_time

from saleor_crm_plugin.carts.models import OfferStatus
from saleor_crm_plugin.carts.restore import cart_restore_token_make
from saleor_crm_plugin.consent.unsubscribe import unsubscribe_token_make
from tests.carts.shopper_graphql import cart_restore, offer_code_state
from tests.graphql.carts.test_crm_unsubscribe import INVALID as INVALID_UNSUBSCRIBE
from tests.graphql.carts.test_crm_unsubscribe import unsubscribe
from tests.graphql.carts.utils import written_rows

INVALID_LINK = [
    {
        "field": "token",
        "code": "INVALID_TOKEN",
        "message": "The cart link is not valid or has expired.",
    }
]


def _signature_moved_to(token: str, payload: bytes) -> str:
    """A real token's signature on another payload."""
    signature = token.rsplit(":", 1)[1]
    return f"{signing.b64_encode(payload).decode()}:{signature}"


def _tampered(token: str) -> str:
    head, signature = token.rsplit(":", 1)
    return f"{head}:{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


@pytest.mark.parametrize("client", ["api_client", "user2_api_client"])
def test_the_signed_link_restores_the_customers_cart_and_code_when_signed_out(
    client, request, customer_offer, checkout_with_item
):
    # given: the customer opens the e-mail on a device where they are not signed in
    token = cart_restore_token_make(
        checkout_token=checkout_with_item.token, offer_id=customer_offer.pk
    )

    # when
    data = cart_restore(request.getfixturevalue(client), token)

    # then
    assert data["errors"] == []
    assert data["checkout"]["token"] == str(checkout_with_item.token)
    assert data["offer"] == {
        "kind": "CART_RECOVERY",
        "code": customer_offer.code,
        "description": "10 % off your items",
        "expiresAt": customer_offer.ends_at.isoformat(),
    }
    assert offer_code_state(customer_offer) == (0, True, OfferStatus.LIVE, None)


def _forged(kind: str, offer, checkout) -> str:
    real = cart_restore_token_make(checkout_token=checkout.token, offer_id=offer.pk)
    other_checkout = str(uuid.uuid4())
    return {
        "garbage": "not-a-token",
        "empty": "",
        "tampered": _tampered(real),
        "signature_on_another_checkout": _signature_moved_to(
            real, f'{{"checkout":"{other_checkout}","offer":{offer.pk}}}'.encode()
        ),
        "another_salt": signing.dumps(
            {"checkout": str(checkout.token), "offer": offer.pk}, salt="another.purpose"
        ),
        "unsubscribe_token": unsubscribe_token_make(email=offer.email),
        "not_a_checkout": signing.dumps(
            {"checkout": "x", "offer": offer.pk}, salt="saleor_crm.cart_restore"
        ),
        "offer_not_a_number": signing.dumps(
            {"checkout": str(checkout.token), "offer": True}, salt="saleor_crm.cart_restore"
        ),
        "not_a_dict": signing.dumps([str(checkout.token)], salt="saleor_crm.cart_restore"),
    }[kind]


@pytest.mark.parametrize(
    "kind",
    [
        "garbage",
        "empty",
        "tampered",
        "signature_on_another_checkout",
        "another_salt",
        "unsubscribe_token",
        "not_a_checkout",
        "offer_not_a_number",
        "not_a_dict",
    ],
)
def test_a_forged_cart_link_is_refused_and_shows_no_code(
    kind, victim_offer, checkout_with_item, api_client
):
    # given
    token = _forged(kind, victim_offer, checkout_with_item)
    rows = written_rows()

    # when
    data = cart_restore(api_client, token)

    # then
    assert data == {"checkout": None, "offer": None, "errors": INVALID_LINK}
    assert written_rows() == rows
    assert offer_code_state(victim_offer) == (0, True, OfferStatus.LIVE, None)


def test_a_cart_link_older_than_saleor_keeps_checkouts_is_refused(
    victim_offer, checkout_with_item, api_client, settings
):
    # given: a link made 91 days ago (Saleor deletes a checkout unchanged for 90)
    made_at = timezone.now() - datetime.timedelta(days=91)
    with freeze_time(made_at):
        token = cart_restore_token_make(
            checkout_token=checkout_with_item.token, offer_id=victim_offer.pk
        )

    # when
    data = cart_restore(api_client, token)

    # then
    assert settings.USER_CHECKOUTS_TIMEDELTA == datetime.timedelta(days=90)
    assert data == {"checkout": None, "offer": None, "errors": INVALID_LINK}
    assert offer_code_state(victim_offer) == (0, True, OfferStatus.LIVE, None)


def test_a_cart_link_to_a_deleted_checkout_is_not_found(
    victim_offer, checkout_with_item, api_client
):
    # given
    token = cart_restore_token_make(
        checkout_token=checkout_with_item.token, offer_id=victim_offer.pk
    )
    checkout_with_item.delete()

    # when
    data = cart_restore(api_client, token)

    # then
    assert data == {
        "checkout": None,
        "offer": None,
        "errors": [
            {"field": "token", "code": "NOT_FOUND", "message": "This cart no longer exists."}
        ],
    }
    assert offer_code_state(victim_offer) == (0, True, OfferStatus.LIVE, None)


def test_a_link_to_a_superseded_or_used_offer_restores_the_cart_without_a_code(
    victim_offer, checkout_with_item, api_client
):
    # given: the offer was revoked since the e-mail left
    token = cart_restore_token_make(
        checkout_token=checkout_with_item.token, offer_id=victim_offer.pk
    )
    victim_offer.status = OfferStatus.REVOKED
    victim_offer.save(update_fields=["status"])

    # when
    data = cart_restore(api_client, token)

    # then
    assert data["errors"] == []
    assert (data["checkout"]["token"], data["offer"]) == (str(checkout_with_item.token), None)


def test_a_cart_link_is_not_an_unsubscribe_token(victim_offer, checkout_with_item, api_client):
    # given
    token = cart_restore_token_make(
        checkout_token=checkout_with_item.token, offer_id=victim_offer.pk
    )
    rows = written_rows()

    # when
    data = unsubscribe(api_client, token)

    # then
    assert data == {"email": None, "errors": INVALID_UNSUBSCRIBE}
    assert written_rows() == rows
    assert offer_code_state(victim_offer) == (0, True, OfferStatus.LIVE, None)
