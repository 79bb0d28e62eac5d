"""A CRM task whose database transaction fails halfway.

A PostgreSQL trigger installed by the test fails the account's totals update, which
the ledger makes in the same statement that inserts the earn entry: the insert is done,
then the statement fails. A transient failure (SQLSTATE 40001, a serialization failure)
is retried by Celery (``autoretry_for``) and the retry earns once; a permanent one (a
plain ``RAISE``) fails the task, the request still answers, and the periodic
reconciliation earns once the fault is gone. Never half an earning, never two.
"""

import logging

import pytest
from django.db import connection
from saleor.order import OrderChargeStatus

from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyAccount, LoyaltyEntry
from saleor_crm_plugin.loyalty.tasks import reconcile_changed_orders_task, sync_order_points_task
from saleor_crm_plugin.retries import MAX_RETRIES
from tests.fixtures.loyalty import balance_of
from tests.fixtures.orders import THREE_LINES

TRANSIENT, PERMANENT = "40001", "P0001"

# The task runs as in a worker, in autocommit (a posting is one statement with no
# savepoint): the test commits its data, and the fault's objects are dropped after it.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fault_removed_afterwards():
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS crm_fault ON {LoyaltyAccount._meta.db_table}")
        cursor.execute("DROP FUNCTION IF EXISTS crm_fault_account_update()")
        cursor.execute("DROP SEQUENCE IF EXISTS crm_fault_account_updates")


def _fail_account_updates(*, sqlstate: str, times: int) -> None:
    """The next ``times`` updates of a loyalty account raise ``sqlstate``.

    The counter is a sequence: ``nextval`` is not rolled back with the failed write,
    so a retry sees the next number.
    """
    table = LoyaltyAccount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE crm_fault_account_updates")
        cursor.execute(
            f"""
            CREATE FUNCTION crm_fault_account_update() RETURNS trigger AS $$
            BEGIN
              IF nextval('crm_fault_account_updates') <= {times} THEN
                RAISE EXCEPTION 'injected fault' USING ERRCODE = '{sqlstate}';
              END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql
            """
        )
        cursor.execute(
            f"CREATE TRIGGER crm_fault BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION crm_fault_account_update()"
        )


def _remove_fault() -> int:
    """Drop the trigger; return how many account updates it saw."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER crm_fault ON {LoyaltyAccount._meta.db_table}")
        cursor.execute("SELECT last_value FROM crm_fault_account_updates")
        return cursor.fetchone()[0]


def _entries(order) -> list[tuple[str, int]]:
    return list(LoyaltyEntry.objects.filter(order_id=order.pk).values_list("type", "points"))


def test_a_transient_failure_halfway_is_retried_and_earns_once(
    crm_usd, crm_order, order_payments, customer_user
):
    # given: the first account update fails with a serialization failure
    order = crm_order(crm_usd, THREE_LINES)
    _fail_account_updates(sqlstate=TRANSIENT, times=1)

    # when: staff mark the order as paid (the sync task runs on commit, eagerly here)
    order_payments.mark_as_paid(order)

    # then: the first attempt failed after its insert, Celery retried, the retry earned
    order.refresh_from_db()
    assert order.charge_status == OrderChargeStatus.FULL
    assert _remove_fault() >= 2
    assert _entries(order) == [(EntryType.EARN, 60)]
    assert balance_of(customer_user, crm_usd) == 60


def test_a_permanent_failure_halfway_writes_nothing_and_the_next_run_earns_once(
    crm_usd, crm_order, order_payments, customer_user, caplog
):
    # given: every account update fails (a bug, a broken row)
    order = crm_order(crm_usd, THREE_LINES)
    _fail_account_updates(sqlstate=PERMANENT, times=10**6)

    # when: staff mark the order as paid
    with caplog.at_level(logging.ERROR):
        order_payments.mark_as_paid(order)

    # then: Saleor recorded the payment; the task failed once (no retry for a
    # permanent error) and left nothing behind, not even the entry it inserted
    order.refresh_from_db()
    assert order.charge_status == OrderChargeStatus.FULL
    assert _entries(order) == []
    assert LoyaltyAccount.objects.filter(user=customer_user, balance__gt=0).count() == 0
    attempts = _remove_fault()

    # when: the fault is gone and the periodic reconciliation runs (twice)
    reconcile_changed_orders_task()
    reconcile_changed_orders_task()

    # then
    assert attempts >= 1
    assert _entries(order) == [(EntryType.EARN, 60)]
    assert balance_of(customer_user, crm_usd) == 60


def _updates_seen() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM crm_fault_account_updates")
        return cursor.fetchone()[0]


def test_retries_give_up_after_max_retries_and_write_nothing(crm_usd, crm_order, order_payments):
    # given: every account update fails transiently, for good; the order is paid
    order = crm_order(crm_usd, THREE_LINES)
    _fail_account_updates(sqlstate=TRANSIENT, times=10**6)
    order_payments.mark_as_paid(order)
    before = _updates_seen()

    # when: the event's task runs once more
    result = sync_order_points_task.apply(args=[str(order.pk)], throw=False)

    # then: the first attempt and MAX_RETRIES retries, each rolled back whole; the
    # periodic reconciliation is left to catch up
    assert result.state == "FAILURE"
    assert _updates_seen() - before == 1 + MAX_RETRIES
    assert _entries(order) == []
    _remove_fault()
