"""A cart reminder's unsubscribe links, from a real SMTP server back to the shop over HTTP.

Each reminder carries ``List-Unsubscribe`` (the one-click URL) and
``List-Unsubscribe-Post`` (RFC 8058); the links name a pseudonym, never the e-mail.
"""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings
from freezegun import freeze_time
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.consent.actions import marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentSource, MarketingConsent, MarketingRecipient
from saleor_crm_plugin.consent.unsubscribe import UNSUBSCRIBE_TOKEN_MAX_AGE
from tests.consent.unsubscribe_helpers import decoded_parts, written
from tests.fixtures.carts import sweep
from tests.graphql.carts.test_crm_unsubscribe import CRM_UNSUBSCRIBE

START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
SENT_AT = START + datetime.timedelta(hours=1, minutes=6)
SHOP = "https://shop.example.com"
EMAIL = "ann.secret@example.com"


@pytest.fixture
def reminder(cart_recovery, shopper_checkout, smtp_server):
    """Ann (who consented) was sent the first reminder of her cart, on an HTTPS shop."""
    with override_settings(PUBLIC_URL=SHOP), freeze_time(START) as frozen:
        marketing_consent_set(email=EMAIL, granted=True, source=ConsentSource.CUSTOMER)
        shopper_checkout(cart_recovery, email=EMAIL)
        frozen.move_to(SENT_AT)
        sweep()
    [message] = smtp_server.messages
    return message


def header_url(message: dict) -> str:
    """The URL of ``List-Unsubscribe: <…>`` (folded onto its own line: it is long)."""
    return re.fullmatch(r"<([^>]+)>", message["headers"]["List-Unsubscribe"].strip())[1]


def header_token(message: dict) -> str:
    return parse_qs(urlsplit(header_url(message)).query)["token"][0]


def path_of(url: str) -> str:
    """What an HTTP client sends as the request target (the shop is this test server)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def post_one_click(client, url: str):
    return client.post(
        path_of(url),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )


def test_reminder_carries_the_one_click_unsubscribe_headers(reminder):
    # then
    recipient = MarketingRecipient.objects.get()
    token = header_token(reminder)
    assert header_url(reminder).startswith(f"{SHOP}/plugins/saleor.crm/unsubscribe?token=")
    assert reminder["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert recipient.email == EMAIL
    # the body's storefront link carries the same token
    assert f"https://shop.example.com/unsubscribe?token={token}" in reminder["html"]
    assert str(recipient.pk).encode() in decoded_parts(token)[0]


def test_the_links_hold_no_readable_email(reminder):
    # given
    url = header_url(reminder)
    token = header_token(reminder)

    # then: neither the URL nor any decoded part of its token names Ann
    assert "ann" not in url.lower()
    assert not any(b"ann" in part.lower() for part in decoded_parts(token))
    assert not any(b"example.com" in part.lower() for part in decoded_parts(token))


def test_posting_one_click_to_the_header_url_withdraws_consent_once(reminder, client):
    # when: the mailbox provider's unsubscribe button, pressed twice
    with freeze_time(SENT_AT + datetime.timedelta(days=2)):
        first = post_one_click(client, header_url(reminder))
    with freeze_time(SENT_AT + datetime.timedelta(days=3)):
        again = post_one_click(client, header_url(reminder))

    # then
    assert (first.status_code, again.status_code) == (200, 200)
    consent = MarketingConsent.objects.get()
    assert (consent.email, consent.granted, consent.source) == (
        EMAIL,
        False,
        ConsentSource.UNSUBSCRIBE_LINK,
    )
    assert consent.unsubscribed_at == SENT_AT + datetime.timedelta(days=2)


def test_following_the_header_url_unsubscribes_no_one(reminder, client):
    # given
    before = written()

    # when: a link scanner fetches the URL
    with freeze_time(SENT_AT + datetime.timedelta(minutes=1)):
        response = client.get(path_of(header_url(reminder)))

    # then
    assert response.status_code == 200
    assert written() == before
    assert MarketingConsent.objects.get().granted is True


def test_a_forged_header_url_is_refused_and_writes_nothing(reminder, client):
    # given: the token's last character changed
    url = header_url(reminder)
    forged = url[:-1] + ("A" if url[-1] != "A" else "B")
    before = written()

    # when
    with freeze_time(SENT_AT + datetime.timedelta(days=1)):
        response = post_one_click(client, forged)

    # then
    assert response.status_code == 400
    assert written() == before


def test_the_header_url_expires_with_its_token(reminder, client):
    # given
    before = written()

    # when
    with freeze_time(SENT_AT + UNSUBSCRIBE_TOKEN_MAX_AGE + datetime.timedelta(seconds=1)):
        response = post_one_click(client, header_url(reminder))

    # then
    assert response.status_code == 400
    assert written() == before


def test_the_storefront_mutation_takes_the_reminders_token(reminder, api_client):
    # given: the storefront page of the body's link
    token = re.search(r'https://shop\.example\.com/unsubscribe\?token=([^"]+)"', reminder["html"])[
        1
    ]

    # when
    with freeze_time(SENT_AT + datetime.timedelta(days=1)):
        response = api_client.post_graphql(CRM_UNSUBSCRIBE, {"token": token})

    # then
    data = get_graphql_content(response)["data"]["crmUnsubscribe"]
    assert data == {"email": EMAIL, "errors": []}
    assert MarketingConsent.objects.get().granted is False


def test_a_shop_without_https_gets_no_one_click_header(
    cart_recovery, shopper_checkout, smtp_server
):
    # given: RFC 8058 allows only an HTTPS URL to be posted to
    with override_settings(PUBLIC_URL="http://shop.example.com"), freeze_time(START) as frozen:
        shopper_checkout(cart_recovery, email=EMAIL)
        frozen.move_to(SENT_AT)

        # when
        sweep()

    # then
    [message] = smtp_server.messages
    assert header_url(message).startswith("http://shop.example.com/plugins/saleor.crm/unsubscribe")
    assert "List-Unsubscribe-Post" not in message["headers"]
