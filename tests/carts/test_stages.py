"""Staged reminders over time: real checkouts, frozen clocks, a real SMTP server."""

import datetime
import re
from decimal import Decimal
from urllib.parse import unquote

from freezegun import freeze_time
from saleor.checkout.fetch import fetch_checkout_info
from saleor.checkout.models import Checkout
from saleor.checkout.tests.utils import add_variant_to_checkout
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.carts.experiments import variant_for
from saleor_crm_plugin.carts.models import (
    AbandonedCheckout,
    AbandonedStatus,
    CartRecoveryOffer,
    CartReminder,
    OfferStatus,
    ReminderStatus,
)
from saleor_crm_plugin.carts.restore import cart_restore_token_read
from saleor_crm_plugin.consent.unsubscribe import unsubscribe_token_read
from saleor_crm_plugin.config import load_channel_program
from tests.fixtures.carts import SENDER, checkout_prices_calculate, sweep

START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def at(hours: float, minutes: float = 0) -> datetime.datetime:
    return START + datetime.timedelta(hours=hours, minutes=minutes)


def test_nothing_is_sent_before_the_first_stage_delay(cart_recovery, shopper_checkout, smtp_server):
    # given
    with freeze_time(START) as frozen:
        shopper_checkout(cart_recovery)
        frozen.move_to(at(0, 59))

        # when
        result = sweep()

    # then
    assert result.detected == 0
    assert result.sent == 0
    assert not AbandonedCheckout.objects.exists()
    assert smtp_server.messages == []


def test_reminder_after_one_hour_carries_lines_totals_and_links(
    cart_recovery, shopper_checkout, smtp_server, product
):
    # given
    with freeze_time(START) as frozen:
        checkout = shopper_checkout(cart_recovery, email="Ann@Example.com", quantity=3)
        frozen.move_to(at(1, 1))

        # when
        result = sweep()

    # then
    assert (result.detected, result.sent, result.skipped, result.failed) == (1, 1, 0, 0)
    abandoned = AbandonedCheckout.objects.get()
    assert abandoned.token == checkout.token
    assert abandoned.email == "ann@example.com"
    assert abandoned.stage == 1
    assert abandoned.status == AbandonedStatus.OPEN
    assert abandoned.lines_count == 1
    assert abandoned.total_gross_amount == Decimal("30.000")
    assert abandoned.next_stage_at == at(24)
    reminder = CartReminder.objects.get()
    assert (reminder.stage, reminder.kind, reminder.status) == (1, "reminder", "sent")
    assert reminder.sent_at == at(1, 1)

    [message] = smtp_server.messages
    assert message["to"] == ["ann@example.com"]
    assert message["from"] == SENDER
    assert message["subject"] == "You left something in your cart"
    html = message["html"]
    assert product.name in html
    assert '<td align="right">3</td>' in html
    assert "Test product 3 $30.00 Total $30.00" in message["text"]
    link = re.search(r'href="https://shop\.example\.com/checkout/([^"?]+)\?crm=([^"]+)"', html)
    assert link.group(1) == str(checkout.token)
    with freeze_time(at(1, 1)):  # the link is read when the e-mail arrives
        assert cart_restore_token_read(token=unquote(link.group(2))) == (checkout.token, None)
    token = re.search(r'https://shop\.example\.com/unsubscribe\?token=([^"]+)"', html).group(1)
    with freeze_time(at(1, 1)):
        assert unsubscribe_token_read(token=token) == "ann@example.com"
    assert "code" not in message["text"]


def test_all_three_stages_then_expiry(cart_recovery, shopper_checkout, smtp_server):
    # given
    with freeze_time(START) as frozen:
        checkout = shopper_checkout(cart_recovery)

        # when
        sent = {}
        for hours in (1.1, 23.9, 24.1, 71.9, 72.1, 72 + 24 * 7 + 0.1):
            frozen.move_to(at(hours))
            sent[hours] = sweep().sent

    # then
    assert sent == {1.1: 1, 23.9: 0, 24.1: 1, 71.9: 0, 72.1: 1, 72 + 24 * 7 + 0.1: 0}
    subjects = [message["subject"] for message in smtp_server.messages]
    assert subjects == [
        "You left something in your cart",
        "Your cart is waiting, with 10 % off your items",
        "Last call for your cart",
    ]
    offer = CartRecoveryOffer.objects.get()
    assert offer.status == OfferStatus.LIVE
    assert offer.email == "shopper@example.com"
    assert offer.ends_at == at(24.1) + datetime.timedelta(days=7)
    assert f"<strong>{offer.code}</strong>" in smtp_server.messages[1]["html"]
    assert offer.code not in smtp_server.messages[0]["html"]
    assert offer.code not in smtp_server.messages[2]["html"]
    assert list(
        CartReminder.objects.order_by("stage").values_list("stage", "kind", "status", "sent_at")
    ) == [
        (1, "reminder", "sent", at(1.1)),
        (2, "offer", "sent", at(24.1)),
        (3, "last_call", "sent", at(72.1)),
    ]
    abandoned = AbandonedCheckout.objects.get(token=checkout.token)
    assert abandoned.status == AbandonedStatus.EXPIRED
    assert abandoned.closed_at == at(72 + 24 * 7 + 0.1)
    assert abandoned.next_stage_at is None


def test_a_late_sweep_sends_only_the_latest_due_stage(cart_recovery, shopper_checkout, smtp_server):
    # given: no sweep ran for the first 25 hours
    with freeze_time(START) as frozen:
        shopper_checkout(cart_recovery)
        frozen.move_to(at(25))

        # when
        result = sweep()

    # then
    assert result.sent == 1
    assert [message["subject"] for message in smtp_server.messages] == [
        "Your cart is waiting, with 10 % off your items"
    ]
    assert list(CartReminder.objects.values_list("stage", "status")) == [(2, "sent")]
    assert AbandonedCheckout.objects.get().next_stage_at == at(72)


def test_checkout_changed_after_detection_restarts_the_clock(
    cart_recovery, shopper_checkout, smtp_server, product_list
):
    # given: the first reminder went out; the shopper adds an item 5 hours later
    with freeze_time(START) as frozen:
        checkout = shopper_checkout(cart_recovery)
        frozen.move_to(at(1.1))
        sweep()
        frozen.move_to(at(5))
        checkout_info = fetch_checkout_info(checkout, [], get_plugins_manager(allow_replica=False))
        add_variant_to_checkout(checkout_info, product_list[0].variants.first(), 1)
        checkout.save()
        checkout_prices_calculate(checkout)

        # when
        frozen.move_to(at(24.1))
        at_old_time = sweep()
        frozen.move_to(at(5 + 24, 1))
        at_new_time = sweep()

    # then
    assert at_old_time.sent == 0
    assert at_new_time.sent == 1
    abandoned = AbandonedCheckout.objects.get()
    assert abandoned.last_change_seen == at(5)
    assert abandoned.lines_count == 2
    assert abandoned.stage == 2
    assert abandoned.next_stage_at == at(5 + 72)
    assert len(smtp_server.messages) == 2
    assert product_list[0].name in smtp_server.messages[1]["html"]
    assert list(CartReminder.objects.order_by("stage").values_list("stage", flat=True)) == [1, 2]


def test_replaying_the_sweep_changes_nothing(cart_recovery, shopper_checkout, smtp_server):
    # given
    with freeze_time(START) as frozen:
        shopper_checkout(cart_recovery)
        frozen.move_to(at(24.1))
        first = sweep()
        state = (
            list(AbandonedCheckout.objects.values()),
            list(CartReminder.objects.values()),
            list(CartRecoveryOffer.objects.values()),
        )

        # when
        replays = [sweep() for _ in range(3)]

    # then
    assert first.sent == 1
    assert [(replay.detected, replay.sent, replay.skipped) for replay in replays] == [(0, 0, 0)] * 3
    assert state == (
        list(AbandonedCheckout.objects.values()),
        list(CartReminder.objects.values()),
        list(CartRecoveryOffer.objects.values()),
    )
    assert len(smtp_server.messages) == 1


def test_a_stage_is_claimed_once_even_when_advanced_again(
    cart_recovery, shopper_checkout, smtp_server
):
    # given: the stage was claimed by an earlier run (the row still says it is due)
    with freeze_time(START) as frozen:
        shopper_checkout(cart_recovery)
        frozen.move_to(at(1.1))
        sweep()
        AbandonedCheckout.objects.update(stage=0, next_stage_at=at(1))

        # when
        result = sweep()

    # then
    assert result.sent == 0
    assert CartReminder.objects.get().status == ReminderStatus.SENT
    assert len(smtp_server.messages) == 1


def test_checkouts_that_are_not_abandoned_are_not_detected(
    cart_recovery, shopper_checkout, smtp_server, checkout
):
    # given: no e-mail; completion under way; no lines
    with freeze_time(START) as frozen:
        no_email = shopper_checkout(cart_recovery)
        no_email.email = None
        no_email.save(update_fields=["email", "last_change"])
        completing = shopper_checkout(cart_recovery, email="completing@example.com")
        checkout.email = "empty@example.com"
        checkout.save(update_fields=["email", "last_change"])
        frozen.move_to(at(2))
        # Saleor locks a checkout while completing it, without touching last_change
        Checkout.objects.filter(pk=completing.pk).update(completing_started_at=at(1.99))

        # when
        result = sweep()

    # then
    assert result.detected == 0
    assert not AbandonedCheckout.objects.exists()
    assert smtp_server.messages == []


def test_customer_checkout_uses_the_account_email(
    cart_recovery, shopper_checkout, smtp_server, customer_user
):
    # given
    with freeze_time(START) as frozen:
        checkout = shopper_checkout(cart_recovery, email=None, user=customer_user)
        frozen.move_to(at(1.1))

        # when
        sweep()

    # then
    abandoned = AbandonedCheckout.objects.get(token=checkout.token)
    assert abandoned.user == customer_user
    assert abandoned.email == customer_user.email
    [message] = smtp_server.messages
    assert message["to"] == [customer_user.email]
    assert f"Hello {customer_user.first_name}," in message["html"]


def test_cart_below_minimum_total_is_not_reminded(cart_recovery, shopper_checkout, smtp_server):
    # given: a 20.00 cart and a 25.00 minimum
    cart_recovery.configure(cart_min_total="25")
    with freeze_time(START) as frozen:
        shopper_checkout(cart_recovery, quantity=2)
        frozen.move_to(at(1.1))

        # when
        result = sweep()

    # then
    assert result.detected == 0
    assert smtp_server.messages == []


def test_gone_checkout_expires_without_a_message(cart_recovery, shopper_checkout, smtp_server):
    # given: detected, then Saleor deleted the checkout (no order has its token)
    with freeze_time(START) as frozen:
        checkout = shopper_checkout(cart_recovery)
        frozen.move_to(at(1.1))
        sweep()
        checkout.delete()
        frozen.move_to(at(24.1))

        # when
        result = sweep()

    # then
    assert result.sent == 0
    abandoned = AbandonedCheckout.objects.get()
    assert abandoned.status == AbandonedStatus.EXPIRED
    assert abandoned.closed_at == at(24.1)
    assert len(smtp_server.messages) == 1


def test_messages_per_run_bound_the_sweep(cart_recovery, shopper_checkout, smtp_server):
    # given: three carts due, two messages per run
    cart_recovery.configure(cart_messages_per_run="2")
    with freeze_time(START) as frozen:
        for number in range(3):
            shopper_checkout(cart_recovery, email=f"shopper{number}@example.com")
        frozen.move_to(at(1.1))

        # when
        first = sweep()
        second = sweep()

    # then
    assert (first.detected, first.sent) == (3, 2)
    assert (second.detected, second.sent) == (0, 1)
    assert sorted(message["to"][0] for message in smtp_server.messages) == [
        "shopper0@example.com",
        "shopper1@example.com",
        "shopper2@example.com",
    ]


def test_channel_without_cart_recovery_is_left_alone(cart_recovery, shopper_checkout, smtp_server):
    # given
    cart_recovery.configure(cart_recovery_enabled=False)
    with freeze_time(START) as frozen:
        shopper_checkout(cart_recovery)
        frozen.move_to(at(1.1))

        # when
        result = sweep()

    # then
    assert result.detected == 0
    assert not AbandonedCheckout.objects.exists()
    assert smtp_server.messages == []


def test_experiment_holdout_gets_the_offer_stage_without_a_code(
    cart_recovery, shopper_checkout, smtp_server
):
    # given: a shopper the stable hash puts in the holdout (no offer)
    cart_recovery.configure(
        cart_experiment="holdout | 1000 | none\nten | 1 | percentage 10 items 7d"
    )
    with freeze_time(START) as frozen:
        email = next(
            f"shopper{number}@example.com"
            for number in range(100)
            if _variant(cart_recovery, f"shopper{number}@example.com") == "holdout"
        )
        shopper_checkout(cart_recovery, email=email)
        frozen.move_to(at(24.1))

        # when
        result = sweep()

    # then
    assert result.sent == 1
    abandoned = AbandonedCheckout.objects.get()
    assert abandoned.variant == "holdout"
    assert not CartRecoveryOffer.objects.exists()
    assert CartReminder.objects.get().kind == "offer"
    [message] = smtp_server.messages
    assert message["subject"] == "You left something in your cart"
    assert "CART-" not in message["html"]


def _variant(channel, email):
    """The variant the experiment gives this shopper (stable hash of e-mail and channel)."""
    variants = load_channel_program(channel.pk).config.carts.experiment
    return variant_for(email=email, channel_id=channel.pk, variants=variants).name
