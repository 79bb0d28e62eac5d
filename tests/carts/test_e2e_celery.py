"""End to end: a real Celery worker and beat (Redis on loopback) send a real reminder.

The test commits its data (``transaction=True``: the worker is another process and
sees only committed rows), starts ``celery worker`` and ``celery beat`` on Saleor's
app (``saleor.celeryconf``) with ``tests.carts.celery_settings`` pointing at the same
test database and at Redis database 9, and waits for the SMTP server on loopback to
receive the reminder. It is skipped, saying why, when Redis is not running.
"""

import datetime
import re
import time
from urllib.parse import unquote

import pytest
from django.utils import timezone
from saleor.checkout.models import Checkout

from saleor_crm_plugin.carts.models import AbandonedCheckout, CartReminder, ReminderStatus
from saleor_crm_plugin.carts.restore import cart_restore_token_read
from saleor_crm_plugin.consent.unsubscribe import unsubscribe_token_read
from tests.fixtures.celery_e2e import WAIT_SECONDS, redis_down_reason

REDIS_DOWN = redis_down_reason()

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(REDIS_DOWN is not None, reason=REDIS_DOWN or ""),
]


def _reminder_sent(checkout) -> bool:
    """The worker committed the reminder as sent (it does so after the SMTP reply)."""
    return CartReminder.objects.filter(
        abandoned__token=checkout.token, status=ReminderStatus.SENT
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_worker_and_beat_send_the_first_reminder(
    cart_recovery, shopper_checkout, smtp_server, celery_worker_and_beat
):
    # given: a cart left two hours ago (Saleor's auto-updated last_change moved back)
    checkout = shopper_checkout(cart_recovery, email="e2e@example.com", quantity=2)
    Checkout.objects.filter(pk=checkout.pk).update(
        last_change=timezone.now() - datetime.timedelta(hours=2)
    )

    # when: beat schedules the sweep every second and the worker runs it
    deadline = time.monotonic() + WAIT_SECONDS
    while not _reminder_sent(checkout) and time.monotonic() < deadline:
        time.sleep(0.5)

    # then
    logs = "\n".join(
        (celery_worker_and_beat / name).read_text() for name in ("worker.log", "beat.log")
    )
    assert smtp_server.messages, f"no reminder arrived; worker and beat logs:\n{logs[-5000:]}"
    [message] = smtp_server.messages
    assert message["to"] == ["e2e@example.com"]
    assert message["subject"] == "You left something in your cart"
    link = re.search(
        r"https://shop\.example\.com/checkout/([^\"?]+)\?crm=([^\"]+)\"", message["html"]
    )
    assert link[1] == str(checkout.token)
    assert cart_restore_token_read(token=unquote(link[2]))[0] == checkout.token
    token = re.search(r"unsubscribe\?token=([^\"]+)\"", message["html"])[1]
    assert unsubscribe_token_read(token=token) == "e2e@example.com"
    assert "abandoned_checkouts_sweep_task" in logs
    abandoned = AbandonedCheckout.objects.get(token=checkout.token)
    assert abandoned.stage == 1
    reminder = CartReminder.objects.get(abandoned=abandoned)
    assert reminder.status == ReminderStatus.SENT
