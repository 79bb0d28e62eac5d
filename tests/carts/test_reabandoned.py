"""A cart refilled and left again after its reminders ran out gets a new round of them."""

import datetime

from freezegun import freeze_time
from saleor.checkout.fetch import fetch_checkout_info
from saleor.checkout.tests.utils import add_variant_to_checkout
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.carts.models import (
    AbandonedCheckout,
    AbandonedStatus,
    CartReminder,
    ReminderStatus,
)
from tests.fixtures.carts import checkout_prices_calculate, sweep

START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def at(hours: float) -> datetime.datetime:
    return START + datetime.timedelta(hours=hours)


def _add(checkout, variant) -> None:
    """The shopper puts an item in the cart (Saleor moves ``last_change``)."""
    checkout_info = fetch_checkout_info(checkout, [], get_plugins_manager(allow_replica=False))
    add_variant_to_checkout(checkout_info, variant, 1)
    checkout.save()
    checkout_prices_calculate(checkout)


def _reminders():
    return list(
        CartReminder.objects.order_by("round", "stage").values_list("round", "stage", "status")
    )


def test_a_cart_changed_after_its_last_stage_starts_a_new_round(
    cart_recovery, shopper_checkout, smtp_server, product_list
):
    # given: all three stages went out; four days later the shopper adds an item
    with freeze_time(START) as frozen:
        checkout = shopper_checkout(cart_recovery)
        for hours in (1.1, 24.1, 72.1):
            frozen.move_to(at(hours))
            sweep()
        frozen.move_to(at(96))
        _add(checkout, product_list[0].variants.first())

        # when
        frozen.move_to(at(97.1))
        result = sweep()

    # then
    assert result.sent == 1
    abandoned = AbandonedCheckout.objects.get()
    assert (abandoned.status, abandoned.round, abandoned.stage) == (AbandonedStatus.OPEN, 2, 1)
    assert abandoned.last_change_seen == at(96)
    assert _reminders() == [
        (1, 1, ReminderStatus.SENT),
        (1, 2, ReminderStatus.SENT),
        (1, 3, ReminderStatus.SENT),
        (2, 1, ReminderStatus.SENT),
    ]
    assert len(smtp_server.messages) == 4
    assert product_list[0].name in smtp_server.messages[3]["html"]


def test_an_emptied_cart_refilled_and_left_again_is_detected_again(
    cart_recovery, shopper_checkout, smtp_server, product_list
):
    # given: reminded once, then emptied (the row expires), refilled on day 3
    with freeze_time(START) as frozen:
        checkout = shopper_checkout(cart_recovery)
        frozen.move_to(at(1.1))
        sweep()
        frozen.move_to(at(2))
        checkout.lines.all().delete()
        checkout.save()
        frozen.move_to(at(24.1))
        sweep()
        assert AbandonedCheckout.objects.get().status == AbandonedStatus.EXPIRED
        frozen.move_to(at(72))
        _add(checkout, product_list[0].variants.first())

        # when
        frozen.move_to(at(73.1))
        result = sweep()
        replay = sweep()

    # then
    assert (result.detected, result.sent) == (1, 1)
    assert (replay.detected, replay.sent) == (0, 0)
    abandoned = AbandonedCheckout.objects.get()
    assert (abandoned.status, abandoned.round, abandoned.stage) == (AbandonedStatus.OPEN, 2, 1)
    assert (abandoned.closed_at, abandoned.lines_count) == (None, 1)
    assert abandoned.next_stage_at == at(72 + 24)
    assert _reminders() == [(1, 1, ReminderStatus.SENT), (2, 1, ReminderStatus.SENT)]
    assert [message["to"] for message in smtp_server.messages] == [["shopper@example.com"]] * 2
