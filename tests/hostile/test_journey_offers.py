"""A hostile shopper and the journeys' bonus points: one bonus per cause, never for an
order given back.

The shopper acts through Saleor's /graphql/ (birthday, orders, payments, refunds as
Saleor's API takes them); the journeys sweep runs as the periodic task would. After
every story the bonuses posted are exactly those the rules allow and the ledger audit is
clean.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from freezegun import freeze_time
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.journeys.guards import SkipReason
from saleor_crm_plugin.journeys.models import JourneyKind, JourneyMessage, MessageStatus
from saleor_crm_plugin.journeys.sweep import journeys_sweep
from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.models import LoyaltyAccount, LoyaltyEntry
from tests.fixtures.journeys import journeys_sweep_at
from tests.fixtures.loyalty import ledger_problems

START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
TIERS = "Silver | 50 | 1.5\nGold | 150 | 2"
WITH_POINTS = [{"delay": "1m", "subject": "Bonus", "body": "<p>x</p>", "offer_points": 100}]
BIRTHDAY_SET = """
mutation($birthday: Date) {
  customerBirthdaySet(birthday: $birthday) { errors { field code } }
}
"""


def _journey_bonuses() -> list[int]:
    return list(
        LoyaltyEntry.objects.filter(idempotency_key__startswith="journey:").values_list(
            "points", flat=True
        )
    )


def test_paying_refunding_and_paying_again_welcomes_to_a_tier_once(
    journey_on, journeys_channel, crm_order, order_payments, customer_user
):
    # given: a tier-up journey worth 100 points
    with freeze_time(START) as frozen:
        journeys_channel.configure(tiers=TIERS)
        journey_on(JourneyKind.TIER_UP, stages=WITH_POINTS)

        # when: pay (Silver), bonus; refund in full (no tier); pay again (Silver again)
        first = crm_order(journeys_channel, [(Decimal("60.00"), 1)])
        paid = order_payments.charge(first, psp="charge-1")
        frozen.move_to(START + datetime.timedelta(minutes=5))
        journeys_sweep_at()
        order_payments.report(paid, "REFUND_SUCCESS", paid.charged_value, psp="refund-1")
        tier_after_refund = LoyaltyAccount.objects.get(user=customer_user).tier_name
        second = crm_order(journeys_channel, [(Decimal("60.00"), 1)])
        order_payments.charge(second, psp="charge-2")
        frozen.move_to(START + datetime.timedelta(minutes=10))
        again = [journeys_sweep_at(), journeys_sweep_at()]

    # then: the second welcome to Silver never comes, nor its points
    assert tier_after_refund == ""
    assert LoyaltyAccount.objects.get(user=customer_user).tier_name == "Silver"
    assert [(r.entered, r.sent) for r in again] == [(0, 0), (0, 0)]
    assert _journey_bonuses() == [100]
    assert ledger_problems() == []


def test_a_returned_order_gets_no_thank_you_and_no_points(
    journey_on, paid_order, fulfil_order, order_payments, smtp_server
):
    # given: a post-purchase journey worth 100 points; an order paid and fulfilled
    journey_on(JourneyKind.POST_PURCHASE, stages=WITH_POINTS)
    order = paid_order()
    fulfil_order(order)

    # when: the shopper is refunded in full before the stage is due
    charged = order.payment_transactions.get()
    order_payments.report(charged, "REFUND_SUCCESS", charged.charged_value, psp="refund-1")
    due = timezone.now() + datetime.timedelta(minutes=5)
    results = [journeys_sweep(now=due), journeys_sweep(now=due)]

    # then
    assert [(r.entered, r.sent, r.skipped) for r in results] == [(1, 0, 1), (0, 0, 0)]
    message = JourneyMessage.objects.get()
    assert (message.status, message.skip_reason) == (MessageStatus.SKIPPED, SkipReason.CAUSE_GONE)
    assert smtp_server.messages == []
    assert _journey_bonuses() == []
    assert ledger_problems() == []


def test_a_kept_order_gets_its_thank_you_points_once(
    journey_on, paid_order, fulfil_order, smtp_server
):
    # given / when: the same order, not refunded
    journey_on(JourneyKind.POST_PURCHASE, stages=WITH_POINTS)
    fulfil_order(paid_order())
    due = timezone.now() + datetime.timedelta(minutes=5)
    results = [journeys_sweep(now=due), journeys_sweep(now=due)]

    # then
    assert [(r.entered, r.sent) for r in results] == [(1, 1), (0, 0)]
    assert _journey_bonuses() == [100]
    assert len(smtp_server.messages) == 1
    assert ledger_problems() == []


def test_moving_the_birthday_gives_one_birthday_bonus_a_year(
    journey_on, journeys_channel, user_api_client, customer_user
):
    # given: a member with the birthday journey (100 points)
    account_get_or_create(user_id=customer_user.pk, channel_id=journeys_channel.pk)
    journey_on(JourneyKind.BIRTHDAY, stages=WITH_POINTS)
    today = timezone.now()

    # when: the shopper says it is today, collects, then says it is tomorrow
    for day in (0, 1, 2):
        moment = today + datetime.timedelta(days=day, minutes=5)
        birthday = moment.date().replace(year=1990)
        response = user_api_client.post_graphql(BIRTHDAY_SET, {"birthday": str(birthday)})
        assert get_graphql_content(response)["data"]["customerBirthdaySet"]["errors"] == []
        journeys_sweep(now=moment)

    # then: one bonus from the journey this year
    assert _journey_bonuses() == [100]
    assert JourneyMessage.objects.filter(status=MessageStatus.SENT).count() == 1
    assert ledger_problems() == []
