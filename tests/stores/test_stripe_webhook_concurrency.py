"""A purchase and its refund from Stripe handled at once, each on its own connection."""

import json
import threading

import pytest
from django.db import connection, transaction

from saleor_crm_plugin.config import load_channel_program
from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.models import LoyaltyEntry
from saleor_crm_plugin.stores.models import StorePurchase, StoreRefund
from saleor_crm_plugin.stores.stripe_webhooks import stripe_event_handle
from tests.fixtures.concurrency import wait_for_a_blocked_backend

from .stripe_events import payment_intent, refunded, signature_header, succeeded

# The threads (and the tasks they run) read through Saleor's replica alias.
pytestmark = pytest.mark.usefixtures("threads_read_the_test_database")


def _handle(channel, stripe_event):
    body = json.dumps(stripe_event)
    return stripe_event_handle(
        payload=body.encode(),
        signature_header=signature_header(body),
        channel_id=channel.pk,
        config=load_channel_program(channel.pk).config.stores,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", ["purchase", "refund"])
def test_a_purchase_and_its_refund_at_once_take_turns(crm_stripe, warehouse, customer_user, first):
    # given: a 50.00 payment linked by member code, and its refund of 20.00
    member = account_get_or_create(user_id=customer_user.pk, channel_id=crm_stripe.pk)
    intent = payment_intent(
        amount=5000, metadata={"store": warehouse.slug, "member_code": member.member_code}
    )
    events = {"purchase": succeeded(intent), "refund": refunded(intent, 2000)}
    second = "refund" if first == "purchase" else "purchase"
    errors: list[BaseException] = []

    def handle_second():
        try:
            _handle(crm_stripe, events[second])
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    # when: the second arrives while the first's transaction is still open
    thread = threading.Thread(target=handle_second)
    with transaction.atomic():
        _handle(crm_stripe, events[first])
        thread.start()
        wait_for_a_blocked_backend()
    thread.join(timeout=60)

    # then: whichever came first, the purchase earns on what was not refunded
    assert thread.is_alive() is False
    assert errors == []
    assert StorePurchase.objects.count() == 1
    assert StoreRefund.objects.get().amount == 20
    assert list(LoyaltyEntry.objects.order_by("pk").values_list("type", "points")) == [
        ("earn", 50),
        ("reverse", -20),
    ]
    member.refresh_from_db()
    assert member.balance == 30
