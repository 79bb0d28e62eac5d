"""The SMTP server refuses connections, or accepts and never answers.

Cart reminders are the CRM's own SMTP traffic (journey messages share the sender,
``mail.marketing_email_send``). A connection that fails stops the channel's batch
(the next message would fail the same way): the reminder that met it is recorded
``failed`` and is never sent again (at most once: the CRM cannot tell whether a message
that failed mid-conversation left), the others stay due and go out at the next sweep
once the server is back. Nothing is sent twice.
"""

import datetime
import socket
import threading

import pytest
from freezegun import freeze_time

from saleor_crm_plugin.carts.models import CartReminder, ReminderStatus
from tests.fixtures.carts import sweep

from .conftest import closed_port

START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
EMAILS = [f"shopper{number}@example.com" for number in range(3)]


@pytest.fixture
def silent_smtp_port():
    """A loopback port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


def _statuses() -> dict[str, str]:
    return dict(CartReminder.objects.values_list("email", "status"))


def _break_then_recover(cart_recovery, shopper_checkout, smtp_server, *, broken_port):
    with freeze_time(START) as frozen:
        for email in EMAILS:
            shopper_checkout(cart_recovery, email=email)
            frozen.tick(datetime.timedelta(minutes=1))
        cart_recovery.configure(smtp_port=str(broken_port))
        frozen.move_to(START + datetime.timedelta(hours=1.2))
        broken = sweep()
        cart_recovery.configure()  # the server is back
        frozen.move_to(START + datetime.timedelta(hours=1.3))
        resumed = sweep()
        replays = [sweep(), sweep()]
    return broken, resumed, replays


@pytest.mark.parametrize("fault", ["refused", "timeout"])
def test_an_unreachable_smtp_server_fails_one_message_and_sends_nothing_twice(
    fault, cart_recovery, shopper_checkout, smtp_server, request
):
    # given: the channel's SMTP port refuses connections, or never answers
    port = closed_port() if fault == "refused" else request.getfixturevalue("silent_smtp_port")

    # when: a sweep meets it, the server comes back, more sweeps run
    broken, resumed, replays = _break_then_recover(
        cart_recovery, shopper_checkout, smtp_server, broken_port=port
    )

    # then: the first message failed and stopped the batch (smtplib reports the timeout
    # as SMTPServerDisconnected); the others went out once
    assert (broken.sent, broken.failed, broken.untouched) == (0, 1, 2)
    assert (resumed.sent, resumed.failed) == (2, 0)
    assert [(replay.sent, replay.failed) for replay in replays] == [(0, 0), (0, 0)]
    assert _statuses() == {
        EMAILS[0]: ReminderStatus.FAILED,
        EMAILS[1]: ReminderStatus.SENT,
        EMAILS[2]: ReminderStatus.SENT,
    }
    received = [message["to"][0] for message in smtp_server.messages]
    assert sorted(received) == EMAILS[1:]
    failed = CartReminder.objects.get(status=ReminderStatus.FAILED)
    assert (
        failed.skip_reason
        == {"refused": "ConnectionRefusedError", "timeout": "SMTPServerDisconnected"}[fault]
    )
    assert failed.sent_at is None
