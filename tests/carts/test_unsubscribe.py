"""Signed unsubscribe tokens: they name one e-mail and cannot be forged."""

import pytest
from django.core import signing
from django.test import override_settings
from freezegun import freeze_time

from saleor_crm_plugin.carts.error_codes import CartRecoveryErrorCode
from saleor_crm_plugin.carts.unsubscribe import (
    InvalidUnsubscribeToken,
    shopper_unsubscribe,
    unsubscribe_token_make,
    unsubscribe_token_read,
)
from saleor_crm_plugin.consent.actions import marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentSource, MarketingConsent


def test_token_names_the_normalised_email():
    # given
    token = unsubscribe_token_make(email="  Ann@Example.COM ")

    # when
    email = unsubscribe_token_read(token=token)

    # then
    assert email == "ann@example.com"


def test_token_does_not_expire():
    # given
    with freeze_time("2020-01-01"):
        token = unsubscribe_token_make(email="ann@example.com")

    # when
    with freeze_time("2030-01-01"):
        email = unsubscribe_token_read(token=token)

    # then
    assert email == "ann@example.com"


def _tampered(token: str) -> str:
    value, signature = token.rsplit(":", 1)
    return f"{value}:{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


def _payload_swapped(token: str) -> str:
    """Ann's signature on a payload naming Bob."""
    other = signing.b64_encode(b'{"email":"bob@example.com"}').decode()
    return token.replace(token.split(":")[0], other)


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(_tampered, id="tampered signature"),
        pytest.param(
            lambda token: signing.dumps({"email": "bob@example.com"}), id="signed without our salt"
        ),
        pytest.param(
            lambda token: signing.dumps({"email": "bob@example.com"}, salt="saleor_crm.other"),
            id="another salt",
        ),
        pytest.param(_payload_swapped, id="payload swapped"),
        pytest.param(lambda token: "", id="empty"),
        pytest.param(lambda token: "not-a-token", id="garbage"),
    ],
)
def test_forged_token_is_refused(forge, db):
    # given
    token = forge(unsubscribe_token_make(email="ann@example.com"))

    # when
    with pytest.raises(InvalidUnsubscribeToken) as error:
        shopper_unsubscribe(token=token)

    # then
    assert error.value.code == CartRecoveryErrorCode.INVALID_TOKEN
    assert error.value.field == "token"
    assert not MarketingConsent.objects.exists()


def test_token_signed_with_another_secret_is_refused(db):
    # given
    with override_settings(SECRET_KEY="another-shop-secret"):
        token = unsubscribe_token_make(email="ann@example.com")

    # when
    with pytest.raises(InvalidUnsubscribeToken):
        unsubscribe_token_read(token=token)

    # then
    assert not MarketingConsent.objects.exists()


def test_unsubscribe_withdraws_consent_once(db):
    # given
    marketing_consent_set(email="ann@example.com", granted=True, source=ConsentSource.CUSTOMER)
    token = unsubscribe_token_make(email="ann@example.com")

    # when
    with freeze_time("2026-03-02 10:00:00"):
        first = shopper_unsubscribe(token=token)
    with freeze_time("2026-03-05 10:00:00"):
        again = shopper_unsubscribe(token=token)

    # then
    assert first == again == "ann@example.com"
    consent = MarketingConsent.objects.get()
    assert consent.granted is False
    assert consent.source == ConsentSource.UNSUBSCRIBE_LINK
    assert consent.unsubscribed_at.isoformat() == "2026-03-02T10:00:00+00:00"
