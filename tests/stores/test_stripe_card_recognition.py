"""Card recognition on Stripe Terminal payments, through the signed webhook.

A shopper pays at the till without their member code, claims the receipt online asking
to have the card remembered; their next payment with the card links by itself, until
they opt out. A till that names a shopper is never overruled by the card.
"""

import pytest

from saleor_crm_plugin.stores.claims import store_purchase_claim_confirm
from saleor_crm_plugin.stores.models import LinkMethod, StorePurchase
from saleor_crm_plugin.stores.recognition import store_card_recognition_forget
from tests.fixtures.loyalty import ledger_problems
from tests.fixtures.store_claims import emailed_code
from tests.stores.claim_helpers import claim_start

from .stripe_events import SECRET, payment_intent, post_event, succeeded


@pytest.fixture
def stripe_claims(claims_usd):
    """claims_usd taking Stripe Terminal's signed events."""
    return claims_usd.configure(stripe_webhook_secrets=SECRET)


def _paid(client, channel, **metadata) -> tuple[dict, StorePurchase]:
    """A card payment at the channel's store (same card every time): (answer, purchase)."""
    intent = payment_intent(amount=2500, metadata={"store": channel.store.slug, **metadata})
    response = post_event(client, channel.slug, succeeded(intent))
    return response.json(), StorePurchase.objects.get(external_id=intent["id"])


def _claimed_remembering_the_card(capture, channel, user, purchase):
    claim = claim_start(capture, user, channel, purchase.receipt_code, remember_card=True)
    code = emailed_code(channel.smtp, user.email)
    return store_purchase_claim_confirm(user=user, claim_id=claim.pk, code=code)


def test_the_next_stripe_payment_with_a_remembered_card_links_until_the_opt_out(
    client, stripe_claims, customer_user, django_capture_on_commit_callbacks
):
    # given: paid without the member code, then claimed with the card remembered
    first_answer, first = _paid(client, stripe_claims)
    confirmed = _claimed_remembering_the_card(
        django_capture_on_commit_callbacks, stripe_claims, customer_user, first
    )

    # when
    second_answer, second = _paid(client, stripe_claims)
    store_card_recognition_forget(user=customer_user, channel_id=stripe_claims.pk)
    third_answer, third = _paid(client, stripe_claims)

    # then
    assert (first_answer["detail"], confirmed.card_remembered) == ("", True)
    assert (second_answer["detail"], second.user_id) == ("card_recognised", customer_user.pk)
    assert second.links.get().method == LinkMethod.CARD
    assert (third_answer["detail"], third.user_id) == ("", None)
    assert ledger_problems() == []


def test_a_member_code_at_the_till_wins_over_the_card(
    client, stripe_claims, customer_user, customer_user2, django_capture_on_commit_callbacks
):
    # given: the card is remembered for customer_user; customer_user2 pays with it and
    # gives their e-mail at the till
    _answer, first = _paid(client, stripe_claims)
    _claimed_remembering_the_card(
        django_capture_on_commit_callbacks, stripe_claims, customer_user, first
    )

    # when
    answer, purchase = _paid(client, stripe_claims, email=customer_user2.email)

    # then
    assert (answer["detail"], purchase.user_id) == ("linked", customer_user2.pk)
    assert purchase.links.get().method == LinkMethod.EMAIL
