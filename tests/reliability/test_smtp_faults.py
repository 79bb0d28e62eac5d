"""The SMTP server refuses connections, never answers, or greylists: the CRM catches up
later with nothing lost and nothing doubled.

Cart reminders are the CRM's own SMTP traffic (journey messages share the sender,
``mail.marketing_email_send``, and the claim, ``journeys.claims``). One rule
(``mail.DeliveryNotAttempted``) tells a failure where nothing can have left — the
connection refused or never opened, a temporary 4xx on the envelope before DATA — from
one after the server may have taken the message. The first goes back to ``retry`` and
the next sweep sends it once (at most ``MAX_ATTEMPTS`` tries, the guards checked again
each time); the second stays ``failed`` and is never sent again (at most once). A
connection that fails stops the channel's batch: the rest stays due and goes out at
the next sweep once the server is back.
"""

import datetime
import socket
import threading

import pytest
from freezegun import freeze_time

from saleor_crm_plugin.carts.models import AbandonedCheckout, CartReminder, ReminderStatus
from saleor_crm_plugin.consent.actions import marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentSource
from saleor_crm_plugin.journeys.claims import MAX_ATTEMPTS
from saleor_crm_plugin.journeys.guards import SkipReason
from saleor_crm_plugin.journeys.models import (
    EnrollmentStatus,
    JourneyEnrollment,
    JourneyKind,
    JourneyMessage,
    MessageStatus,
)
from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.bonuses import customer_birthday_set
from tests.fixtures.carts import sweep
from tests.fixtures.journeys import journeys_sweep_at

from .conftest import closed_port

START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
EMAILS = [f"shopper{number}@example.com" for number in range(3)]
MINUTE = datetime.timedelta(minutes=1)


def _take_data_then_hang(connection) -> None:
    """Greet, accept the envelope and the data, never answer the data's end."""
    reader = connection.makefile("rb")
    connection.sendall(b"220 test ESMTP\r\n")
    for line in reader:
        command = line.strip().upper()
        if command.startswith((b"EHLO", b"HELO")):
            connection.sendall(b"250 test\r\n")
        elif command == b"DATA":
            connection.sendall(b"354 go ahead\r\n")
            for data_line in reader:
                if data_line == b".\r\n":
                    break
            return  # the data arrived; no answer ever comes
        else:
            connection.sendall(b"250 OK\r\n")


def _fake_smtp(answer_data: bool | None):
    """A loopback port whose server never says a word (``answer_data`` None), or greets
    and accepts the envelope and the data, then never answers the data's end (False)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection = server.accept()[0]
            except TimeoutError:
                continue
            accepted.append(connection)
            if answer_data is not None:
                threading.Thread(
                    target=_take_data_then_hang, args=(connection,), daemon=True
                ).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    return server, stop, thread, accepted


@pytest.fixture
def fake_smtp_port():
    started = []

    def start(answer_data: bool | None) -> int:
        started.append(_fake_smtp(answer_data))
        return started[-1][0].getsockname()[1]

    yield start
    for server, stop, thread, accepted in started:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        server.close()


def _statuses() -> dict[str, str]:
    return dict(CartReminder.objects.values_list("email", "status"))


def _received(smtp_server) -> list[str]:
    return sorted(message["to"][0] for message in smtp_server.messages)


def _shoppers(cart_recovery, shopper_checkout, frozen):
    for email in EMAILS:
        shopper_checkout(cart_recovery, email=email)
        frozen.tick(MINUTE)


@pytest.mark.parametrize("fault", ["refused", "silent"])
def test_a_connection_that_never_opened_is_retried_and_sent_once(
    fault, cart_recovery, shopper_checkout, smtp_server, fake_smtp_port
):
    # given: the channel's SMTP port refuses connections, or never greets
    port = closed_port() if fault == "refused" else fake_smtp_port(None)
    with freeze_time(START) as frozen:
        _shoppers(cart_recovery, shopper_checkout, frozen)
        cart_recovery.configure(smtp_port=str(port))

        # when: a sweep meets it, the server comes back, more sweeps run
        frozen.move_to(START + datetime.timedelta(hours=1.2))
        broken = sweep()
        retry = CartReminder.objects.get()
        cart_recovery.configure()  # the server is back
        frozen.move_to(START + datetime.timedelta(hours=1.3))
        resumed = sweep()
        replays = [sweep(), sweep()]

    # then: nothing left the first time (the message is retry, the batch stopped);
    # the next sweep sent all three, once each
    assert (broken.sent, broken.failed, broken.retrying, broken.untouched) == (0, 0, 1, 2)
    assert (retry.status, retry.attempts, retry.sent_at) == (ReminderStatus.RETRY, 1, None)
    assert (
        retry.skip_reason
        == {
            "refused": "ConnectionRefusedError",
            "silent": "SMTPServerDisconnected",
        }[fault]
    )
    assert (resumed.sent, resumed.failed, resumed.retrying) == (3, 0, 0)
    assert [(replay.sent, replay.failed) for replay in replays] == [(0, 0), (0, 0)]
    assert set(_statuses().values()) == {ReminderStatus.SENT}
    assert CartReminder.objects.get(email=retry.email).attempts == 1
    assert _received(smtp_server) == EMAILS


def test_a_timeout_after_the_data_fails_the_message_for_good(
    cart_recovery, shopper_checkout, smtp_server, fake_smtp_port
):
    # given: a server that takes the data and never answers its end
    with freeze_time(START) as frozen:
        _shoppers(cart_recovery, shopper_checkout, frozen)
        cart_recovery.configure(smtp_port=str(fake_smtp_port(False)))

        # when
        frozen.move_to(START + datetime.timedelta(hours=1.2))
        broken = sweep()
        cart_recovery.configure()
        frozen.move_to(START + datetime.timedelta(hours=1.3))
        resumed = sweep()
        replays = [sweep(), sweep()]

    # then: the message may have left: failed, never sent again; the others went out
    assert (broken.sent, broken.failed, broken.retrying, broken.untouched) == (0, 1, 0, 2)
    assert (resumed.sent, resumed.failed, resumed.retrying) == (2, 0, 0)
    assert [(replay.sent, replay.failed) for replay in replays] == [(0, 0), (0, 0)]
    failed = CartReminder.objects.get(status=ReminderStatus.FAILED)
    assert (failed.email, failed.skip_reason, failed.attempts) == (
        EMAILS[0],
        "SMTPServerDisconnected",
        0,
    )
    assert _received(smtp_server) == EMAILS[1:]


def test_a_message_retried_too_often_fails(cart_recovery, shopper_checkout, smtp_server):
    # given: the server refuses connections for MAX_ATTEMPTS sweeps
    with freeze_time(START) as frozen:
        shopper_checkout(cart_recovery, email=EMAILS[0])
        cart_recovery.configure(smtp_port=str(closed_port()))
        frozen.move_to(START + datetime.timedelta(hours=1.2))

        # when
        results = []
        for _ in range(MAX_ATTEMPTS):
            results.append(sweep())
            frozen.tick(MINUTE * 10)
        cart_recovery.configure()
        after = [sweep(), sweep()]

    # then: retried twice, then failed for good; nothing sent once the server is back
    assert [(r.retrying, r.failed) for r in results] == [(1, 0)] * (MAX_ATTEMPTS - 1) + [(0, 1)]
    reminder = CartReminder.objects.get()
    assert (reminder.status, reminder.attempts, reminder.skip_reason) == (
        ReminderStatus.FAILED,
        MAX_ATTEMPTS,
        "ConnectionRefusedError",
    )
    assert [(r.sent, r.failed, r.retrying) for r in after] == [(0, 0, 0), (0, 0, 0)]
    assert smtp_server.messages == []
    assert AbandonedCheckout.objects.get().stage == 1


def test_a_greylisted_recipient_is_retried_without_stopping_the_batch(
    cart_recovery, shopper_checkout, smtp_server
):
    # given: the server answers one recipient's RCPT TO with a temporary 451
    with freeze_time(START) as frozen:
        _shoppers(cart_recovery, shopper_checkout, frozen)
        smtp_server.greylist(EMAILS[0])

        # when
        frozen.move_to(START + datetime.timedelta(hours=1.2))
        first = sweep()
        smtp_server.greylist(EMAILS[0], on=False)
        frozen.move_to(START + datetime.timedelta(hours=1.3))
        second = sweep()
        replay = sweep()

    # then: the others went out at once; the greylisted one at the next sweep, once
    assert (first.sent, first.retrying, first.untouched) == (2, 1, 0)
    assert (second.sent, second.retrying, replay.sent) == (1, 0, 0)
    assert _received(smtp_server) == EMAILS
    assert CartReminder.objects.get(email=EMAILS[0]).skip_reason == ""


def test_the_guards_are_checked_again_on_a_retry(cart_recovery, shopper_checkout, smtp_server):
    # given: a reminder that could not be sent, then the shopper unsubscribes
    with freeze_time(START) as frozen:
        shopper_checkout(cart_recovery, email=EMAILS[0])
        cart_recovery.configure(smtp_port=str(closed_port()))
        frozen.move_to(START + datetime.timedelta(hours=1.2))
        sweep()
        marketing_consent_set(email=EMAILS[0], granted=False, source=ConsentSource.UNSUBSCRIBE_LINK)
        cart_recovery.configure()

        # when: the server is back
        frozen.tick(MINUTE * 10)
        result = sweep()

    # then: the retry is skipped for the unsubscribe; nothing is sent
    assert (result.sent, result.skipped) == (0, 1)
    reminder = CartReminder.objects.get()
    assert (reminder.status, reminder.skip_reason) == (
        ReminderStatus.SKIPPED,
        SkipReason.UNSUBSCRIBED,
    )
    assert smtp_server.messages == []


ONE_STAGE = [{"delay": "1m", "subject": "Hello", "body": "<p>Hi</p>", "offer_points": 0}]


def test_a_journey_message_that_never_left_is_retried_and_sent_once(
    journey_on, journeys_channel, smtp_server, customer_user
):
    # given: a birthday journey of one stage (its claim completes the enrollment) and an
    # SMTP port that refuses connections
    with freeze_time(START) as frozen:
        account_get_or_create(user_id=customer_user.pk, channel_id=journeys_channel.pk)
        customer_birthday_set(user=customer_user, birthday=datetime.date(1990, 3, 2))
        journey_on(JourneyKind.BIRTHDAY, stages=ONE_STAGE)
        journeys_channel.configure(smtp_port=str(closed_port()))

        # when: a sweep meets the fault, the server comes back, more sweeps run
        frozen.move_to(START + MINUTE * 5)
        broken = journeys_sweep_at()
        retry = JourneyMessage.objects.get()
        reopened = JourneyEnrollment.objects.get().status
        journeys_channel.configure()
        frozen.tick(MINUTE * 10)
        resumed = journeys_sweep_at()
        replay = journeys_sweep_at()

    # then: the enrollment stayed open for the retry; the message went out once
    assert (broken.sent, broken.failed, broken.retrying) == (0, 0, 1)
    assert (retry.status, retry.attempts) == (MessageStatus.RETRY, 1)
    assert reopened == EnrollmentStatus.OPEN
    assert (resumed.sent, resumed.retrying, replay.sent) == (1, 0, 0)
    message = JourneyMessage.objects.get()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)
    assert JourneyEnrollment.objects.get().status == EnrollmentStatus.COMPLETED
    assert len(smtp_server.messages_to(customer_user.email)) == 1
