"""Two sweeps at once, each in its own PostgreSQL connection, send every stage once."""

import datetime
import threading

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from saleor.checkout.models import Checkout

from saleor_crm_plugin.carts.detection import abandoned_checkouts_sweep
from saleor_crm_plugin.carts.models import (
    AbandonedCheckout,
    CartReminder,
    ReminderStatus,
    SkipReason,
)

SWEEPS = 4
CARTS = 6


def sweep_concurrently(*, now):
    """Run SWEEPS sweeps at once, each in its own connection: (results, errors)."""
    start = threading.Barrier(SWEEPS)
    results, errors = [], []

    def run():
        # The replica alias mirrors the test database in the test's own thread only.
        connections[settings.DATABASE_CONNECTION_REPLICA_NAME] = connection
        try:
            start.wait()
            results.append(abandoned_checkouts_sweep(now=now))
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(SWEEPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_send_each_stage_once(cart_recovery, shopper_checkout, smtp_server):
    # given: six carts left two hours ago (committed: each sweep has its own connection)
    for number in range(CARTS):
        shopper_checkout(cart_recovery, email=f"shopper{number}@example.com")
    Checkout.objects.update(last_change=timezone.now() - datetime.timedelta(hours=2))

    # when
    results, errors = sweep_concurrently(now=timezone.now())

    # then
    assert errors == []
    assert sum(result.detected for result in results) == CARTS
    assert sum(result.sent for result in results) == CARTS
    assert sorted(message["to"][0] for message in smtp_server.messages) == sorted(
        f"shopper{number}@example.com" for number in range(CARTS)
    )
    assert AbandonedCheckout.objects.filter(stage=1).count() == CARTS
    assert CartReminder.objects.filter(status=ReminderStatus.SENT).count() == CARTS


SHOPPERS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_keep_the_frequency_cap(cart_recovery, shopper_checkout, smtp_server):
    # given: each shopper left two carts two hours ago; the cap (24 h) allows one reminder
    for number in range(SHOPPERS):
        for _cart in range(2):
            shopper_checkout(cart_recovery, email=f"shopper{number}@example.com")
    Checkout.objects.update(last_change=timezone.now() - datetime.timedelta(hours=2))

    # when
    results, errors = sweep_concurrently(now=timezone.now())

    # then: one reminder per shopper; each other cart's stage is skipped by the cap
    assert errors == []
    assert sorted(message["to"][0] for message in smtp_server.messages) == sorted(
        f"shopper{number}@example.com" for number in range(SHOPPERS)
    )
    assert sum(result.sent for result in results) == SHOPPERS
    assert sorted(CartReminder.objects.values_list("status", "skip_reason")) == sorted(
        [(ReminderStatus.SENT, "")] * SHOPPERS
        + [(ReminderStatus.SKIPPED, SkipReason.FREQUENCY_CAP)] * SHOPPERS
    )
