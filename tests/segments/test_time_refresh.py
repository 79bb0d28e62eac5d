"""Time passing: the periodic refresh re-evaluates only customers who crossed a boundary."""

import datetime

from freezegun import freeze_time

from saleor_crm_plugin.segments.actions import customer_segment_create
from saleor_crm_plugin.segments.models import (
    CustomerSegment,
    MembershipEventKind,
    SegmentMembership,
    SegmentMembershipEvent,
)
from saleor_crm_plugin.segments.refresh import segments_time_refresh
from saleor_crm_plugin.segments.tasks import segments_time_refresh_task
from tests.fixtures.orders import THREE_LINES

T0 = datetime.datetime(2027, 1, 1, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def _members(segment) -> list[int]:
    return sorted(
        SegmentMembership.objects.filter(segment=segment).values_list("user_id", flat=True)
    )


def test_spend_leaving_the_window_is_caught_for_exactly_those_customers(
    crm_usd, crm_order, order_payments, customer_user, customer_user2
):
    with freeze_time(T0) as frozen:
        # given: "spent over 50 in the last 30 days"; customer 1 pays on day 0,
        # customer 2 on day 10 (73.80 each)
        segment = customer_segment_create(
            name="Recent big spenders",
            definition={"field": "total_spent", "op": "gt", "value": 50, "days": 30},
            channel_id=crm_usd.pk,
        )
        order_payments.charge(crm_order(crm_usd, THREE_LINES), psp="first")
        frozen.move_to(T0 + 10 * DAY)
        order_payments.charge(crm_order(crm_usd, THREE_LINES, user=customer_user2), psp="second")
        assert _members(segment) == [customer_user.pk, customer_user2.pk]

        # when: day 20, nobody's order turned 30 days old
        frozen.move_to(T0 + 20 * DAY)
        (first,) = segments_time_refresh(now=T0 + 20 * DAY)

        # then
        assert first.checked_user_ids == []
        assert first.change is None

        # when: day 31, customer 1's order left the window
        frozen.move_to(T0 + 31 * DAY)
        (second,) = segments_time_refresh(now=T0 + 31 * DAY)

        # then: only customer 1 was looked at, and left
        assert second.checked_user_ids == [customer_user.pk]
        assert (second.change.joined, second.change.left) == (0, 1)
        assert _members(segment) == [customer_user2.pk]

        # when: day 41, through the Celery task
        frozen.move_to(T0 + 41 * DAY)
        segments_time_refresh_task.delay()

        # then
        assert _members(segment) == []
        assert list(
            SegmentMembershipEvent.objects.filter(segment=segment, kind=MembershipEventKind.LEFT)
            .order_by("pk")
            .values_list("user_id", "reason", "occurred_at")
        ) == [
            (customer_user.pk, "refreshed: time passed", T0 + 31 * DAY),
            (customer_user2.pk, "refreshed: time passed", T0 + 41 * DAY),
        ]
        segment.refresh_from_db()
        assert segment.member_count == 0
        assert segment.boundaries_checked_at == T0 + 41 * DAY


def test_lapsed_customers_enter_when_their_last_order_turns_old(
    crm_usd, crm_order, order_payments, customer_user, customer_user2
):
    with freeze_time(T0) as frozen:
        # given: "ordered before, but not for more than 60 days"; customer 1 orders on
        # day 0 and day 5; customer 2 never orders
        segment = customer_segment_create(
            name="Lapsed",
            definition={"field": "days_since_last_order", "op": "gt", "value": 60},
            channel_id=crm_usd.pk,
        )
        order_payments.charge(crm_order(crm_usd, THREE_LINES), psp="first")
        frozen.move_to(T0 + 5 * DAY)
        order_payments.charge(crm_order(crm_usd, THREE_LINES), psp="second")

        # when: day 62: the first order is 62 days old (it crossed 61), the last 57
        frozen.move_to(T0 + 62 * DAY)
        (early,) = segments_time_refresh(now=T0 + 62 * DAY)

        # then: customer 1 was checked (an order crossed) but the last order is recent
        assert early.checked_user_ids == [customer_user.pk]
        assert _members(segment) == []

        # when: day 66: the last order is 61 days old
        frozen.move_to(T0 + 66 * DAY)
        (late,) = segments_time_refresh(now=T0 + 66 * DAY)

        # then
        assert late.checked_user_ids == [customer_user.pk]
        assert _members(segment) == [customer_user.pk]
        assert customer_user2.pk not in late.checked_user_ids


def test_join_date_boundary_and_untimed_segments_are_skipped(
    crm_usd, customer_user, customer_user2
):
    with freeze_time(T0) as frozen:
        # given: a customer joining on day 0 of "members for a week or more"
        customer_user2.date_joined = T0
        customer_user2.save(update_fields=["date_joined"])
        customer_user.date_joined = T0 - 100 * DAY
        customer_user.save(update_fields=["date_joined"])
        week = customer_segment_create(
            name="A week or more",
            definition={"field": "date_joined_days", "op": "gte", "value": 7},
            channel_id=None,
        )
        customer_segment_create(
            name="Tagged",
            definition={"field": "tags", "op": "has", "value": "vip"},
            channel_id=None,
        )
        assert _members(week) == [customer_user.pk]

        # when
        frozen.move_to(T0 + 8 * DAY)
        results = segments_time_refresh(now=T0 + 8 * DAY)

        # then: only the timed segment ran, for the customer who crossed 7 days
        assert [(r.segment_id, r.checked_user_ids) for r in results] == [
            (week.pk, [customer_user2.pk])
        ]
        assert _members(week) == [customer_user.pk, customer_user2.pk]
        assert CustomerSegment.objects.get(pk=week.pk).member_count == 2
