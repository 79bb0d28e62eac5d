"""The guards every journey shares: consent, unsubscribe, the cap across journeys,
quiet hours in the shop's time zone, the holdout, never after the goal."""

import datetime

from freezegun import freeze_time

from saleor_crm_plugin.carts.models import AbandonedCheckout, CartReminder, ReminderStatus
from saleor_crm_plugin.consent.actions import marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentSource
from saleor_crm_plugin.journeys.guards import COUNTED_BY_CAP, SkipReason
from saleor_crm_plugin.journeys.models import (
    EnrollmentStatus,
    JourneyEnrollment,
    JourneyKind,
    JourneyMessage,
    MessageStatus,
)
from saleor_crm_plugin.journeys.triggers import in_holdout
from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.bonuses import customer_birthday_set
from tests.fixtures.journeys import journeys_sweep_at

START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
ONE_STAGE = [{"delay": "1m", "subject": "Hello", "body": "<p>Hi</p>", "offer_points": 0}]


def _birthday_member(user, channel):
    account_get_or_create(user_id=user.pk, channel_id=channel.pk)
    customer_birthday_set(user=user, birthday=datetime.date(1990, 3, 2))


def _run(frozen, minutes: float = 5):
    frozen.move_to(START + datetime.timedelta(minutes=minutes))
    return journeys_sweep_at()


def test_cart_reminders_and_journey_messages_count_the_same_statuses():
    assert set(COUNTED_BY_CAP) == {
        ReminderStatus.CLAIMED,
        ReminderStatus.SENT,
        ReminderStatus.FAILED,
    }


def test_no_consent_suppresses_the_enrollment_and_sends_nothing(
    journey_on, journeys_channel, smtp_server, customer_user
):
    # given: shoppers who never answered do not consent in this channel
    with freeze_time(START) as frozen:
        journeys_channel.configure(marketing_consent_default=False)
        _birthday_member(customer_user, journeys_channel)
        journey_on(JourneyKind.BIRTHDAY, stages=ONE_STAGE)

        # when
        result = _run(frozen)

    # then
    assert (result.entered, result.sent, result.skipped) == (1, 0, 1)
    assert smtp_server.messages == []
    message = JourneyMessage.objects.get()
    assert (message.status, message.skip_reason) == (MessageStatus.SKIPPED, SkipReason.NO_CONSENT)
    assert JourneyEnrollment.objects.get().status == EnrollmentStatus.SUPPRESSED


def test_unsubscribe_wins_over_the_consent_default(
    journey_on, journeys_channel, smtp_server, customer_user
):
    # given: consent by default, but the shopper used an unsubscribe link
    with freeze_time(START) as frozen:
        marketing_consent_set(
            email=customer_user.email, granted=False, source=ConsentSource.UNSUBSCRIBE_LINK
        )
        _birthday_member(customer_user, journeys_channel)
        journey_on(JourneyKind.BIRTHDAY, stages=ONE_STAGE)

        # when
        result = _run(frozen)

    # then
    assert (result.sent, result.skipped) == (0, 1)
    assert smtp_server.messages == []
    assert JourneyMessage.objects.get().skip_reason == SkipReason.UNSUBSCRIBED


def test_a_cart_reminder_caps_a_journey_message_within_the_window(
    journey_on, journeys_channel, smtp_server, customer_user, checkout_with_item
):
    # given: a cart reminder claimed for the shopper an hour before (cap 24 h)
    with freeze_time(START) as frozen:
        abandoned = AbandonedCheckout.objects.create(
            token=checkout_with_item.token,
            channel=journeys_channel,
            email=customer_user.email,
            currency="USD",
            total_gross_amount=10,
            last_change_seen=START,
            detected_at=START,
        )
        CartReminder.objects.create(
            abandoned=abandoned,
            stage=1,
            email=customer_user.email,
            kind="reminder",
            status=ReminderStatus.SENT,
            claimed_at=START - datetime.timedelta(hours=1),
        )
        _birthday_member(customer_user, journeys_channel)
        journey_on(JourneyKind.BIRTHDAY, stages=ONE_STAGE)

        # when
        result = _run(frozen)

    # then: skipped for the cap; the enrollment is not suppressed
    assert (result.sent, result.skipped) == (0, 1)
    assert JourneyMessage.objects.get().skip_reason == SkipReason.FREQUENCY_CAP
    assert JourneyEnrollment.objects.get().status == EnrollmentStatus.COMPLETED


def test_quiet_hours_in_the_shop_time_zone_hold_the_message_until_they_end(
    journey_on, journeys_channel, smtp_server, customer_user
):
    # given: 10:05 UTC is 17:05 in Asia/Bangkok (UTC+7); quiet 16:00-08:00 there
    with freeze_time(START) as frozen:
        journeys_channel.configure(quiet_hours="16:00-08:00", time_zone="Asia/Bangkok")
        _birthday_member(customer_user, journeys_channel)
        journey_on(JourneyKind.BIRTHDAY, stages=ONE_STAGE)

        # when: during the quiet window, then at its end (08:00 local = 01:00 UTC)
        quiet = _run(frozen)
        held_until = JourneyEnrollment.objects.get().next_stage_at
        frozen.move_to(datetime.datetime(2026, 3, 3, 1, 0, 30, tzinfo=datetime.UTC))
        after = journeys_sweep_at()

    # then
    assert (quiet.entered, quiet.sent, quiet.skipped) == (1, 0, 0)
    assert held_until == datetime.datetime(2026, 3, 3, 1, 0, tzinfo=datetime.UTC)
    assert after.sent == 1
    assert len(smtp_server.messages) == 1


def test_holdout_shoppers_get_no_message_but_are_measured(
    journey_on, journeys_channel, smtp_server, customer_user
):
    # given: a holdout of 50 %; find the journey id that puts this shopper in it
    with freeze_time(START) as frozen:
        _birthday_member(customer_user, journeys_channel)
        journey = journey_on(JourneyKind.BIRTHDAY, stages=ONE_STAGE, holdout_percent=50)
        held = in_holdout(journey_id=journey.pk, email=customer_user.email, percent=50)

        # when
        result = _run(frozen)

    # then
    enrollment = JourneyEnrollment.objects.get()
    assert enrollment.holdout is held
    assert len(smtp_server.messages) == (0 if held else 1)
    expected = SkipReason.HOLDOUT if held else ""
    assert JourneyMessage.objects.get().skip_reason == expected
    assert result.sent + result.skipped == 1


def test_holdout_groups_are_stable_and_near_the_percentage():
    emails = [f"shopper{number}@example.com" for number in range(2000)]
    held = [in_holdout(journey_id=7, email=email, percent=20) for email in emails]
    again = [in_holdout(journey_id=7, email=email, percent=20) for email in emails]
    assert held == again
    assert 340 <= sum(held) <= 460
    assert not any(in_holdout(journey_id=7, email=email, percent=0) for email in emails)


def test_disabled_journey_neither_enrols_nor_sends(
    journey_on, journeys_channel, smtp_server, customer_user
):
    # given
    with freeze_time(START) as frozen:
        _birthday_member(customer_user, journeys_channel)
        journey = journey_on(JourneyKind.BIRTHDAY, stages=ONE_STAGE)
        journey.enabled = False
        journey.save()

        # when
        result = _run(frozen)

    # then
    assert (result.entered, result.sent) == (0, 0)
    assert not JourneyEnrollment.objects.exists()
