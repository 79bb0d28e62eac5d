"""End to end: a real Celery worker and beat send a birthday journey's e-mail once."""

import datetime
import time

import pytest
from django.utils import timezone

from saleor_crm_plugin.journeys.models import JourneyKind, JourneyMessage, MessageStatus
from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.bonuses import customer_birthday_set
from saleor_crm_plugin.loyalty.models import LoyaltyEntry
from tests.fixtures.celery_e2e import WAIT_SECONDS, redis_down_reason

REDIS_DOWN = redis_down_reason()

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(REDIS_DOWN is not None, reason=REDIS_DOWN or ""),
]


@pytest.mark.django_db(transaction=True)
def test_worker_and_beat_send_the_birthday_message_once(
    journey_on, journeys_channel, smtp_server, customer_user, celery_worker_and_beat
):
    # given: a member whose birthday is today, and the birthday journey on
    today = timezone.now().date()
    account_get_or_create(user_id=customer_user.pk, channel_id=journeys_channel.pk)
    customer_birthday_set(user=customer_user, birthday=today.replace(year=1990))
    journey_on(JourneyKind.BIRTHDAY)

    # when: beat schedules the sweep every second; wait for the send, then a few more sweeps
    deadline = time.monotonic() + WAIT_SECONDS
    while not smtp_server.messages and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(3)

    # then: one e-mail, one message, one bonus
    logs = "\n".join(
        (celery_worker_and_beat / name).read_text() for name in ("worker.log", "beat.log")
    )
    assert len(smtp_server.messages) == 1, f"worker and beat logs:\n{logs[-5000:]}"
    assert smtp_server.messages[0]["to"] == [customer_user.email]
    assert smtp_server.messages[0]["subject"] == f"Happy birthday, {customer_user.first_name}!"
    message = JourneyMessage.objects.get()
    assert message.status == MessageStatus.SENT
    assert LoyaltyEntry.objects.filter(idempotency_key=f"journey:{message.pk}").count() == 1
    assert "journeys_sweep_task" in logs
    assert message.sent_at > timezone.now() - datetime.timedelta(seconds=WAIT_SECONDS + 60)
