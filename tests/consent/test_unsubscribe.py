"""Unsubscribe tokens: a signed pseudonym of the recipient, never the e-mail; they expire."""

import datetime
import json
import threading
from urllib.parse import urlencode

import pytest
from django.core import signing
from django.db import connection, transaction
from django.test import override_settings
from freezegun import freeze_time

from saleor_crm_plugin.consent.actions import marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentSource, MarketingConsent, MarketingRecipient
from saleor_crm_plugin.consent.unsubscribe import (
    EXPIRED_MESSAGE,
    INVALID_MESSAGE,
    LEGACY_UNSUBSCRIBE_SALT,
    UNSUBSCRIBE_SALT,
    UNSUBSCRIBE_TOKEN_MAX_AGE,
    InvalidUnsubscribeToken,
    marketing_recipient_for,
    marketing_recipient_unsubscribe,
    unsubscribe_links_make,
    unsubscribe_token_make,
    unsubscribe_token_read,
)
from tests.fixtures.concurrency import wait_for_a_blocked_backend
from tests.consent.unsubscribe_helpers import FORGERIES, decoded_parts, written

SENT = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def legacy_token(email: str) -> str:
    """A token as issued before the pseudonyms: the e-mail, signed under the old salt."""
    return signing.dumps({"email": email}, salt=LEGACY_UNSUBSCRIBE_SALT)


def test_token_names_the_normalised_email_through_one_recipient(db):
    # given
    first = unsubscribe_token_make(email="  Ann@Example.COM ")
    second = unsubscribe_token_make(email="ann@example.com")

    # when
    emails = [unsubscribe_token_read(token=token) for token in (first, second)]

    # then
    assert emails == ["ann@example.com", "ann@example.com"]
    recipient = MarketingRecipient.objects.get()
    assert recipient.email == "ann@example.com"
    assert signing.loads(first, salt=UNSUBSCRIBE_SALT) == str(recipient.pk)
    assert signing.loads(second, salt=UNSUBSCRIBE_SALT) == str(recipient.pk)


def test_token_holds_no_readable_email(db):
    # when
    token = unsubscribe_token_make(email="ann.secret@example.com")

    # then: every part, decoded, is the pseudonym, a time stamp or a signature
    recipient = MarketingRecipient.objects.get()
    decoded = decoded_parts(token)
    assert decoded[0] == json.dumps(str(recipient.pk)).encode()
    assert not any(b"ann" in part.lower() or b"example" in part.lower() for part in decoded)
    assert "ann" not in token.lower()


def test_links_carry_the_token_on_the_shops_public_url(db):
    # when
    with override_settings(PUBLIC_URL="https://shop.example.com"):
        links = unsubscribe_links_make(email="ann@example.com")

    # then
    assert links.one_click_url == (
        f"https://shop.example.com/plugins/saleor.crm/unsubscribe?{urlencode({'token': links.token})}"
    )
    assert links.page_url("https://shop.example.com/u/{token}") == (
        f"https://shop.example.com/u/{links.token}"
    )
    assert unsubscribe_token_read(token=links.token) == "ann@example.com"


def test_token_works_until_its_lifetime_ends(db):
    # given
    with freeze_time(SENT):
        token = unsubscribe_token_make(email="ann@example.com")

    # when
    with freeze_time(SENT + UNSUBSCRIBE_TOKEN_MAX_AGE):
        email = unsubscribe_token_read(token=token)

    # then
    assert UNSUBSCRIBE_TOKEN_MAX_AGE == datetime.timedelta(days=180)
    assert email == "ann@example.com"


@pytest.mark.parametrize("make", [unsubscribe_token_make, legacy_token], ids=["new", "legacy"])
def test_expired_token_is_refused_and_nothing_written(db, make):
    # given
    with freeze_time(SENT):
        token = make(email="ann@example.com")
    marketing_consent_set(email="ann@example.com", granted=True, source=ConsentSource.CUSTOMER)
    before = written()

    # when
    with freeze_time(SENT + UNSUBSCRIBE_TOKEN_MAX_AGE + datetime.timedelta(seconds=1)):
        with pytest.raises(InvalidUnsubscribeToken) as error:
            marketing_recipient_unsubscribe(token=token)

    # then
    assert (error.value.expired, error.value.message) == (True, EXPIRED_MESSAGE)
    assert written() == before


def test_legacy_token_in_an_inbox_still_unsubscribes(db):
    # given: a link sent before the pseudonyms, naming the e-mail
    with freeze_time(SENT):
        token = legacy_token(" Ann@Example.com")

    # when
    with freeze_time(SENT + datetime.timedelta(days=30)):
        email = marketing_recipient_unsubscribe(token=token)

    # then
    assert email == "ann@example.com"
    consent = MarketingConsent.objects.get()
    assert (consent.email, consent.granted, consent.source) == (
        "ann@example.com",
        False,
        ConsentSource.UNSUBSCRIBE_LINK,
    )
    assert not MarketingRecipient.objects.exists()


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_forged_token_is_refused_and_nothing_written(db, forgery):
    # given: Ann was sent a real link; Bob never unsubscribed
    token = FORGERIES[forgery](unsubscribe_token_make(email="ann@example.com"))
    before = written()

    # when
    with pytest.raises(InvalidUnsubscribeToken) as error:
        marketing_recipient_unsubscribe(token=token)

    # then
    assert (error.value.expired, error.value.message) == (False, INVALID_MESSAGE)
    assert written() == before
    assert not MarketingConsent.objects.exists()


def test_token_signed_with_another_secret_is_refused(db):
    # given
    with override_settings(SECRET_KEY="another-shop-secret"):
        token = unsubscribe_token_make(email="ann@example.com")
    before = written()

    # when
    with pytest.raises(InvalidUnsubscribeToken):
        marketing_recipient_unsubscribe(token=token)

    # then
    assert written() == before


def test_unsubscribe_withdraws_consent_once(db):
    # given
    marketing_consent_set(email="ann@example.com", granted=True, source=ConsentSource.CUSTOMER)
    token = unsubscribe_token_make(email="ann@example.com")

    # when
    with freeze_time("2026-03-02 10:00:00"):
        first = marketing_recipient_unsubscribe(token=token)
    with freeze_time("2026-03-05 10:00:00"):
        again = marketing_recipient_unsubscribe(token=token)

    # then
    assert first == again == "ann@example.com"
    consent = MarketingConsent.objects.get()
    assert consent.granted is False
    assert consent.source == ConsentSource.UNSUBSCRIBE_LINK
    assert consent.unsubscribed_at.isoformat() == "2026-03-02T10:00:00+00:00"
    assert consent.updated_at.isoformat() == "2026-03-02T10:00:00+00:00"


@pytest.mark.django_db(transaction=True)
def test_two_sends_to_a_new_address_at_once_make_one_recipient():
    # given
    found: list = []
    errors: list[BaseException] = []

    def send_second():
        try:
            found.append(marketing_recipient_for(email="ann@example.com"))
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    # when: the second send's insert meets the first's, not yet committed
    thread = threading.Thread(target=send_second)
    with transaction.atomic():
        first = marketing_recipient_for(email="Ann@Example.com")
        thread.start()
        wait_for_a_blocked_backend()
    thread.join(timeout=60)

    # then
    assert thread.is_alive() is False
    assert errors == []
    assert [recipient.pk for recipient in found] == [first.pk]
    assert list(MarketingRecipient.objects.values_list("pk", "email")) == [
        (first.pk, "ann@example.com")
    ]
