"""The broker is unreachable when Saleor commits an order event.

Celery sends for real (``task_always_eager`` off) to Redis on a closed loopback port:
every task the plugin schedules on commit fails to be queued. Saleor's mutation answers
as without the plugin (the failure is logged, ``on_commit(robust=True)``); the order's
points are then lost until the periodic reconciliation of changed orders runs, which
earns them once. Replaying the event afterwards changes nothing.
"""

import datetime
import logging

from django.core.management import call_command
from django.utils import timezone
from saleor.order import OrderChargeStatus

from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyEntry, LoyaltyOrderScan
from saleor_crm_plugin.loyalty.reconcile import active_program_orders_reconcile
from saleor_crm_plugin.loyalty.tasks import (
    reconcile_changed_orders_task,
    sync_order_points_task,
)
from tests.fixtures.loyalty import balance_of
from tests.fixtures.orders import THREE_LINES


def _earned(order) -> list[int]:
    return list(
        LoyaltyEntry.objects.filter(order_id=order.pk, type=EntryType.EARN).values_list(
            "points", flat=True
        )
    )


def _lost_enqueues(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno == logging.ERROR
        and ("on_commit()" in record.getMessage() or "could not send" in record.getMessage())
    ]


def _catch_up_and_replay(order, customer, channel) -> int:
    """The beat's reconciliation runs twice, then the lost event is replayed; returns
    the points the order earned."""
    reconcile_changed_orders_task()
    reconcile_changed_orders_task()
    sync_order_points_task(str(order.pk))
    call_command("crm_loyalty_audit")  # exits with an error on any mismatch
    earned = _earned(order)
    assert len(earned) == 1
    assert balance_of(customer, channel) == earned[0]
    return earned[0]


def test_checkout_complete_with_the_broker_down_completes_and_points_catch_up(
    crm_usd, paid_order, customer_user, broker_unreachable, caplog
):
    # when: the shopper completes a paid checkout while no task can be queued
    with caplog.at_level(logging.ERROR):
        order = paid_order()

    # then: Saleor created and charged the order (paid_order asserts no errors); every
    # task the plugin scheduled was lost, and logged
    assert order.charge_status == OrderChargeStatus.FULL
    assert _lost_enqueues(caplog)
    assert _earned(order) == []

    # when: the periodic reconciliation runs (the broker is back)
    points = _catch_up_and_replay(order, customer_user, crm_usd)

    # then: the order earned once
    assert points > 0
    assert LoyaltyOrderScan.objects.get(channel=crm_usd).scanned_until <= timezone.now()


def test_order_mark_as_paid_with_the_broker_down_succeeds_and_points_catch_up(
    crm_usd, crm_order, order_payments, customer_user, broker_unreachable, caplog
):
    # given
    order = crm_order(crm_usd, THREE_LINES)

    # when: staff mark the order as paid while no task can be queued
    with caplog.at_level(logging.ERROR):
        order_payments.mark_as_paid(order)

    # then: Saleor recorded the payment (mark_as_paid asserts no errors); nothing earned
    order.refresh_from_db()
    assert order.charge_status == OrderChargeStatus.FULL
    assert _lost_enqueues(caplog)
    assert _earned(order) == []

    # when / then: the reconciliation earns what the event would have (60 points, as
    # tests/loyalty/test_earning.py's uninterrupted run), once
    assert _catch_up_and_replay(order, customer_user, crm_usd) == 60


def test_the_reconciliation_reads_only_orders_changed_since_its_last_scan(
    crm_usd, crm_order, order_payments, django_assert_num_queries
):
    # given: an order paid and synced, which a scan an hour later reconciled again
    order = crm_order(crm_usd, THREE_LINES)
    order_payments.mark_as_paid(order)
    later = timezone.now() + datetime.timedelta(hours=1)
    assert active_program_orders_reconcile(now=later) == 1

    # when: the next scan runs, the order untouched since (programmes, the cursor, one
    # empty page, the cursor saved: a constant number of queries)
    with django_assert_num_queries(7):
        reconciled = active_program_orders_reconcile(now=later + datetime.timedelta(hours=1))

    # then: it read no order, and the first scan changed nothing
    assert reconciled == 0
    assert _earned(order) == [60]
