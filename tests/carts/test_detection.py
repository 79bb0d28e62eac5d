"""Detection: set-based, batched, incremental, and reading only Saleor's checkouts."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time
from saleor.checkout.models import Checkout

from saleor_crm_plugin.carts.detection import (
    LATE_COMMIT_COVER,
    MIN_CURSOR_OVERLAP,
    cursor_overlap,
    abandoned_checkouts_detect,
    abandoned_checkouts_sweep,
)
from saleor_crm_plugin.carts.models import AbandonedCheckout, CartDetectionCursor
from saleor_crm_plugin.config import load_channel_program
from tests.fixtures.carts import sweep

START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
WRITE = re.compile(r'^\s*(?:UPDATE|INSERT INTO|DELETE FROM)\s+"?(\w+)', re.IGNORECASE)


def at(hours: float) -> datetime.datetime:
    return START + datetime.timedelta(hours=hours)


def test_detection_runs_the_same_queries_for_one_or_many_checkouts(cart_recovery, shopper_checkout):
    # given: one cart due in the first window, five in the second
    config = load_channel_program(cart_recovery.pk).config
    with freeze_time(START) as frozen:
        shopper_checkout(cart_recovery, email="first@example.com")
        frozen.move_to(at(1))
        for number in range(5):
            shopper_checkout(cart_recovery, email=f"shopper{number}@example.com")

        # when
        frozen.move_to(at(1.5))
        with CaptureQueriesContext(connection) as one:
            detected_one = abandoned_checkouts_detect(
                channel_id=cart_recovery.pk, config=config, now=timezone.now(), batch_size=100
            )
        frozen.move_to(at(2.5))
        with CaptureQueriesContext(connection) as five:
            detected_five = abandoned_checkouts_detect(
                channel_id=cart_recovery.pk, config=config, now=timezone.now(), batch_size=100
            )

    # then: one statement (cursor read, INSERT … SELECT, cursor write), one round trip,
    # whatever the number of rows
    assert (detected_one, detected_five) == (1, 5)
    assert len(one.captured_queries) == len(five.captured_queries) == 1
    assert AbandonedCheckout.objects.count() == 6


def test_detection_works_in_batches(cart_recovery, shopper_checkout):
    # given: five carts due, batches of two
    with freeze_time(START) as frozen:
        for number in range(5):
            shopper_checkout(cart_recovery, email=f"shopper{number}@example.com")
        frozen.move_to(at(1.1))

        # when
        with CaptureQueriesContext(connection) as queries:
            result = abandoned_checkouts_sweep(now=timezone.now(), batch_size=2)

    # then: 2 + 2 + 1 rows, each batch one statement
    assert result.detected == 5
    inserts = [query for query in queries.captured_queries if "INSERT INTO" in query["sql"]]
    assert len([query for query in inserts if "checkout_checkout" in query["sql"]]) == 3
    assert AbandonedCheckout.objects.count() == 5


def test_detection_never_writes_to_saleor_checkouts(cart_recovery, shopper_checkout):
    # given
    with freeze_time(START) as frozen:
        checkout = shopper_checkout(cart_recovery)
        before = Checkout.objects.filter(pk=checkout.pk).values().get()
        frozen.move_to(at(24.1))

        # when
        with CaptureQueriesContext(connection) as queries:
            sweep()

    # then
    assert Checkout.objects.filter(pk=checkout.pk).values().get() == before
    written = {
        match[1] for query in queries.captured_queries if (match := WRITE.match(query["sql"]))
    }
    assert "saleor_crm_abandonedcheckout" in written
    assert "saleor_crm_cartreminder" in written
    assert not [table for table in written if table.startswith("checkout_")]


def test_each_sweep_reads_from_where_the_previous_one_stopped(cart_recovery, shopper_checkout):
    # given: a sweep at 2 h looked at carts last changed up to 1 h
    with freeze_time(START) as frozen:
        frozen.move_to(at(2))
        sweep()
        cursor = CartDetectionCursor.objects.get(channel=cart_recovery)
        # two carts whose rows committed late, under last_change values the sweep
        # had already passed: one within the overlap (a 1 h first delay: 1 minute),
        # one before it
        late = shopper_checkout(cart_recovery, email="late@example.com")
        too_late = shopper_checkout(cart_recovery, email="too-late@example.com")
        Checkout.objects.filter(pk=late.pk).update(last_change=at(1) - MIN_CURSOR_OVERLAP / 2)
        Checkout.objects.filter(pk=too_late.pk).update(last_change=at(1) - MIN_CURSOR_OVERLAP * 2)
        frozen.move_to(at(2.1))

        # when
        result = sweep()

    # then
    assert cursor.scanned_until == at(1)
    assert result.detected == 1
    assert list(AbandonedCheckout.objects.values_list("email", flat=True)) == ["late@example.com"]
    assert CartDetectionCursor.objects.get(channel=cart_recovery).scanned_until == at(1.1)


def test_a_completion_that_crashed_long_ago_does_not_hide_the_cart(
    cart_recovery, shopper_checkout, smtp_server
):
    # given: Saleor's completion lock set at the last change and never released
    with freeze_time(START) as frozen:
        checkout = shopper_checkout(cart_recovery)
        Checkout.objects.filter(pk=checkout.pk).update(completing_started_at=START)
        frozen.move_to(at(1.1))

        # when
        result = sweep()

    # then
    assert (result.detected, result.sent) == (1, 1)
    assert smtp_server.messages[0]["to"] == ["shopper@example.com"]


def test_checkout_locked_for_completion_at_its_stage_is_looked_at_again(
    cart_recovery, shopper_checkout, smtp_server
):
    # given: detected; completion starts just before the second stage
    with freeze_time(START) as frozen:
        checkout = shopper_checkout(cart_recovery)
        frozen.move_to(at(1.1))
        sweep()
        Checkout.objects.filter(pk=checkout.pk).update(completing_started_at=at(24))
        frozen.move_to(at(24.01))

        # when
        while_locked = sweep()
        frozen.move_to(at(25.1))
        after_the_lock = sweep()

    # then
    assert while_locked.sent == 0
    assert after_the_lock.sent == 1
    assert len(smtp_server.messages) == 2


def test_a_window_read_in_several_batches_moves_the_cursor_to_its_end(
    cart_recovery, shopper_checkout
):
    # given: three carts, detected one per batch
    config = load_channel_program(cart_recovery.pk).config
    with freeze_time(START) as frozen:
        for number in range(3):
            shopper_checkout(cart_recovery, email=f"shopper{number}@example.com")
            frozen.tick(datetime.timedelta(minutes=1))
        frozen.move_to(at(2))

        # when
        detected = abandoned_checkouts_detect(
            channel_id=cart_recovery.pk, config=config, now=timezone.now(), batch_size=1
        )

    # then: the whole window was read, so the next sweep starts at its end
    assert detected == 3
    assert CartDetectionCursor.objects.get(channel=cart_recovery).scanned_until == at(1)


def test_a_row_committed_within_the_cover_after_its_last_change_is_read_again():
    # given: first delays short and long
    short, default = datetime.timedelta(minutes=2), datetime.timedelta(hours=1)

    # when
    overlaps = [cursor_overlap(short), cursor_overlap(default)]

    # then: first delay + overlap always covers LATE_COMMIT_COVER, never less than a minute
    assert overlaps == [LATE_COMMIT_COVER - short, MIN_CURSOR_OVERLAP]
    assert all(
        delay + overlap >= LATE_COMMIT_COVER
        for delay, overlap in zip((short, default), overlaps, strict=True)
    )
