"""One-click unsubscribe over HTTP (RFC 8058), through Saleor's real plugin URLs."""

import datetime
from urllib.parse import urlencode

import pytest
from freezegun import freeze_time

from saleor_crm_plugin.consent.actions import marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentSource, MarketingConsent
from saleor_crm_plugin.consent.unsubscribe import (
    UNSUBSCRIBE_TOKEN_MAX_AGE,
    unsubscribe_token_make,
)
from tests.fixtures.plugin import configure_crm

from .unsubscribe_helpers import FORGERIES, written

URL = "/plugins/saleor.crm/unsubscribe"
ONE_CLICK = "List-Unsubscribe=One-Click"
INVALID_PAGE = "<p>This unsubscribe link is not valid or has expired.</p>"


def url(token: str, base: str = URL) -> str:
    return f"{base}?{urlencode({'token': token})}"


def one_click(client, token: str, *, base: str = URL):
    """POST as a mailbox provider does (RFC 8058): the form body, no cookie, no login."""
    return client.post(
        url(token, base), data=ONE_CLICK, content_type="application/x-www-form-urlencoded"
    )


def consent_row() -> tuple:
    consent = MarketingConsent.objects.get()
    return consent.email, consent.granted, consent.source, consent.unsubscribed_at


@pytest.fixture
def ann(channel_USD):
    """Ann consented; the CRM's plugin answers under /plugins/saleor.crm/ (a channel exists)."""
    marketing_consent_set(email="ann@example.com", granted=True, source=ConsentSource.CUSTOMER)
    return unsubscribe_token_make(email="ann@example.com")


def test_one_click_post_withdraws_consent_once(client, ann):
    # when
    with freeze_time("2026-03-02 10:00:00"):
        first = one_click(client, ann)
    with freeze_time("2026-03-03 10:00:00"):
        again = one_click(client, ann)

    # then
    assert (first.status_code, again.status_code) == (200, 200)
    assert first["Cache-Control"] == "no-store"
    assert "You will no longer receive marketing e-mail" in first.content.decode()
    assert consent_row() == (
        "ann@example.com",
        False,
        ConsentSource.UNSUBSCRIBE_LINK,
        datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC),
    )


def test_the_confirmation_pages_multipart_form_is_accepted_too(client, ann):
    # when: the page's button (a browser may send the form as multipart)
    response = client.post(url(ann), data={"List-Unsubscribe": "One-Click"})

    # then
    assert response.status_code == 200
    assert consent_row()[1:3] == (False, ConsentSource.UNSUBSCRIBE_LINK)


@pytest.mark.parametrize("method", ["get", "head"])
def test_following_the_link_asks_and_unsubscribes_no_one(client, ann, method):
    # given: a link scanner or prefetcher follows the link
    before = written()

    # when
    response = getattr(client, method)(url(ann))

    # then
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert written() == before
    if method == "get":
        page = response.content.decode()
        assert f'<form method="post" action="?{urlencode({"token": ann})}">' in page
        assert '<input type="hidden" name="List-Unsubscribe" value="One-Click">' in page
        assert "ann@example.com" not in page


@pytest.mark.parametrize("body", ["", "List-Unsubscribe=Yes", "unsubscribe=1"])
def test_a_post_without_the_one_click_field_unsubscribes_no_one(client, ann, body):
    # given
    before = written()

    # when
    response = client.post(url(ann), data=body, content_type="application/x-www-form-urlencoded")

    # then
    assert response.status_code == 400
    assert written() == before


@pytest.mark.parametrize("forgery", list(FORGERIES))
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_token_gets_the_same_400_and_writes_nothing(client, ann, forgery, method):
    # given
    token = FORGERIES[forgery](ann)
    before = written()

    # when
    if method == "post":
        response = one_click(client, token)
    else:
        response = client.get(url(token))

    # then
    assert response.status_code == 400
    assert INVALID_PAGE in response.content.decode()
    assert written() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_token_gets_the_same_400_and_writes_nothing(client, channel_USD, method):
    # given
    sent = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
    with freeze_time(sent):
        token = unsubscribe_token_make(email="ann@example.com")
    before = written()

    # when
    with freeze_time(sent + UNSUBSCRIBE_TOKEN_MAX_AGE + datetime.timedelta(days=1)):
        response = one_click(client, token) if method == "post" else client.get(url(token))

    # then
    assert response.status_code == 400
    assert INVALID_PAGE in response.content.decode()
    assert written() == before


def test_other_methods_are_not_allowed(client, ann):
    # given
    before = written()

    # when
    response = client.put(url(ann), data=ONE_CLICK)

    # then
    assert response.status_code == 405
    assert written() == before


def test_the_link_works_in_a_channel_whose_programme_is_off(client, channel_USD, ann):
    # given: the programme was switched off after the message was sent
    configure_crm(channel_USD, active=False)

    # when
    response = one_click(client, ann)

    # then
    assert response.status_code == 200
    assert consent_row()[1] is False


def test_the_channels_own_url_answers_while_its_programme_is_active(client, channel_USD, ann):
    # given
    configure_crm(channel_USD)

    # when
    response = one_click(
        client, ann, base=f"/plugins/channel/{channel_USD.slug}/saleor.crm/unsubscribe"
    )

    # then
    assert response.status_code == 200
    assert consent_row()[1] is False
