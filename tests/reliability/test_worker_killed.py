"""A worker killed with SIGKILL in the middle of its work, then run again.

Each test commits its data (``transaction=True``) and starts the work in a process of
its own on the test database (``tests.carts.celery_settings``): the loyalty backfill
command, the cart-recovery sweep task, a segment recompute. To kill it at a known
point, not after a guessed delay, another session holds a lock the work needs halfway
(a row lock, or the advisory lock of a shopper): the process does the first part (each
committed), then waits on that lock — seen in ``pg_stat_activity`` under the process's
application name — and is killed there. PostgreSQL notices the dead client only when
the waiting statement, the lock released, tries to answer: a statement inside a
transaction is rolled back with it, one in autocommit commits whole. The test waits
for the process's sessions to end, then reruns the work: the result equals an
uninterrupted run and nothing is done twice.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from saleor.checkout.models import Checkout
from saleor.account.models import User
from saleor.order import OrderChargeStatus, OrderStatus
from saleor.order.models import Order

from saleor_crm_plugin.carts.lock_objects import SHOPPER_LOCK_NAMESPACE
from saleor_crm_plugin.carts.models import AbandonedCheckout, CartReminder, ReminderStatus
from saleor_crm_plugin.carts.tasks import abandoned_checkouts_sweep_task
from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyAccount, LoyaltyEntry
from saleor_crm_plugin.segments.actions import customer_segment_create
from saleor_crm_plugin.segments.models import (
    CustomerSegment,
    MembershipEventKind,
    SegmentMembership,
    SegmentMembershipEvent,
)
from saleor_crm_plugin.segments.tasks import rfm_daily_task
from tests.fixtures.orders import THREE_LINES

from .conftest import other_session

# Starting Django and Saleor in a new process takes long on a loaded machine.
WAIT_SECONDS = 300


def _start(name: str, arguments: list[str], log_dir) -> subprocess.Popen:
    """``python <arguments>`` with the test's settings on the test database; its
    PostgreSQL sessions carry ``name`` as their application name."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.carts.celery_settings",
        "CRM_E2E_BROKER_URL": "memory://",
        "CRM_E2E_DATABASE_NAME": connection.settings_dict["NAME"],
        "PGAPPNAME": name,
    }
    return subprocess.Popen(
        [sys.executable, *arguments],
        env=env,
        stdout=open(log_dir / f"{name}.log", "w"),  # noqa: SIM115  (closed with the process)
        stderr=subprocess.STDOUT,
    )


def _kill_when_waiting_on_a_lock(process, name: str, log_dir) -> None:
    """Wait until the process's session waits on a lock, then SIGKILL the process.

    Watched from a session of its own, in autocommit: within a transaction
    ``pg_stat_activity`` keeps showing what it showed first."""
    deadline = time.monotonic() + WAIT_SECONDS
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log = (log_dir / f"{name}.log").read_text()
                pytest.fail(f"{name} ended before reaching the held lock:\n{log[-3000:]}")
            with other_session() as watcher:
                waiting = watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE application_name = %s AND wait_event_type = 'Lock'",
                    [name],
                ).fetchone()[0]
            if waiting:
                return
            time.sleep(0.2)
        pytest.fail(f"{name} never reached the held lock in {WAIT_SECONDS} s")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()


def _sessions(name: str) -> int:
    with other_session() as watcher:
        return watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [name]
        ).fetchone()[0]


def _wait_until_sessions_end(name: str) -> None:
    """PostgreSQL does not notice a killed client while its statement waits: once the
    lock is free the statement goes on, then fails to answer and the session ends (its
    transaction rolled back, or the statement committed when it was a transaction of
    its own, in autocommit)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while _sessions(name) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _sessions(name), f"{name}'s database sessions outlived it"


def _run_killed(name, arguments, hold, tmp_path) -> subprocess.Popen:
    """Run ``arguments`` in a process while ``hold(session)`` holds a lock; kill it there."""
    with other_session() as holder:
        holder.execute("BEGIN")
        hold(holder)
        process = _start(name, arguments, tmp_path)
        _kill_when_waiting_on_a_lock(process, name, tmp_path)
        holder.execute("ROLLBACK")
    _wait_until_sessions_end(name)
    assert process.returncode == -signal.SIGKILL
    return process


# --- loyalty backfill ---------------------------------------------------------------

ORDERS_PER_CUSTOMER = 3
POINTS_PER_ORDER = 60  # THREE_LINES under the default rules


def _earned_by_customer(customers, channel) -> list[list[int]]:
    return [
        sorted(
            LoyaltyEntry.objects.filter(
                account__user=customer, account__channel=channel, type=EntryType.EARN
            ).values_list("points", flat=True)
        )
        for customer in customers
    ]


@pytest.mark.django_db(transaction=True)
def test_a_backfill_killed_midway_resumes_to_the_uninterrupted_result(
    crm_usd, crm_order, customer_user, customer_user2, tmp_path
):
    # given: paid orders from before the programme (no hook earned them): the first
    # customer's, then the second's; both have accounts
    customers = [customer_user, customer_user2]
    for customer in customers:
        account_get_or_create(user_id=customer.pk, channel_id=crm_usd.pk, now=timezone.now())
        for _ in range(ORDERS_PER_CUSTOMER):
            crm_order(crm_usd, THREE_LINES, user=customer)
    Order.objects.update(charge_status=OrderChargeStatus.FULL)
    held = LoyaltyAccount.objects.get(user=customer_user2, channel=crm_usd)

    # when: the backfill command runs in its own process, is held at the second
    # customer's account and killed there
    _run_killed(
        "crm-killed-backfill",
        ["-m", "django", "crm_loyalty_backfill", "--channel", crm_usd.slug],
        lambda session: session.execute(
            f"SELECT 1 FROM {LoyaltyAccount._meta.db_table} WHERE id = %s FOR UPDATE",
            [held.pk],
        ),
        tmp_path,
    )

    # then: killed midway: the first customer's orders earned; of the second's, only the
    # one whose posting (one statement, in autocommit) was waiting: it went on once the
    # account was free, whole
    assert _earned_by_customer(customers, crm_usd) == [
        [POINTS_PER_ORDER] * ORDERS_PER_CUSTOMER,
        [POINTS_PER_ORDER],
    ]

    # when: the backfill is run again, and once more
    call_command("crm_loyalty_backfill", "--channel", crm_usd.slug)
    call_command("crm_loyalty_backfill", "--channel", crm_usd.slug)

    # then: as an uninterrupted run: every order earned once; the audit is clean
    assert _earned_by_customer(customers, crm_usd) == [[POINTS_PER_ORDER] * ORDERS_PER_CUSTOMER] * 2
    assert [
        LoyaltyAccount.objects.get(user=customer, channel=crm_usd).balance for customer in customers
    ] == [POINTS_PER_ORDER * ORDERS_PER_CUSTOMER] * 2
    call_command("crm_loyalty_audit")


# --- cart-recovery sweep ------------------------------------------------------------

SWEEP_TASK = "saleor_crm_plugin.carts.tasks.abandoned_checkouts_sweep_task"


def _python_call(dotted_path: str, **kwargs) -> list[str]:
    """Arguments of ``python`` that set Django up and call the function at ``dotted_path``."""
    module, function = dotted_path.rsplit(".", 1)
    return [
        "-c",
        f"import django; django.setup(); from {module} import {function}; {function}(**{kwargs!r})",
    ]


@pytest.mark.django_db(transaction=True)
def test_a_cart_sweep_killed_midway_resumes_to_the_uninterrupted_result(
    cart_recovery, shopper_checkout, smtp_server, tmp_path
):
    # given: two carts left two hours ago, of two shoppers (the first left earlier)
    emails = ["first@example.com", "second@example.com"]
    checkouts = [shopper_checkout(cart_recovery, email=email) for email in emails]
    for hours, checkout in zip([3, 2], checkouts, strict=True):
        Checkout.objects.filter(pk=checkout.pk).update(
            last_change=timezone.now() - datetime.timedelta(hours=hours)
        )

    # when: the sweep task runs in its own process, waits for the second shopper's lock
    # (held by another session) and is killed there
    _run_killed(
        "crm-killed-cart-sweep",
        _python_call(SWEEP_TASK),
        lambda session: session.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
            [SHOPPER_LOCK_NAMESPACE, emails[1]],
        ),
        tmp_path,
    )

    # then: killed midway: both carts detected, the first reminded, the second not yet
    assert sorted(AbandonedCheckout.objects.values_list("email", flat=True)) == emails
    assert [message["to"] for message in smtp_server.messages] == [[emails[0]]]
    assert _reminders_by_email() == {emails[0]: [(1, ReminderStatus.SENT)]}

    # when: the sweep runs again, and once more
    abandoned_checkouts_sweep_task()
    abandoned_checkouts_sweep_task()

    # then: as an uninterrupted sweep: one row and one first reminder per cart
    assert sorted(AbandonedCheckout.objects.values_list("email", flat=True)) == emails
    assert sorted(message["to"][0] for message in smtp_server.messages) == emails
    assert _reminders_by_email() == {email: [(1, ReminderStatus.SENT)] for email in emails}


def _reminders_by_email() -> dict[str, list[tuple[int, str]]]:
    reminders: dict[str, list[tuple[int, str]]] = {}
    for email, stage, status in CartReminder.objects.order_by("pk").values_list(
        "abandoned__email", "stage", "status"
    ):
        reminders.setdefault(email, []).append((stage, status))
    return reminders


# --- segment recompute --------------------------------------------------------------

RFM_TASK = "saleor_crm_plugin.segments.tasks.rfm_daily_task"
SCORED = {"field": "rfm_recency", "op": "gte", "value": 1}


def _members_and_events(segment) -> tuple[list[int], list[tuple[int, str]]]:
    members = sorted(
        SegmentMembership.objects.filter(segment=segment).values_list("user_id", flat=True)
    )
    events = sorted(
        SegmentMembershipEvent.objects.filter(segment=segment).values_list("user_id", "kind")
    )
    return members, events


@pytest.mark.django_db(transaction=True)
def test_a_segment_recompute_killed_midway_resumes_to_the_uninterrupted_result(
    order_generator, channel_USD, tmp_path
):
    # given: three customers with a paid order; two segments reading RFM scores, which
    # are not computed yet (both empty)
    customers = []
    for index in range(3):
        customer = User.objects.create(email=f"killed-rfm{index}@example.com")
        order = order_generator(
            channel=channel_USD,
            currency=channel_USD.currency_code,
            user=customer,
            user_email=customer.email,
            status=OrderStatus.FULFILLED,
        )
        Order.objects.filter(pk=order.pk).update(total_charged_amount=Decimal(50))
        customers.append(customer.pk)
    first, second = (
        customer_segment_create(name=name, definition=SCORED, channel_id=channel_USD.pk)
        for name in ("Scored", "Scored too")
    )
    assert first.member_count == second.member_count == 0

    # when: the daily RFM task runs in its own process: it scores, recomputes the first
    # segment, waits for the second (held by another session) and is killed there
    _run_killed(
        "crm-killed-segments",
        _python_call(RFM_TASK),
        lambda session: session.execute(
            f"SELECT 1 FROM {CustomerSegment._meta.db_table} WHERE id = %s FOR UPDATE",
            [second.pk],
        ),
        tmp_path,
    )

    # then: killed midway: the first segment recomputed, the second not
    joined = [(customer, MembershipEventKind.JOINED) for customer in customers]
    assert _members_and_events(first) == (customers, joined)
    assert _members_and_events(second) == ([], [])

    # when: the task runs again, and once more
    rfm_daily_task()
    rfm_daily_task()

    # then: as an uninterrupted run: both segments hold everyone, each joined once
    for segment in (first, second):
        segment.refresh_from_db()
        assert _members_and_events(segment) == (customers, joined)
        assert segment.member_count == len(customers)
