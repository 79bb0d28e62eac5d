"""`crmCartRestore(token:)`: the signed link of a reminder e-mail, no login needed.

Forged, altered and expired links: tests/hostile/test_offers_forged_tokens.py.
"""

import datetime
import re
from urllib.parse import unquote

import pytest
from freezegun import freeze_time

from saleor_crm_plugin.carts.models import CartRecoveryOffer
from tests.carts.shopper_graphql import cart_restore
from tests.fixtures.carts import sweep
from tests.graphql.carts.utils import EVERYONE, written_rows

START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize("requester", EVERYONE, indirect=True)
def test_the_link_of_the_offer_email_restores_the_cart_and_its_code(
    requester, cart_recovery, shopper_checkout, smtp_server, customer_user
):
    # given: a customer's cart reached the offer stage; the e-mail carries the link
    cart_recovery.configure(cart_offer_template='<a href="{{checkout.restore_url}}">Back</a>')
    with freeze_time(START) as frozen:
        checkout = shopper_checkout(cart_recovery, email=customer_user.email, user=customer_user)
        frozen.move_to(START + datetime.timedelta(hours=24.1))
        sweep()
        offer = CartRecoveryOffer.objects.get()
        link = re.search(r'href="([^"]+)"', smtp_server.messages[0]["html"])[1]
        assert link.startswith(f"https://shop.example.com/checkout/{checkout.token}?crm=")
        rows = written_rows()
        frozen.move_to(START + datetime.timedelta(hours=30))

        # when
        data = cart_restore(requester, unquote(link.split("?crm=")[1]))

    # then
    assert data == {
        "checkout": {"id": data["checkout"]["id"], "token": str(checkout.token)},
        "offer": {
            "kind": "CART_RECOVERY",
            "code": offer.code,
            "description": "10 % off your items",
            "expiresAt": offer.ends_at.isoformat(),
        },
        "errors": [],
    }
    assert written_rows() == rows
