"""`crmUnsubscribe(token:)`: the link of a CRM message, no login needed."""

import pytest
from django.core import signing
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.carts.unsubscribe import unsubscribe_token_make
from saleor_crm_plugin.consent.actions import marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentSource, MarketingConsent

from .utils import EVERYONE, written_rows

CRM_UNSUBSCRIBE = """
mutation($token: String!) {
  crmUnsubscribe(token: $token) {
    email
    errors { field code message }
  }
}
"""

INVALID = [
    {"field": "token", "code": "INVALID_TOKEN", "message": "The unsubscribe link is not valid."}
]


def _anns_signature_on(payload: bytes) -> str:
    signature = unsubscribe_token_make(email="ann@example.com").rsplit(":", 1)[1]
    return f"{signing.b64_encode(payload).decode()}:{signature}"


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


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "",
        # a real token's signature on another address
        _anns_signature_on(b'{"email":"bob@example.com"}'),
        # signed by us, but for another purpose (salt)
        signing.dumps({"email": "ann@example.com"}, salt="another.purpose"),
        # the right salt, but not naming an address
        signing.dumps({"user": 1}, salt="saleor_crm.unsubscribe"),
    ],
)
def test_a_forged_token_is_refused_and_nothing_written(api_client, token):
    # given
    rows = written_rows()

    # when
    data = unsubscribe(api_client, token)

    # then
    assert data == {"email": None, "errors": INVALID}
    assert written_rows() == rows
