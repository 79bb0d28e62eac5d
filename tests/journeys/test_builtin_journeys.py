"""Each built-in journey end to end: Saleor's real events in, e-mail on loopback out.

The cause happens through Saleor (checkoutComplete, orderFulfill, payments) or the
CRM's own records of it (a birthday set through GraphQL, a tier change, expiring
points); the journeys sweep finds it, sends each stage once through the SMTP server on
loopback, and replays send nothing twice.
"""

import datetime
from decimal import Decimal

from freezegun import freeze_time

from saleor_crm_plugin.journeys.models import (
    EnrollmentStatus,
    JourneyEnrollment,
    JourneyKind,
    JourneyMessage,
    MessageStatus,
)
from saleor_crm_plugin.loyalty.bonuses import customer_birthday_set
from saleor_crm_plugin.loyalty.ledger import post_entry
from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyEntry
from saleor_crm_plugin.segments.actions import (
    customer_segment_create,
    customer_tags_add,
    customer_tags_remove,
)
from saleor_crm_plugin.segments.churn import churn_risk_for
from saleor_crm_plugin.segments.rfm import rfm_compute
from tests.fixtures.journeys import journeys_sweep_at

START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
TIERS = "Silver | 50 | 1.5\nGold | 150 | 2"


def at(days: float) -> datetime.datetime:
    return START + datetime.timedelta(days=days)


def subjects(smtp_server) -> list[str]:
    return [message["subject"] for message in smtp_server.messages]


def test_post_purchase_thanks_then_asks_for_a_review_once_each(
    journey_on, paid_order, fulfil_order, smtp_server, customer_user
):
    # given: a paid order, fulfilled by staff through orderFulfill
    with freeze_time(START) as frozen:
        journey_on(JourneyKind.POST_PURCHASE)
        order = paid_order()
        fulfil_order(order)

        # when: three days later, then a fortnight later, each sweep replayed
        frozen.move_to(at(3.01))
        first = [journeys_sweep_at(), journeys_sweep_at()]
        frozen.move_to(at(14.01))
        second = [journeys_sweep_at(), journeys_sweep_at()]

    # then
    assert [(r.entered, r.sent) for r in first] == [(1, 1), (0, 0)]
    assert [(r.entered, r.sent) for r in second] == [(0, 1), (0, 0)]
    assert subjects(smtp_server) == [
        f"Thank you for your order {order.number}",
        f"How was your order, {customer_user.first_name}?",
    ]
    assert [m["to"][0] for m in smtp_server.messages] == [customer_user.email] * 2
    headers = smtp_server.messages[0]["headers"]
    assert headers["List-Unsubscribe"].strip().startswith("<https://")
    assert headers["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    assert "/saleor.crm/unsubscribe?token=" in headers["List-Unsubscribe"]
    assert customer_user.email not in headers["List-Unsubscribe"]
    enrollment = JourneyEnrollment.objects.get()
    assert (enrollment.trigger_key, enrollment.status) == (
        f"order:{order.pk}",
        EnrollmentStatus.COMPLETED,
    )


def test_win_back_gives_its_points_once_and_stops_at_the_next_order(
    journey_on, journeys_channel, crm_order, order_payments, smtp_server, customer_user
):
    # given: an order paid through Saleor's transactions, then 30 days without one
    with freeze_time(START) as frozen:
        journey_on(JourneyKind.WIN_BACK, trigger_settings={"days": 30})
        order = crm_order(journeys_channel, [(Decimal("20.00"), 1)])
        order_payments.charge(order, psp="charge-1")

        # when: the lapse is found, the offer sent (replayed), then the shopper orders
        frozen.move_to(at(30.05))
        sent = [journeys_sweep_at(), journeys_sweep_at()]
        frozen.move_to(at(31))
        again = crm_order(journeys_channel, [(Decimal("30.00"), 1)])
        order_payments.charge(again, psp="charge-2")
        frozen.move_to(at(45))
        after_goal = journeys_sweep_at()

    # then: one e-mail, 200 points posted once, no second stage after the order
    assert [(r.entered, r.sent) for r in sent] == [(1, 1), (0, 0)]
    assert (after_goal.converted, after_goal.sent) == (1, 0)
    assert subjects(smtp_server) == [f"We miss you, {customer_user.first_name}"]
    message = JourneyMessage.objects.get()
    bonus = LoyaltyEntry.objects.get(idempotency_key=f"journey:{message.pk}")
    assert (bonus.points, bonus.type, message.offer_points) == (200, EntryType.BONUS, 200)
    enrollment = JourneyEnrollment.objects.get()
    assert enrollment.trigger_key == f"lapse:{order.pk}"
    assert enrollment.status == EnrollmentStatus.CONVERTED
    assert enrollment.converted_order_id == again.pk
    again.refresh_from_db()
    assert enrollment.revenue == again.total_gross_amount == Decimal("36.900")


def test_win_back_also_enters_customers_at_high_churn_risk_once(
    journey_on, journeys_channel, crm_order, order_payments, smtp_server, customer_user
):
    # given: orders 10 days apart, the last 60 days ago (risk 1 - exp(-60/63.33) = 0.61)
    with freeze_time(START) as frozen:
        first = crm_order(journeys_channel, [(Decimal("20.00"), 1)])
        order_payments.charge(first, psp="charge-1")
        frozen.move_to(at(10))
        last = crm_order(journeys_channel, [(Decimal("20.00"), 1)])
        order_payments.charge(last, psp="charge-2")
        journey_on(JourneyKind.WIN_BACK, trigger_settings={"days": 365, "churn_risk_percent": 50})
        frozen.move_to(at(70))
        rfm_compute(channel_id=journeys_channel.pk)

        # when: the daily scores are read by the sweep, twice
        frozen.move_to(at(70.1))
        results = [journeys_sweep_at(), journeys_sweep_at()]

    # then
    assert [(r.entered, r.sent) for r in results] == [(1, 1), (0, 0)]
    assert churn_risk_for(user_id=customer_user.pk, channel_id=journeys_channel.pk) >= Decimal(
        "0.5"
    )
    assert JourneyEnrollment.objects.get().trigger_key == f"lapse:{last.pk}"
    assert subjects(smtp_server) == [f"We miss you, {customer_user.first_name}"]


def test_birthday_offer_once_a_year(journey_on, smtp_server, customer_user, channel_USD):
    # given: a member whose birthday is 2 March
    with freeze_time(START - datetime.timedelta(days=30)) as frozen:
        account_get_or_create(user_id=customer_user.pk, channel_id=channel_USD.pk)
        customer_birthday_set(user=customer_user, birthday=datetime.date(1990, 3, 2))
        journey_on(JourneyKind.BIRTHDAY)

        # when: the day before, on the day (twice), and the day after
        frozen.move_to(at(-1))
        before = journeys_sweep_at()
        frozen.move_to(START)
        on_the_day = journeys_sweep_at()
        frozen.move_to(START + datetime.timedelta(hours=5))
        replays = [journeys_sweep_at(), journeys_sweep_at()]

    # then: sent on the day (the delay counts from its start), once
    assert before.entered == 0
    assert (on_the_day.entered, on_the_day.sent) == (1, 1)
    assert [(r.entered, r.sent) for r in replays] == [(0, 0), (0, 0)]
    assert subjects(smtp_server) == [f"Happy birthday, {customer_user.first_name}!"]
    assert JourneyEnrollment.objects.get().trigger_key == "birthday:2026"
    assert LoyaltyEntry.objects.filter(idempotency_key__startswith="journey:").count() == 1


def test_tier_up_welcomes_the_customer_to_the_new_tier(
    journey_on, journeys_channel, crm_order, order_payments, smtp_server, customer_user
):
    # given
    with freeze_time(START) as frozen:
        journeys_channel.configure(tiers=TIERS)
        journey_on(JourneyKind.TIER_UP)

        # when: a paid order takes the customer to Silver
        order = crm_order(journeys_channel, [(Decimal("60.00"), 1)])
        order_payments.charge(order, psp="charge-1")
        frozen.move_to(START + datetime.timedelta(minutes=2))
        results = [journeys_sweep_at(), journeys_sweep_at()]

    # then
    assert [(r.entered, r.sent) for r in results] == [(1, 1), (0, 0)]
    assert subjects(smtp_server) == ["Welcome to Silver"]


def test_tier_at_risk_warns_before_spend_leaves_the_window(
    journey_on, journeys_channel, crm_order, order_payments, smtp_server, customer_user
):
    # given: Silver on spend in a 90-day window, earned by one order
    with freeze_time(START) as frozen:
        journeys_channel.configure(tiers=TIERS, tier_window="90d")
        order = crm_order(journeys_channel, [(Decimal("60.00"), 1)])
        order_payments.charge(order, psp="charge-1")
        journey_on(JourneyKind.TIER_AT_RISK, trigger_settings={"days": 30})

        # when: 50 days on the tier is safe; 70 days on it would be lost within 30
        frozen.move_to(at(50))
        safe = journeys_sweep_at()
        frozen.move_to(at(70))
        at_risk = [journeys_sweep_at(), journeys_sweep_at()]

    # then
    assert safe.entered == 0
    assert [(r.entered, r.sent) for r in at_risk] == [(1, 1), (0, 0)]
    assert subjects(smtp_server) == ["Keep your Silver status"]


def test_points_expiring_warns_once_per_expiry_day(
    journey_on, journeys_channel, smtp_server, customer_user
):
    # given: 300 points expiring on 12 March
    with freeze_time(START) as frozen:
        account = account_get_or_create(user_id=customer_user.pk, channel_id=journeys_channel.pk)
        post_entry(
            account=account,
            points=300,
            entry_type=EntryType.BONUS,
            idempotency_key="test:expiring",
            expires_at=at(10),
        )
        journey_on(JourneyKind.POINTS_EXPIRING, trigger_settings={"days": 14})

        # when
        frozen.move_to(START + datetime.timedelta(minutes=2))
        results = [journeys_sweep_at(), journeys_sweep_at()]

    # then
    assert [(r.entered, r.sent) for r in results] == [(1, 1), (0, 0)]
    assert subjects(smtp_server) == ["300 points expire soon"]
    body = smtp_server.messages[0]["html"]
    assert "300 of your points expire on 12-03-2026" in body
    assert JourneyEnrollment.objects.get().trigger_key == f"expiry:{account.pk}:2026-03-12"
    assert JourneyMessage.objects.get().status == MessageStatus.SENT


def test_joining_a_segment_enters_the_segment_journey_once(
    journey_on, journeys_channel, smtp_server, customer_user
):
    # given: a "VIP" segment of the channel and its journey
    with freeze_time(START) as frozen:
        segment = customer_segment_create(
            name="VIPs",
            definition={"all": [{"field": "tags", "op": "has", "value": "vip"}]},
            channel_id=journeys_channel.pk,
            auto_tag="",
        )
        journey_on(JourneyKind.SEGMENT_JOINED, trigger_settings={"segment": segment.pk})

        # when: staff tag the customer (they join), an hour later the sweep runs twice
        customer_tags_add(user=customer_user, tags=["vip"])
        frozen.move_to(at(1 / 24 + 0.001))
        results = [journeys_sweep_at(), journeys_sweep_at()]

    # then
    assert [(r.entered, r.sent) for r in results] == [(1, 1), (0, 0)]
    assert subjects(smtp_server) == [f"News for you, {customer_user.first_name}"]
    assert JourneyEnrollment.objects.get().trigger_key.startswith("segment:")


def test_leaving_a_segment_enters_the_segment_left_journey(
    journey_on, journeys_channel, smtp_server, customer_user
):
    # given: a tagged member of "VIPs" and the journey for leaving it
    with freeze_time(START) as frozen:
        customer_tags_add(user=customer_user, tags=["vip"])
        segment = customer_segment_create(
            name="VIPs",
            definition={"all": [{"field": "tags", "op": "has", "value": "vip"}]},
            channel_id=journeys_channel.pk,
            auto_tag="",
        )
        journey_on(JourneyKind.SEGMENT_LEFT, trigger_settings={"segment": segment.pk})

        # when: the tag is removed (they leave); the sweep runs an hour later, twice
        frozen.move_to(at(0.01))
        customer_tags_remove(user=customer_user, tags=["vip"])
        frozen.move_to(at(0.06))
        results = [journeys_sweep_at(), journeys_sweep_at()]

    # then
    assert [(r.entered, r.sent) for r in results] == [(1, 1), (0, 0)]
    assert subjects(smtp_server) == ["We have something for you"]
