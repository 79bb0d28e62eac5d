"""No reminder after a purchase, without consent, after an unsubscribe, or within the cap."""

import datetime
import re

from freezegun import freeze_time

from saleor_crm_plugin.carts.models import (
    AbandonedCheckout,
    AbandonedStatus,
    CartReminder,
    ReminderStatus,
    SkipReason,
)
from saleor_crm_plugin.consent.unsubscribe import marketing_recipient_unsubscribe
from saleor_crm_plugin.consent.actions import marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentSource, MarketingConsent
from tests.fixtures.carts import sweep
from tests.fixtures.orders import THREE_LINES, complete_checkout

START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def at(hours: float) -> datetime.datetime:
    return START + datetime.timedelta(hours=hours)


def _unsubscribe_by_the_first_reminder(frozen, smtp_server) -> str:
    """The first reminder goes out at 1.1 h and its unsubscribe link is followed at 2 h;
    the e-mail address the link unsubscribed."""
    frozen.move_to(at(1.1))
    sweep()
    token = re.search(r"unsubscribe\?token=([^\"]+)\"", smtp_server.messages[0]["html"])[1]
    frozen.move_to(at(2))
    return marketing_recipient_unsubscribe(token=token)


def test_completing_the_checkout_between_stages_stops_further_messages(
    cart_recovery,
    shopper_checkout,
    smtp_server,
    user_api_client,
    customer_user,
    address,
    checkout_delivery,
):
    # given: the first reminder went out, then the shopper completed the checkout
    with freeze_time(START) as frozen:
        checkout = shopper_checkout(cart_recovery, email=customer_user.email, user=customer_user)
        token = checkout.token
        frozen.move_to(at(1.1))
        sweep()
        frozen.move_to(at(3))
        order = complete_checkout(
            user_api_client,
            checkout,
            address=address,
            delivery=checkout_delivery(checkout),
            user=customer_user,
        )

        # when
        results = []
        for hours in (24.1, 72.1):
            frozen.move_to(at(hours))
            results.append(sweep())

    # then
    assert [result.sent for result in results] == [0, 0]
    assert len(smtp_server.messages) == 1
    abandoned = AbandonedCheckout.objects.get(token=token)
    assert abandoned.status == AbandonedStatus.RECOVERED
    assert abandoned.order_id == order.pk
    assert list(CartReminder.objects.values_list("stage", "status")) == [(1, "sent")]


def test_completed_order_found_by_the_sweep_skips_the_stage(
    cart_recovery, shopper_checkout, smtp_server, crm_order, customer_user
):
    # given: an order carries the checkout's token but the checkout is still there
    # (the order hook did not run, e.g. the plugin was off at that moment)
    with freeze_time(START) as frozen:
        checkout = shopper_checkout(cart_recovery, email=customer_user.email)
        frozen.move_to(at(1.1))
        sweep()
        order = crm_order(cart_recovery, THREE_LINES, user=customer_user)
        order.checkout_token = str(checkout.token)
        order.save(update_fields=["checkout_token"])
        frozen.move_to(at(24.1))

        # when
        result = sweep()

    # then
    assert (result.sent, result.skipped) == (0, 1)
    reminder = CartReminder.objects.get(stage=2)
    assert (reminder.status, reminder.skip_reason) == ("skipped", SkipReason.CHECKOUT_COMPLETED)
    abandoned = AbandonedCheckout.objects.get()
    assert abandoned.status == AbandonedStatus.RECOVERED
    assert abandoned.order_id == order.pk
    assert len(smtp_server.messages) == 1


def test_buying_otherwise_stops_further_messages(
    cart_recovery, shopper_checkout, smtp_server, crm_order, customer_user
):
    # given: a guest cart under the customer's e-mail (other case), then an order of theirs
    with freeze_time(START) as frozen:
        shopper_checkout(cart_recovery, email=customer_user.email.upper())
        frozen.move_to(at(1.1))
        sweep()
        frozen.move_to(at(5))
        crm_order(cart_recovery, THREE_LINES, user=customer_user)
        frozen.move_to(at(24.1))

        # when
        results = [sweep()]
        frozen.move_to(at(72.1))
        results.append(sweep())

    # then
    assert [(result.sent, result.skipped) for result in results] == [(0, 1), (0, 0)]
    reminder = CartReminder.objects.get(stage=2)
    assert (reminder.status, reminder.skip_reason) == ("skipped", SkipReason.ORDERED_ELSEWHERE)
    abandoned = AbandonedCheckout.objects.get()
    assert abandoned.status == AbandonedStatus.PURCHASED_ELSEWHERE
    assert abandoned.closed_at == at(24.1)
    assert len(smtp_server.messages) == 1


def test_an_order_before_the_cart_was_left_does_not_stop_reminders(
    cart_recovery, shopper_checkout, smtp_server, crm_order, customer_user
):
    # given: the customer ordered yesterday, then left a new cart today
    with freeze_time(START - datetime.timedelta(days=1)) as frozen:
        crm_order(cart_recovery, THREE_LINES, user=customer_user)
        frozen.move_to(START)
        shopper_checkout(cart_recovery, email=customer_user.email)
        frozen.move_to(at(1.1))

        # when
        result = sweep()

    # then
    assert result.sent == 1
    assert smtp_server.messages[0]["to"] == [customer_user.email]


def test_shopper_who_never_answered_gets_nothing_when_consent_defaults_to_no(
    cart_recovery, shopper_checkout, smtp_server
):
    # given
    cart_recovery.configure(marketing_consent_default=False)
    with freeze_time(START) as frozen:
        shopper_checkout(cart_recovery)
        frozen.move_to(at(1.1))

        # when
        first = sweep()
        frozen.move_to(at(24.1))
        later = sweep()

    # then
    assert (first.sent, first.skipped) == (0, 1)
    assert (later.sent, later.skipped) == (0, 0)
    reminder = CartReminder.objects.get()
    assert (reminder.status, reminder.skip_reason) == ("skipped", SkipReason.NO_CONSENT)
    assert reminder.sent_at is None
    abandoned = AbandonedCheckout.objects.get()
    assert abandoned.status == AbandonedStatus.SUPPRESSED
    assert smtp_server.messages == []


def test_shopper_who_consented_is_reminded_when_consent_defaults_to_no(
    cart_recovery, shopper_checkout, smtp_server, customer_user
):
    # given: consent given on the account, the cart is under the account
    cart_recovery.configure(marketing_consent_default=False)
    marketing_consent_set(
        email=customer_user.email,
        granted=True,
        source=ConsentSource.CUSTOMER,
        user_id=customer_user.pk,
    )
    with freeze_time(START) as frozen:
        shopper_checkout(cart_recovery, email=None, user=customer_user)
        frozen.move_to(at(1.1))

        # when
        result = sweep()

    # then
    assert result.sent == 1
    assert smtp_server.messages[0]["to"] == [customer_user.email]


def test_withdrawn_consent_wins_over_the_default(cart_recovery, shopper_checkout, smtp_server):
    # given: consent defaults to yes, but this shopper said no
    marketing_consent_set(email="shopper@example.com", granted=False, source=ConsentSource.CUSTOMER)
    with freeze_time(START) as frozen:
        shopper_checkout(cart_recovery)
        frozen.move_to(at(1.1))

        # when
        result = sweep()

    # then
    assert (result.sent, result.skipped) == (0, 1)
    assert CartReminder.objects.get().skip_reason == SkipReason.NO_CONSENT
    assert smtp_server.messages == []


def test_unsubscribing_through_the_link_stops_further_messages(
    cart_recovery, shopper_checkout, smtp_server
):
    # given: the shopper follows the unsubscribe link of the first reminder
    with freeze_time(START) as frozen:
        shopper_checkout(cart_recovery)
        assert _unsubscribe_by_the_first_reminder(frozen, smtp_server) == "shopper@example.com"
        frozen.move_to(at(24.1))

        # when
        result = sweep()

    # then
    assert (result.sent, result.skipped) == (0, 1)
    reminder = CartReminder.objects.get(stage=2)
    assert (reminder.status, reminder.skip_reason) == ("skipped", SkipReason.UNSUBSCRIBED)
    assert AbandonedCheckout.objects.get().status == AbandonedStatus.SUPPRESSED
    consent = MarketingConsent.objects.get(email="shopper@example.com")
    assert consent.granted is False
    assert consent.source == ConsentSource.UNSUBSCRIBE_LINK
    assert consent.unsubscribed_at == at(2)
    assert len(smtp_server.messages) == 1


def test_unsubscribing_the_new_email_stops_reminders_despite_the_accounts_older_consent(
    cart_recovery, shopper_checkout, smtp_server, customer_user
):
    # given: consent was given under the customer's old e-mail; they changed it since
    cart_recovery.configure(marketing_consent_default=False)
    with freeze_time(START) as frozen:
        marketing_consent_set(
            email=customer_user.email,
            granted=True,
            source=ConsentSource.CUSTOMER,
            user_id=customer_user.pk,
        )
        customer_user.email = "renamed@example.com"
        customer_user.save(update_fields=["email"])
        shopper_checkout(cart_recovery, email="renamed@example.com", user=customer_user)
        assert _unsubscribe_by_the_first_reminder(frozen, smtp_server) == "renamed@example.com"
        frozen.move_to(at(24.1))

        # when
        result = sweep()

    # then
    assert (result.sent, result.skipped) == (0, 1)
    reminder = CartReminder.objects.get(stage=2)
    assert (reminder.status, reminder.skip_reason) == ("skipped", SkipReason.UNSUBSCRIBED)
    assert [message["to"] for message in smtp_server.messages] == [["renamed@example.com"]]


def test_frequency_cap_skips_a_reminder_for_another_cart(
    cart_recovery, shopper_checkout, smtp_server
):
    # given: the same shopper left two carts; the first was reminded 30 minutes earlier
    with freeze_time(START) as frozen:
        first = shopper_checkout(cart_recovery)
        frozen.move_to(at(0.6))
        second = shopper_checkout(cart_recovery)
        frozen.move_to(at(1.1))
        sweep()
        frozen.move_to(at(1.7))

        # when
        capped = sweep()
        frozen.move_to(at(24.1))
        offer_of_first = sweep()
        frozen.move_to(at(24.7))
        offer_of_second = sweep()

    # then
    assert (capped.sent, capped.skipped) == (0, 1)
    reminder = CartReminder.objects.get(abandoned__token=second.token, stage=1)
    assert (reminder.status, reminder.skip_reason) == (
        ReminderStatus.SKIPPED,
        SkipReason.FREQUENCY_CAP,
    )
    # a capped stage leaves the cart open: its next stage is still scheduled
    assert AbandonedCheckout.objects.get(token=second.token).status == AbandonedStatus.OPEN
    assert offer_of_first.sent == 1
    # the other cart's offer went out 36 minutes earlier: capped too
    assert (offer_of_second.sent, offer_of_second.skipped) == (0, 1)
    assert [message["subject"] for message in smtp_server.messages] == [
        "You left something in your cart",
        "Your cart is waiting, with 10 % off your items",
    ]
    assert AbandonedCheckout.objects.get(token=first.token).stage == 2


def test_frequency_cap_of_zero_lets_every_cart_be_reminded(
    cart_recovery, shopper_checkout, smtp_server
):
    # given
    cart_recovery.configure(message_frequency_cap="0")
    with freeze_time(START) as frozen:
        shopper_checkout(cart_recovery)
        shopper_checkout(cart_recovery)
        frozen.move_to(at(1.1))

        # when
        result = sweep()

    # then
    assert result.sent == 2
    assert len(smtp_server.messages) == 2
