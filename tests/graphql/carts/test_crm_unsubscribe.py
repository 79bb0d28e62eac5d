"""`crmUnsubscribe(token:)`: the link of a CRM message, no login needed."""

import datetime

import pytest
from django.core import signing
from freezegun import freeze_time
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.consent.unsubscribe import (
    EXPIRED_MESSAGE,
    INVALID_MESSAGE,
    LEGACY_UNSUBSCRIBE_SALT,
    UNSUBSCRIBE_TOKEN_MAX_AGE,
    unsubscribe_token_make,
)
from saleor_crm_plugin.consent.actions import marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentSource, MarketingConsent

from tests.consent.unsubscribe_helpers import FORGERIES

from .utils import EVERYONE, written_rows

CRM_UNSUBSCRIBE = """
mutation($token: String!) {
  crmUnsubscribe(token: $token) {
    email
    errors { field code message }
  }
}
"""

INVALID = [{"field": "token", "code": "INVALID_TOKEN", "message": INVALID_MESSAGE}]
EXPIRED = [{"field": "token", "code": "INVALID_TOKEN", "message": EXPIRED_MESSAGE}]


def unsubscribe(client, token) -> dict:
    response = client.post_graphql(CRM_UNSUBSCRIBE, {"token": token})
    return get_graphql_content(response)["data"]["crmUnsubscribe"]


@pytest.mark.parametrize("requester", EVERYONE, indirect=True)
def test_anyone_with_the_link_unsubscribes_its_address(requester):
    # given: the shopper had said yes
    marketing_consent_set(email="ann@example.com", granted=True, source=ConsentSource.CUSTOMER)
    token = unsubscribe_token_make(email="Ann@Example.com")

    # when
    data = unsubscribe(requester, token)

    # then
    assert data == {"email": "ann@example.com", "errors": []}
    consent = MarketingConsent.objects.get()
    assert (consent.email, consent.granted, consent.source) == (
        "ann@example.com",
        False,
        ConsentSource.UNSUBSCRIBE_LINK,
    )
    assert consent.unsubscribed_at is not None


def test_unsubscribing_twice_changes_nothing_more(api_client):
    # given
    token = unsubscribe_token_make(email="ann@example.com")
    unsubscribe(api_client, token)
    before = list(MarketingConsent.objects.values())

    # when
    data = unsubscribe(api_client, token)

    # then
    assert data == {"email": "ann@example.com", "errors": []}
    assert list(MarketingConsent.objects.values()) == before


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_a_forged_token_is_refused_and_nothing_written(api_client, forgery):
    # given: a real link was sent to Ann
    token = FORGERIES[forgery](unsubscribe_token_make(email="ann@example.com"))
    rows = written_rows()

    # when
    data = unsubscribe(api_client, token)

    # then
    assert data == {"email": None, "errors": INVALID}
    assert written_rows() == rows


def test_an_expired_token_is_refused_and_nothing_written(api_client):
    # given
    sent = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
    with freeze_time(sent):
        token = unsubscribe_token_make(email="ann@example.com")
    rows = written_rows()

    # when
    with freeze_time(sent + UNSUBSCRIBE_TOKEN_MAX_AGE + datetime.timedelta(days=1)):
        data = unsubscribe(api_client, token)

    # then
    assert data == {"email": None, "errors": EXPIRED}
    assert written_rows() == rows


def test_a_token_from_before_the_pseudonyms_still_works(api_client):
    # given: a link already in an inbox, naming the e-mail
    token = signing.dumps({"email": "ann@example.com"}, salt=LEGACY_UNSUBSCRIBE_SALT)

    # when
    data = unsubscribe(api_client, token)

    # then
    assert data == {"email": "ann@example.com", "errors": []}
    assert MarketingConsent.objects.get().granted is False
