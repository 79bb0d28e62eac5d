"""Sending a claim's code: one code per claim, none for a closed claim, apps without SMTP."""

import smtplib

import pytest

from saleor_crm_plugin.stores.claim_codes import claim_code_hash
from saleor_crm_plugin.stores.claims import (
    store_purchase_claim_confirm,
    store_purchase_claim_start,
)
from saleor_crm_plugin.stores.tasks import store_purchase_claim_code_send_task
from tests.fixtures.store_claims import emailed_code, till_purchase
from tests.stores.claim_helpers import claim_start


def _start(user, channel, purchase):
    """A claim whose code was not sent yet (what its commit schedules is not run)."""
    return store_purchase_claim_start(
        user=user, channel_id=channel.pk, receipt_code=purchase.receipt_code
    )


def test_the_task_run_twice_sends_one_code(
    claims_usd, customer_user, django_capture_on_commit_callbacks
):
    # given: the claim's code was sent once its claim committed
    purchase = till_purchase(claims_usd)
    claim = claim_start(
        django_capture_on_commit_callbacks, customer_user, claims_usd, purchase.receipt_code
    )
    claim.refresh_from_db()
    code_hash = claim.code_hash

    # when: the broker delivers the task again
    store_purchase_claim_code_send_task(claim.pk)

    # then
    assert len(claims_usd.smtp.messages) == 1
    claim.refresh_from_db()
    assert claim.code_hash == code_hash != ""


def test_a_claim_closed_before_its_task_ran_sends_nothing(claims_usd, customer_user):
    # given: a second start expired the first claim before the first's task ran
    purchase = till_purchase(claims_usd)
    first = _start(customer_user, claims_usd, purchase)
    _start(customer_user, claims_usd, purchase)

    # when
    store_purchase_claim_code_send_task(first.pk)

    # then
    assert claims_usd.smtp.messages == []
    first.refresh_from_db()
    assert first.code_hash == ""


def test_a_failed_send_forgets_the_code_and_a_retry_sends_a_new_one(claims_usd, customer_user):
    # given: the SMTP server refuses the first message
    purchase = till_purchase(claims_usd)
    claim = _start(customer_user, claims_usd, purchase)
    claims_usd.smtp.refuse_after(0)

    # when
    with pytest.raises(smtplib.SMTPDataError):
        store_purchase_claim_code_send_task(claim.pk)
    claim.refresh_from_db()
    hash_after_failure = claim.code_hash
    claims_usd.smtp.refuse_after(None)
    store_purchase_claim_code_send_task(claim.pk)

    # then: the code that arrived confirms the claim
    assert hash_after_failure == ""
    code = emailed_code(claims_usd.smtp, customer_user.email)
    confirmed = store_purchase_claim_confirm(user=customer_user, claim_id=claim.pk, code=code)
    assert confirmed.purchase.user_id == customer_user.pk


def test_the_code_goes_to_the_accounts_address_as_it_is_when_sent(claims_usd, customer_user):
    # given: the shopper changed their e-mail after starting
    purchase = till_purchase(claims_usd)
    claim = _start(customer_user, claims_usd, purchase)
    customer_user.email = "new-address@example.com"
    customer_user.save(update_fields=["email"])

    # when
    store_purchase_claim_code_send_task(claim.pk)

    # then
    assert [message["to"] for message in claims_usd.smtp.messages] == [["new-address@example.com"]]


def test_without_smtp_an_app_subscribed_to_notify_user_gets_the_code(
    claims_usd, customer_user, notify_user_app
):
    # given: no SMTP in the CRM; an e-mail app subscribed to NOTIFY_USER
    claims_usd.configure(smtp_host="")
    purchase = till_purchase(claims_usd)
    claim = _start(customer_user, claims_usd, purchase)

    # when
    store_purchase_claim_code_send_task(claim.pk)

    # then
    assert claims_usd.smtp.messages == []
    [request] = notify_user_app.received
    assert request["body"]["notify_event"] == "crm_store_claim_code"
    payload = request["body"]["payload"]
    claim.refresh_from_db()
    assert claim.code_hash == claim_code_hash(claim_id=claim.pk, code=payload["code"])
    code = purchase.receipt_code
    assert {key: payload[key] for key in ("recipient_email", "channel_slug", "code_minutes")} == {
        "recipient_email": customer_user.email,
        "channel_slug": claims_usd.slug,
        "code_minutes": 15,
    }
    assert payload["purchase"] == {
        "receipt_code": f"{code[:5]}-{code[5:]}",
        "store_name": "Example Warehouse",
        "purchased_at": purchase.purchased_at.isoformat(),
        "total_amount": "42.50",
        "currency": "USD",
    }
    assert payload["customer"]["email"] == customer_user.email


def test_a_claim_code_is_transactional_and_has_no_unsubscribe_headers(
    claims_usd, customer_user, django_capture_on_commit_callbacks
):
    # when
    purchase = till_purchase(claims_usd)
    claim_start(
        django_capture_on_commit_callbacks, customer_user, claims_usd, purchase.receipt_code
    )

    # then
    [message] = claims_usd.smtp.messages
    assert "List-Unsubscribe" not in message["headers"]
    assert "List-Unsubscribe-Post" not in message["headers"]
