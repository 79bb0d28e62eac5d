"""Several Celery workers share the cart sweep: each reminder is sent once.

Two real ``celery worker`` processes (Saleor's app, ``tests.replica.celery_settings``:
the writer on the dedicated primary, the replica on its standby, a Redis queue of this
test's own) take sweeps from the same queue, several at once. The sweep claims each
stage by a unique insert before it sends, so however the sweeps overlap, every
shopper gets exactly one first reminder and nothing fails. Skipped when Redis is not
running (failed under ``CI``).
"""

import datetime
import os
import re
import subprocess
import sys
import time
import uuid

import pytest
import redis
from celery import Celery
from django.utils import timezone
from saleor.checkout.models import Checkout

from saleor_crm_plugin.carts.models import CartReminder, ReminderStatus
from tests.fixtures.ci import skip_or_fail_in_ci, stop_process
from tests.fixtures.celery_e2e import BROKER_URL, WAIT_SECONDS, redis_down_reason

SHOPPERS = 12
SWEEPS = 6
WORKERS = ("first", "second")
FAILED = re.compile(r" (ERROR|CRITICAL) |raised unexpected|Traceback")
SWEEP_TASK = "saleor_crm_plugin.carts.tasks.abandoned_checkouts_sweep_task"


@pytest.fixture
def broker():
    down = redis_down_reason()
    if down:
        skip_or_fail_in_ci(down)
    return redis.Redis.from_url(BROKER_URL)


@pytest.fixture
def two_workers(replica_databases, site_settings, settings, broker, tmp_path):
    """Two worker processes on one queue; yields (queue, log paths) once both are ready."""
    queue = f"crm-replica-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.replica.celery_settings",
        "CRM_E2E_BROKER_URL": BROKER_URL,
        "CRM_E2E_DATABASE_NAME": replica_databases.database,
        "CRM_REPLICA_PRIMARY_PORT": str(replica_databases.primary_port),
        "CRM_REPLICA_STANDBY_PORT": str(replica_databases.standby_port),
        "CRM_REPLICA_QUEUE": queue,
        "CRM_REPLICA_SITE_ID": str(settings.SITE_ID),
    }
    started = []
    for name in WORKERS:
        log = tmp_path / f"{name}.log"
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "saleor.celeryconf:app", "worker",
                "--pool=solo", "--prefetch-multiplier=1", "-O", "fair", "-Q", queue,
                "-n", f"{name}@%h", "--without-heartbeat", "--without-mingle",
                "--without-gossip", "--loglevel=INFO",
            ],
            env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append((process, log))
    deadline = time.monotonic() + WAIT_SECONDS
    while not all("ready." in log.read_text() for _process, log in started):
        assert time.monotonic() < deadline, "the workers never became ready"
        time.sleep(0.2)
    yield queue, [log for _process, log in started]
    for process, _log in started:
        stop_process(process)
    broker.delete(queue)


def test_two_workers_running_the_same_sweep_send_each_reminder_once(
    replica_databases, cart_recovery, shopper_checkout, smtp_server, two_workers
):
    # given: twelve carts left two hours ago
    emails = sorted(f"shopper{number}@example.com" for number in range(SHOPPERS))
    for email in emails:
        checkout = shopper_checkout(cart_recovery, email=email, quantity=1)
        Checkout.objects.filter(pk=checkout.pk).update(
            last_change=timezone.now() - datetime.timedelta(hours=2)
        )
    queue, logs = two_workers

    # when: six sweeps queued at once for both workers (sent through the broker: this
    # process runs its own tasks eagerly)
    with Celery(broker=BROKER_URL) as client:
        for _sweep in range(SWEEPS):
            client.send_task(SWEEP_TASK, queue=queue)
    deadline = time.monotonic() + WAIT_SECONDS

    def finished() -> int:
        return sum(log.read_text().count("succeeded in") for log in logs)

    while finished() < SWEEPS and time.monotonic() < deadline:
        time.sleep(0.2)

    # then: both workers swept, every shopper got one reminder, nothing failed
    texts = [log.read_text() for log in logs]
    assert finished() == SWEEPS, "\n".join(text[-3000:] for text in texts)
    assert all("succeeded in" in text for text in texts), "one worker took every sweep"
    failures = [line for text in texts for line in text.splitlines() if FAILED.search(line)]
    assert failures == []
    assert sorted(recipient for m in smtp_server.messages for recipient in m["to"]) == emails
    sent = CartReminder.objects.filter(status=ReminderStatus.SENT)
    assert sorted(sent.values_list("abandoned__email", flat=True)) == emails
    assert CartReminder.objects.count() == SHOPPERS
