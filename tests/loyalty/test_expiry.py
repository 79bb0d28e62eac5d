"""Time: pending points mature, old points expire first, customers are warned once."""

import datetime
import http.server
import json
import threading
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time
from saleor.webhook.event_types import WebhookEventAsyncType
from saleor.webhook.models import Webhook

from saleor_crm_plugin.loyalty.orders import order_points_sync
from saleor_crm_plugin.loyalty.points_lifecycle import due_points_expire
from saleor_crm_plugin.loyalty.ledger import post_entry
from saleor_crm_plugin.loyalty.models import (
    EntryStatus,
    EntryType,
    LoyaltyAccount,
    LoyaltyEntry,
    LoyaltyNotice,
)
from saleor_crm_plugin.loyalty.notifications import POINTS_EXPIRING_EVENT
from saleor_crm_plugin.loyalty.tasks import (
    expire_points_task,
    mature_pending_points_task,
)
from tests.fixtures.loyalty import account_state, ledger_problems
from tests.fixtures.plugin import configure_crm

T0 = datetime.datetime(2025, 1, 10, 12, tzinfo=datetime.UTC)


def _days(days: float) -> datetime.datetime:
    return T0 + datetime.timedelta(days=days)


def test_pending_points_become_available_after_the_return_window(
    channel_USD, crm_order, order_payments, customer_user
):
    # given: earned with a 14-day return window
    configure_crm(channel_USD, pending_period="14d")
    order = crm_order(channel_USD, [(Decimal("60.00"), 1)])
    order_payments.charge(order)
    account = LoyaltyAccount.objects.get(user=customer_user, channel=channel_USD)
    paid = timezone.now()

    # when: the periodic task runs inside the window, then after it, twice
    with freeze_time(paid + datetime.timedelta(days=13)):
        mature_pending_points_task()
    inside_window = account_state(account)
    with freeze_time(paid + datetime.timedelta(days=14, minutes=1)):
        mature_pending_points_task()
        mature_pending_points_task()

    # then
    assert inside_window == (0, 60, 60)
    assert account_state(account) == (60, 0, 60)
    earn = LoyaltyEntry.objects.get(order_id=order.pk)
    assert (earn.status, earn.remaining) == (EntryStatus.AVAILABLE, 60)
    assert ledger_problems() == []


def _earn_in_the_past(channel, crm_order, order_payments, net: str, *, when, psp: str):
    """An order paid at ``when`` (earned by the reconciliation as of then)."""
    configure_crm(channel, pending_period="0", points_expire_after="365d", active=False)
    order = crm_order(channel, [(Decimal(net), 1)])
    order_payments.charge(order, psp=psp)
    configure_crm(channel, pending_period="0", points_expire_after="365d")
    order_points_sync(order_id=order.pk, now=when, paid_at=when)
    return LoyaltyEntry.objects.get(order_id=order.pk)


def test_expiry_takes_what_is_left_of_the_oldest_batch_first(
    channel_USD, crm_order, order_payments, customer_user
):
    # given: 100 points earned on day 0 and 100 on day 100; 50 spent on day 200,
    # taken from the oldest batch
    older = _earn_in_the_past(channel_USD, crm_order, order_payments, "100.00", when=T0, psp="a")
    newer = _earn_in_the_past(
        channel_USD, crm_order, order_payments, "100.00", when=_days(100), psp="b"
    )
    account = older.account
    post_entry(
        account=account,
        points=-50,
        entry_type=EntryType.REDEEM,
        idempotency_key="spend",
    )

    # when: a year after the first earn (twice), then a year after the second
    first_run = due_points_expire(now=_days(366))
    replay = due_points_expire(now=_days(366))
    state_after_first_year = account_state(account)
    with freeze_time(_days(466)):
        expire_points_task()

    # then
    assert (first_run, replay) == (1, 0)
    assert state_after_first_year == (100, 0, 200)
    expiries = list(
        LoyaltyEntry.objects.filter(type=EntryType.EXPIRE)
        .order_by("pk")
        .values_list("batch_id", "points")
    )
    assert expiries == [(older.pk, -50), (newer.pk, -100)]
    assert account_state(account) == (0, 0, 200)
    assert ledger_problems() == []


@pytest.fixture
def notify_receiver():
    """An app backend on loopback that records the webhooks it receives."""
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/webhooks", received
    server.shutdown()
    server.server_close()
    thread.join()


def test_expiry_warning_goes_out_once_per_expiry_day(
    channel_USD,
    customer_user,
    app,
    permission_manage_users,
    settings,
    site_settings,
    notify_receiver,
):
    # given: Saleor's webhook plugin forwards notify events to an app subscribed to
    # NOTIFY_USER; 40 + 30 points expire in 20 days, 25 more in 60 days
    target_url, received = notify_receiver
    settings.PLUGINS = [
        "saleor_crm_plugin.plugin.CRMPlugin",
        "saleor.plugins.webhook.plugin.WebhookPlugin",
    ]
    app.permissions.add(permission_manage_users)
    webhook = Webhook.objects.create(name="Mailer", app=app, target_url=target_url)
    webhook.events.create(event_type=WebhookEventAsyncType.NOTIFY_USER)
    configure_crm(
        channel_USD,
        pending_period="0",
        points_expire_after="365d",
        expiry_warning_before="30d",
    )
    account = LoyaltyAccount.objects.create(user=customer_user, channel=channel_USD)
    now = timezone.now().replace(hour=1, minute=0, second=0, microsecond=0)
    soon = now + datetime.timedelta(days=20)
    for key, points, expires_at in [
        ("a", 40, soon),
        ("b", 30, soon + datetime.timedelta(hours=2)),
        ("c", 25, now + datetime.timedelta(days=60)),
    ]:
        post_entry(
            account=account,
            points=points,
            entry_type=EntryType.BONUS,
            idempotency_key=key,
            expires_at=expires_at,
        )

    # when: the hourly task runs twice
    with freeze_time(now):
        expire_points_task()
        expire_points_task()

    # then: one warning about the 70 points
    assert list(LoyaltyNotice.objects.values_list("key", flat=True)) == [
        f"expiry-warning:{account.pk}:{soon.date().isoformat()}"
    ]
    assert [(body["notify_event"], body["payload"]["points"]) for body in received] == [
        (POINTS_EXPIRING_EVENT, 70)
    ]
    payload = received[0]["payload"]
    assert payload["recipient_email"] == customer_user.email
    assert payload["channel_slug"] == channel_USD.slug
    assert payload["expires_at"] == soon.isoformat()
    assert payload["balance"] == 95

    # when: 45 days later the 70 points have expired and the last 25 come into the window
    with freeze_time(now + datetime.timedelta(days=45)):
        expire_points_task()
        expire_points_task()

    # then
    assert [(body["notify_event"], body["payload"]["points"]) for body in received] == [
        (POINTS_EXPIRING_EVENT, 70),
        (POINTS_EXPIRING_EVENT, 25),
    ]
    assert LoyaltyNotice.objects.count() == 2
    assert account_state(account) == (25, 0, 95)
