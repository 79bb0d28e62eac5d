"""Stripe Terminal's webhook and the ledger: shoppers linked at the till, refunds, failures."""

from decimal import Decimal

import pytest
from django.test import Client

from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.audit import ledger_audit
from saleor_crm_plugin.loyalty.member_codes import member_code_generate
from saleor_crm_plugin.loyalty.models import LoyaltyAccount, LoyaltyEntry
from saleor_crm_plugin.stores import stripe_webhooks
from saleor_crm_plugin.stores.models import StorePurchase, StorePurchaseLink, StoreRefund
from saleor_crm_plugin.stores.purchases import Actor, store_purchase_unlink

from .stripe_events import payment_intent, post_event, refunded, succeeded


@pytest.fixture
def member(crm_stripe, customer_user):
    """customer_user's account in channel_USD, with its member code."""
    return account_get_or_create(user_id=customer_user.pk, channel_id=crm_stripe.pk)


def _at_the_till(warehouse, member, *, amount: int = 4250) -> dict:
    """A PaymentIntent whose POS named the store and scanned the member's code."""
    return payment_intent(
        amount=amount, metadata={"store": warehouse.slug, "member_code": member.member_code}
    )


def _balance(account: LoyaltyAccount) -> int:
    account.refresh_from_db()
    return account.balance


def _entries() -> list[tuple[str, int]]:
    return list(LoyaltyEntry.objects.order_by("pk").values_list("type", "points"))


def _audit_problems():
    _checked, accounts = ledger_audit()
    return [(audit.account_id, audit.problems) for audit in accounts]


@pytest.mark.django_db
def test_a_member_code_in_the_metadata_links_the_shopper_and_earns(
    client, crm_stripe, warehouse, member, customer_user
):
    # given: the till scanned the shopper's member code
    intent = _at_the_till(warehouse, member, amount=4250)

    # when
    response = post_event(client, crm_stripe.slug, succeeded(intent))

    # then: 1 point per 1.00, dated when the shopper paid
    assert response.json() == {"received": True, "outcome": "recorded", "detail": "linked"}
    purchase = StorePurchase.objects.get()
    assert purchase.user_id == customer_user.pk
    link = StorePurchaseLink.objects.get()
    assert (link.action, link.user_id, link.method) == ("link", customer_user.pk, "member_code")
    assert (link.actor_user_id, link.actor_app_id) == (None, None)
    assert _entries() == [("earn", 42)]
    assert LoyaltyEntry.objects.get().occurred_at == purchase.purchased_at
    assert _balance(member) == 42
    assert _audit_problems() == []


@pytest.mark.django_db
def test_an_email_in_the_metadata_links_the_shopper(
    client, crm_stripe, warehouse, member, customer_user
):
    # given
    intent = payment_intent(metadata={"store": warehouse.slug, "email": customer_user.email})

    # when
    response = post_event(client, crm_stripe.slug, succeeded(intent))

    # then
    assert response.json()["detail"] == "linked"
    assert StorePurchaseLink.objects.get().method == "email"
    assert StorePurchase.objects.get().user_id == customer_user.pk


@pytest.mark.django_db
def test_a_member_code_of_nobody_records_the_purchase_unlinked(
    client, crm_stripe, warehouse, member
):
    # given: a well-formed code of no account
    code = member_code_generate()
    assert code != member.member_code
    intent = payment_intent(metadata={"store": warehouse.slug, "member_code": code})

    # when
    response = post_event(client, crm_stripe.slug, succeeded(intent))

    # then: the shopper can still claim the receipt
    assert response.json() == {
        "received": True,
        "outcome": "recorded",
        "detail": "customer_not_found",
    }
    assert StorePurchase.objects.get().user_id is None
    assert not StorePurchaseLink.objects.exists()
    assert _entries() == []


@pytest.mark.django_db
def test_a_replay_does_not_link_again_after_staff_unlinked(
    client, crm_stripe, warehouse, member, customer_user
):
    # given: linked at the till, then unlinked by staff as a mistake
    delivery = succeeded(_at_the_till(warehouse, member))
    post_event(client, crm_stripe.slug, delivery)
    purchase = StorePurchase.objects.get()
    store_purchase_unlink(purchase_id=purchase.pk, reason="wrong card", actor=Actor())

    # when: Stripe delivers the event again
    response = post_event(client, crm_stripe.slug, delivery)

    # then
    assert response.json()["outcome"] == "already_recorded"
    purchase.refresh_from_db()
    assert purchase.user_id is None
    assert _balance(member) == 0
    assert _audit_problems() == []


@pytest.mark.django_db
def test_a_refund_before_its_purchase_is_kept_and_the_purchase_earns_on_the_rest(
    client, crm_stripe, warehouse, member
):
    # given: Stripe delivers the refund of 20.00 first
    intent = _at_the_till(warehouse, member, amount=5000)
    early = post_event(client, crm_stripe.slug, refunded(intent, 2000))
    assert early.json() == {
        "received": True,
        "outcome": "refund_recorded",
        "detail": "purchase_not_recorded_yet",
    }
    assert list(StoreRefund.objects.values_list("external_id", "amount", "currency")) == [
        (intent["id"], Decimal("20.000"), "USD")
    ]

    # when: then the payment
    response = post_event(client, crm_stripe.slug, succeeded(intent))

    # then: 50 earned, the refunded 20 taken back at once
    assert response.json()["detail"] == "linked"
    assert _entries() == [("earn", 50), ("reverse", -20)]
    assert _balance(member) == 30
    assert _audit_problems() == []


@pytest.mark.django_db
def test_a_partial_then_full_refund_take_back_their_share(client, crm_stripe, warehouse, member):
    # given
    intent = _at_the_till(warehouse, member, amount=5000)
    post_event(client, crm_stripe.slug, succeeded(intent))

    # when: 20.00 refunded, then the rest (Stripe's amount_refunded is the running total)
    partial = post_event(client, crm_stripe.slug, refunded(intent, 2000))
    balance_after_partial = _balance(member)
    full = post_event(client, crm_stripe.slug, refunded(intent, 5000))

    # then
    assert partial.json() == {"received": True, "outcome": "refund_recorded", "detail": ""}
    assert full.json() == {"received": True, "outcome": "refund_recorded", "detail": ""}
    assert balance_after_partial == 30
    assert _balance(member) == 0
    assert _entries() == [("earn", 50), ("reverse", -20), ("reverse", -30)]
    assert StoreRefund.objects.get().amount == Decimal("50.000")
    assert _audit_problems() == []


@pytest.mark.django_db
def test_an_older_refund_event_arriving_late_changes_nothing(client, crm_stripe, warehouse, member):
    # given: the full refund is known
    intent = _at_the_till(warehouse, member, amount=5000)
    post_event(client, crm_stripe.slug, succeeded(intent))
    post_event(client, crm_stripe.slug, refunded(intent, 5000))

    # when: the partial refund's event comes after it
    response = post_event(client, crm_stripe.slug, refunded(intent, 2000))

    # then
    assert response.status_code == 200
    assert StoreRefund.objects.get().amount == Decimal("50.000")
    assert _entries() == [("earn", 50), ("reverse", -50)]
    assert _balance(member) == 0


@pytest.mark.django_db
def test_a_failure_while_linking_leaves_nothing_written_and_the_retry_records(
    crm_stripe, warehouse, member, monkeypatch
):
    # given: the link fails after the purchase row was written
    def failing_link(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(stripe_webhooks, "store_purchase_link", failing_link)
    client = Client(raise_request_exception=False)
    delivery = succeeded(_at_the_till(warehouse, member))

    # when
    failed = post_event(client, crm_stripe.slug, delivery)

    # then: Stripe sees an error and will retry; nothing of the event was kept
    assert failed.status_code == 500
    assert not StorePurchase.objects.exists()
    assert not StorePurchaseLink.objects.exists()
    assert _entries() == []

    # when: Stripe retries
    monkeypatch.undo()
    retried = post_event(client, crm_stripe.slug, delivery)

    # then
    assert retried.json() == {"received": True, "outcome": "recorded", "detail": "linked"}
    assert StorePurchase.objects.count() == 1
    assert _balance(member) == 42
    assert _audit_problems() == []
