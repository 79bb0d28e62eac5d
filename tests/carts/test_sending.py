"""Sending: transport failures never cause a second send; apps can take the event over."""

import datetime

from freezegun import freeze_time
from saleor.account.models import User

from saleor_crm_plugin.carts.models import CartRecoveryOffer, CartReminder, ReminderStatus
from tests.fixtures.carts import sweep

START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
EMAILS = [f"shopper{number}@example.com" for number in range(4)]


def at(hours: float) -> datetime.datetime:
    return START + datetime.timedelta(hours=hours)


def reminders_by_status():
    rows = CartReminder.objects.values_list("status", "email")
    result = {}
    for status, email in rows:
        result.setdefault(status, set()).add(email)
    return result


def test_smtp_refusing_mid_batch_resends_nothing_twice(
    cart_recovery, shopper_checkout, smtp_server
):
    # given: four carts due; the server refuses everything after two messages
    with freeze_time(START) as frozen:
        for email in EMAILS:
            shopper_checkout(cart_recovery, email=email)
        smtp_server.refuse_after(2)
        frozen.move_to(at(1.1))

        # when: the batch breaks at the refusal, then the server recovers
        broken = sweep()
        smtp_server.refuse_after(None)
        frozen.move_to(at(1.2))
        resumed = sweep()
        replays = [sweep(), sweep()]

    # then
    assert (broken.sent, broken.failed, broken.untouched) == (2, 1, 1)
    assert (resumed.sent, resumed.failed) == (1, 0)
    assert [(replay.sent, replay.failed) for replay in replays] == [(0, 0), (0, 0)]
    statuses = reminders_by_status()
    assert len(statuses[ReminderStatus.SENT]) == 3
    assert len(statuses[ReminderStatus.FAILED]) == 1
    received = [message["to"][0] for message in smtp_server.messages]
    assert sorted(received) == sorted(statuses[ReminderStatus.SENT])
    assert len(set(received)) == len(received) == 3
    failed = CartReminder.objects.get(status=ReminderStatus.FAILED)
    assert failed.skip_reason == "SMTPDataError"
    assert failed.sent_at is None


def test_message_that_arrived_but_was_reported_failed_is_never_sent_again(
    cart_recovery, shopper_checkout, smtp_server
):
    # given: the server keeps the message but answers with an error (a lost reply)
    with freeze_time(START) as frozen:
        shopper_checkout(cart_recovery)
        smtp_server.fail_after_receiving(True)
        frozen.move_to(at(1.1))
        failed = sweep()
        smtp_server.fail_after_receiving(False)

        # when
        replays = [sweep(), sweep()]
        frozen.move_to(at(24.1))
        next_stage = sweep()

    # then
    assert failed.failed == 1
    assert [replay.sent for replay in replays] == [0, 0]
    assert next_stage.sent == 1
    assert [message["subject"] for message in smtp_server.messages] == [
        "You left something in your cart",
        "Your cart is waiting, with 10 % off your items",
    ]
    assert list(CartReminder.objects.order_by("stage").values_list("stage", "status")) == [
        (1, ReminderStatus.FAILED),
        (2, ReminderStatus.SENT),
    ]


def _customer_checkout(channel, shopper_checkout, *, email, first_name):
    user = User.objects.create(email=email, first_name=first_name)
    return shopper_checkout(channel, email=email, user=user)


def test_a_shoppers_name_never_stalls_the_sweep_and_subjects_are_plain_text(
    cart_recovery, shopper_checkout, smtp_server
):
    # given: personalised subjects; the first cart due belongs to a name with CR/LF
    cart_recovery.configure(cart_reminder_subject="{{customer.first_name}}, your cart waits")
    names = ["Ann\r\nBcc: evil@example.com", "O'Brien & <Co>", "Zoë"]
    with freeze_time(START) as frozen:
        for number, name in enumerate(names):
            _customer_checkout(
                cart_recovery, shopper_checkout, email=EMAILS[number], first_name=name
            )
            frozen.tick(datetime.timedelta(minutes=1))
        frozen.move_to(at(1.2))

        # when
        result = sweep()

    # then
    assert (result.sent, result.failed, result.untouched) == (3, 0, 0)
    assert sorted((message["to"], message["subject"]) for message in smtp_server.messages) == [
        ([EMAILS[0]], "Ann Bcc: evil@example.com, your cart waits"),
        ([EMAILS[1]], "O'Brien & <Co>, your cart waits"),
        ([EMAILS[2]], "Zoë, your cart waits"),
    ]
    assert reminders_by_status() == {ReminderStatus.SENT: set(EMAILS[:3])}


def test_a_refused_mailbox_fails_its_reminder_only(cart_recovery, shopper_checkout, smtp_server):
    # given: four carts due; the server refuses the first one's mailbox
    smtp_server.refuse_recipient(EMAILS[0])
    with freeze_time(START) as frozen:
        for email in EMAILS:
            shopper_checkout(cart_recovery, email=email)
            frozen.tick(datetime.timedelta(minutes=1))
        frozen.move_to(at(1.2))

        # when
        result = sweep()

    # then
    assert (result.sent, result.failed, result.untouched) == (3, 1, 0)
    assert sorted(message["to"][0] for message in smtp_server.messages) == EMAILS[1:]
    assert reminders_by_status() == {
        ReminderStatus.FAILED: {EMAILS[0]},
        ReminderStatus.SENT: set(EMAILS[1:]),
    }
    assert CartReminder.objects.get(email=EMAILS[0]).skip_reason == "SMTPRecipientsRefused"


def test_app_subscribed_to_notify_user_receives_the_reminder_event(
    cart_recovery, shopper_checkout, smtp_server, notify_user_app
):
    # given: no SMTP in the CRM; an e-mail app subscribed to NOTIFY_USER
    app_endpoint = notify_user_app
    cart_recovery.configure(smtp_host="")
    with freeze_time(START) as frozen:
        checkout = shopper_checkout(cart_recovery, quantity=3)
        frozen.move_to(at(24.1))

        # when
        result = sweep()

    # then
    assert result.sent == 1
    assert smtp_server.messages == []
    [request] = app_endpoint.received
    assert request["path"] == "/notify"
    body = request["body"]
    assert body["notify_event"] == "crm_cart_reminder"
    payload = body["payload"]
    offer = CartRecoveryOffer.objects.get()
    assert payload["stage"] == 2
    assert payload["kind"] == "offer"
    assert payload["recipient_email"] == "shopper@example.com"
    assert payload["channel_slug"] == cart_recovery.slug
    assert payload["offer"]["code"] == offer.code
    assert payload["offer"]["description"] == "10 % off your items"
    assert payload["checkout"]["token"] == str(checkout.token)
    assert payload["checkout"]["url"] == f"https://shop.example.com/checkout/{checkout.token}"
    assert payload["checkout"]["total_gross_amount"] == "30.00"
    [line] = payload["checkout"]["lines"]
    assert (line["quantity"], line["total_gross_amount"], line["unit_price_gross_amount"]) == (
        3,
        "30.00",
        "10.00",
    )
    assert payload["unsubscribe_url"].startswith("https://shop.example.com/unsubscribe?token=")
    assert CartReminder.objects.get().status == ReminderStatus.SENT
