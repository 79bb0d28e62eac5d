"""Events re-evaluate only the customer concerned, at once, through Saleor's real flows."""

import datetime
from decimal import Decimal

from django.utils import timezone
from freezegun import freeze_time
from saleor.account.models import Address
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.segments.actions import customer_segment_create, customer_tags_add
from saleor_crm_plugin.segments.models import (
    CustomerSegment,
    MembershipEventKind,
    SegmentMembership,
    SegmentMembershipEvent,
)
from saleor_crm_plugin.tasks import daily_loyalty_task
from tests.fixtures.orders import THREE_LINES
from tests.fixtures.plugin import configure_crm

# 60.00 net + 23 % tax = 73.80 charged when paid in full.
SPENT_OVER_50 = {"field": "total_spent", "op": "gt", "value": 50}


def _members(segment) -> list[int]:
    return list(
        SegmentMembership.objects.filter(segment=segment)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def _history(segment) -> list[tuple[int, str, str]]:
    return list(
        SegmentMembershipEvent.objects.filter(segment=segment)
        .order_by("pk")
        .values_list("user_id", "kind", "reason")
    )


def test_paid_order_enters_spent_over_x_at_once_and_refund_leaves(
    crm_usd, crm_order, order_payments, customer_user, customer_user2
):
    # given: an unpaid order of 73.80; the customer has charged nothing yet
    order = crm_order(crm_usd, THREE_LINES)
    other_order = crm_order(crm_usd, THREE_LINES, user=customer_user2)
    segment = customer_segment_create(
        name="Spent over 50", definition=SPENT_OVER_50, channel_id=crm_usd.pk
    )
    assert _members(segment) == []

    # when: the payment app charges it in full
    transaction = order_payments.charge(order)

    # then: order_fully_paid refreshed this customer only
    assert _members(segment) == [customer_user.pk]
    assert _history(segment) == [
        (customer_user.pk, MembershipEventKind.JOINED, f"order #{order.number} paid")
    ]
    segment.refresh_from_db()
    assert segment.member_count == 1

    # when: staff refund every line, the payment app confirms
    order_payments.refund_lines_with_grant(
        order, transaction, [(line, line.quantity) for line in order.lines.all()]
    )

    # then
    assert _members(segment) == []
    assert _history(segment)[1:] == [
        (customer_user.pk, MembershipEventKind.LEFT, f"order #{order.number} refunded")
    ]
    segment.refresh_from_db()
    assert segment.member_count == 0
    assert other_order.user_id == customer_user2.pk


def test_partial_refund_below_the_threshold_leaves(
    crm_usd, crm_order, order_payments, customer_user
):
    # given: paid 73.80, member of "spent over 50"
    order = crm_order(crm_usd, THREE_LINES)
    transaction = order_payments.charge(order)
    segment = customer_segment_create(
        name="Spent over 50", definition=SPENT_OVER_50, channel_id=crm_usd.pk
    )
    assert _members(segment) == [customer_user.pk]

    # when: the 30.00 line (36.90 gross) is refunded: 36.90 charged remains
    line = order.lines.get(unit_price_net_amount=Decimal("30.00"))
    order_payments.refund_lines_with_grant(order, transaction, [(line, 1)])

    # then
    order.refresh_from_db()
    assert order.total_charged_amount == Decimal("36.90")
    assert _members(segment) == []


def test_inactive_channel_schedules_no_refresh(channel_USD, crm_order, order_payments):
    # given: the CRM is off in the channel; the segment was computed before the payment
    configure_crm(channel_USD, active=False)
    order = crm_order(channel_USD, THREE_LINES)
    segment = customer_segment_create(
        name="Spent over 50", definition=SPENT_OVER_50, channel_id=channel_USD.pk
    )

    # when
    order_payments.charge(order)

    # then: no hook ran; the next refresh (periodic or recompute) will catch up
    assert _members(segment) == []


def test_customer_update_refreshes_their_country_condition(
    crm_usd, customer_user, django_capture_on_commit_callbacks
):
    # given: the customer lives in Poland (Saleor's fixture address)
    segment = customer_segment_create(
        name="Germany", definition={"field": "country", "op": "eq", "value": "DE"}, channel_id=None
    )
    assert _members(segment) == []

    # when: they move to Germany and Saleor reports the update
    address = Address.objects.create(country="DE", city="Berlin", postal_code="10115")
    customer_user.default_billing_address = address
    customer_user.save(update_fields=["default_billing_address"])
    manager = get_plugins_manager(allow_replica=False)
    # Saleor reaches a per-channel plugin with customer hooks only when the request
    # loaded that channel's plugins (tests/loyalty/test_bonuses.py shows when).
    manager.get_plugins(channel_slug=crm_usd.slug)
    with django_capture_on_commit_callbacks(execute=True):
        manager.customer_updated(customer_user)

    # then
    assert _members(segment) == [customer_user.pk]
    assert _history(segment) == [(customer_user.pk, MembershipEventKind.JOINED, "customer updated")]


def test_customer_deletion_drops_membership_and_recounts(
    crm_usd, customer_user, customer_user2, django_capture_on_commit_callbacks
):
    # given: both customers are in the segment
    segment = customer_segment_create(
        name="Everyone",
        definition={"field": "date_joined_days", "op": "gte", "value": 0},
        channel_id=None,
    )
    assert segment.member_count == 2
    user_id = customer_user.pk

    # when: Saleor deletes the customer and reports it (with the id it had)
    customer_user.delete()
    customer_user.id = user_id
    manager = get_plugins_manager(allow_replica=False)
    manager.get_plugins(channel_slug=crm_usd.slug)
    with django_capture_on_commit_callbacks(execute=True):
        manager.customer_deleted(customer_user)

    # then
    assert _members(segment) == [customer_user2.pk]
    assert CustomerSegment.objects.get(pk=segment.pk).member_count == 1


def test_tag_change_refreshes_the_customer_and_automatic_tags_follow(
    crm_usd, customer_user, customer_user2
):
    # given: "vip" segment tags its members "newsletter"; another segment reads that tag
    vip = customer_segment_create(
        name="VIP",
        definition={"field": "tags", "op": "has", "value": "vip"},
        channel_id=None,
        auto_tag="Newsletter",
    )
    readers = customer_segment_create(
        name="Newsletter readers",
        definition={"field": "tags", "op": "has", "value": "newsletter"},
        channel_id=None,
    )

    # when
    tags = customer_tags_add(user=customer_user, tags=[" VIP "])

    # then: member of VIP, automatically tagged, and so a member of the reader segment
    assert tags == ["newsletter", "vip"]
    assert _members(vip) == [customer_user.pk]
    assert _members(readers) == [customer_user.pk]
    assert _history(vip) == [(customer_user.pk, MembershipEventKind.JOINED, "tag vip added")]


def test_loyalty_tier_change_refreshes_the_customer(
    channel_USD, crm_order, order_payments, customer_user, django_capture_on_commit_callbacks
):
    # given: Silver on a 60.00 order, member of "Silver customers"
    configure_crm(channel_USD, pending_period="0", tiers="Silver | 50 | 1.5", tier_window="365d")
    order_payments.charge(crm_order(channel_USD, [(Decimal("60.00"), 1)]))
    segment = customer_segment_create(
        name="Silver customers",
        definition={"field": "loyalty_tier", "op": "eq", "value": "silver"},
        channel_id=channel_USD.pk,
    )
    assert _members(segment) == [customer_user.pk]

    # when: a year later the daily review drops the tier (no order event at all)
    with freeze_time(timezone.now() + datetime.timedelta(days=366)):
        with django_capture_on_commit_callbacks(execute=True):
            daily_loyalty_task.delay()

    # then: the tier change itself refreshed the customer
    assert _members(segment) == []
    assert _history(segment)[-1] == (
        customer_user.pk,
        MembershipEventKind.LEFT,
        "loyalty tier none (daily review)",
    )


def test_order_that_moves_the_tier_refreshes_after_the_loyalty_sync(
    channel_USD, crm_order, order_payments, customer_user
):
    # given: a tier segment with no member yet; the order will make the customer Silver
    configure_crm(channel_USD, pending_period="0", tiers="Silver | 50 | 1.5", tier_window="365d")
    segment = customer_segment_create(
        name="Silver customers",
        definition={"field": "loyalty_tier", "op": "eq", "value": "silver"},
        channel_id=channel_USD.pk,
    )
    order = crm_order(channel_USD, [(Decimal("60.00"), 1)])
    assert _members(segment) == []

    # when: the payment app charges it in full
    order_payments.charge(order)

    # then: the order's own refresh ran after the loyalty sync and read the new tier
    assert _members(segment) == [customer_user.pk]
    assert _history(segment) == [
        (customer_user.pk, MembershipEventKind.JOINED, f"order #{order.number} paid")
    ]
