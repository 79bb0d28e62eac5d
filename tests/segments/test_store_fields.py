"""Store fields of segments: home and pickup store, in-store spend and purchases,
shopping mode; stores named by global ID, explained by name, watched by the refresh."""

import datetime
from decimal import Decimal

import graphene
import pytest
from django.utils import timezone
from freezegun import freeze_time
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.segments.actions import customer_segment_create
from saleor_crm_plugin.segments.error_codes import CustomerSegmentErrorCode
from saleor_crm_plugin.segments.exceptions import SegmentError
from saleor_crm_plugin.segments.explain import ConditionResult, customer_segments_explain
from saleor_crm_plugin.segments.models import CustomerSegment, SegmentMembership
from saleor_crm_plugin.segments.refresh import segments_time_refresh
from saleor_crm_plugin.stores.models import PurchaseSource
from saleor_crm_plugin.stores.purchases import store_refund_record

from ..fixtures.click_and_collect import global_id
from ..graphql.segments.utils import as_json

NOW = timezone.now().replace(microsecond=0)


def _days_ago(days: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def _members(segment) -> list[int]:
    return sorted(
        SegmentMembership.objects.filter(segment=segment).values_list("user_id", flat=True)
    )


def _segment(definition, channel) -> CustomerSegment:
    return customer_segment_create(
        name=str(definition)[:250],
        definition=definition,
        channel_id=channel.pk if channel else None,
    )


CUSTOMER_SEGMENT_CREATE = """
mutation($input: CustomerSegmentCreateInput!) {
  customerSegmentCreate(input: $input) {
    customerSegment { memberCount members(first: 5) { edges { node { email } } } }
    errors { field code message path }
  }
}
"""


def test_staff_find_the_shoppers_whose_home_store_it_is(
    crm_usd,
    click_and_collect_store,
    click_and_collect,
    linked_purchase,
    user_api_client,
    customer_user,
    customer_user2,
    staff_api_client,
    permission_manage_users,
):
    # given: the shopper bought twice at Harbour long ago, and once at Downtown and
    # collected an order there since: a tie, which the latest visit (Downtown) breaks
    downtown, harbour = click_and_collect_store("Downtown"), click_and_collect_store("Harbour")
    linked_purchase(harbour, "20.00", user=customer_user, at=_days_ago(30))
    linked_purchase(harbour, "20.00", user=customer_user, at=_days_ago(29))
    linked_purchase(downtown, "5.00", user=customer_user, at=_days_ago(3))
    click_and_collect(user_api_client, downtown)
    # another shopper's purchases at Harbour
    linked_purchase(harbour, "9.00", user=customer_user2, at=_days_ago(1))
    definition = {"field": "home_store", "op": "eq", "value": global_id(downtown)}

    # when
    response = staff_api_client.post_graphql(
        CUSTOMER_SEGMENT_CREATE,
        {
            "input": {
                "name": "Downtown regulars",
                "definition": as_json(definition),
                "channel": crm_usd.slug,
            }
        },
        permissions=[permission_manage_users],
    )

    # then
    data = get_graphql_content(response)["data"]["customerSegmentCreate"]
    assert data == {
        "customerSegment": {
            "memberCount": 1,
            "members": {"edges": [{"node": {"email": customer_user.email}}]},
        },
        "errors": [],
    }
    harbour_segment = _segment(
        {"field": "home_store", "op": "in", "value": [harbour.slug]}, crm_usd
    )
    assert _members(harbour_segment) == [customer_user2.pk]


def test_the_pickup_store_counts_click_and_collect_orders_only(
    crm_usd,
    click_and_collect_store,
    click_and_collect,
    linked_purchase,
    user_api_client,
    customer_user,
):
    # given: many purchases at Harbour, one order collected at Downtown
    downtown, harbour = click_and_collect_store("Downtown"), click_and_collect_store("Harbour")
    for days in (5, 4, 3):
        linked_purchase(harbour, "10.00", user=customer_user, at=_days_ago(days))
    click_and_collect(user_api_client, downtown)

    # when
    pickup = _segment({"field": "pickup_store", "op": "eq", "value": downtown.slug}, crm_usd)
    home = _segment({"field": "home_store", "op": "eq", "value": harbour.slug}, crm_usd)

    # then
    assert (_members(pickup), _members(home)) == ([customer_user.pk], [customer_user.pk])


def test_shopping_mode_counts_click_and_collect_as_online_and_in_store(
    crm_usd,
    click_and_collect_store,
    click_and_collect,
    linked_purchase,
    paid_order,
    user_api_client,
    user2_api_client,
    customer_user,
    customer_user2,
    django_user_model,
):
    # given: one shopper ordered for delivery; one only collects; one only visits
    downtown = click_and_collect_store("Downtown")
    paid_order()
    click_and_collect(user2_api_client, downtown)
    visitor = django_user_model.objects.create(email="visitor@example.com")
    linked_purchase(downtown, "12.00", user=visitor)

    # when
    modes = {
        mode: _members(_segment({"field": "shopping_mode", "op": "eq", "value": mode}, None))
        for mode in ("online_only", "in_store_only", "both")
    }

    # then
    assert modes == {
        "online_only": [customer_user.pk],
        "in_store_only": [visitor.pk],
        "both": [customer_user2.pk],
    }


def test_in_store_spend_is_net_of_refunds_and_a_full_refund_stops_counting(
    crm_usd, click_and_collect_store, linked_purchase, customer_user
):
    # given: 40.00 spent at the till, 15.00 of it refunded
    downtown = click_and_collect_store("Downtown")
    purchase = linked_purchase(downtown, "40.00", user=customer_user, external_id="pi_1")
    store_refund_record(
        source=PurchaseSource.API,
        external_id="pi_1",
        refunded_total=Decimal("15.00"),
        currency="USD",
    )
    spent_25 = _segment({"field": "in_store_spend", "op": "gte", "value": "25"}, crm_usd)
    spent_more = _segment({"field": "in_store_spend", "op": "gt", "value": 25}, crm_usd)
    bought = _segment({"field": "in_store_orders", "op": "eq", "value": 1}, crm_usd)
    assert (_members(spent_25), _members(spent_more), _members(bought)) == (
        [customer_user.pk],
        [],
        [customer_user.pk],
    )
    since = timezone.now()

    # when: the rest is refunded; the hourly refresh hears of it
    with freeze_time(since + datetime.timedelta(minutes=1)):
        store_refund_record(
            source=PurchaseSource.API,
            external_id="pi_1",
            refunded_total=purchase.amount,
            currency="USD",
        )
    with freeze_time(since + datetime.timedelta(minutes=2)):
        segments_time_refresh(now=timezone.now())

    # then: nothing left to count
    assert (_members(spent_25), _members(bought)) == ([], [])


def test_a_purchase_linked_later_is_found_by_the_hourly_refresh(
    crm_usd, click_and_collect_store, linked_purchase, customer_user
):
    # given: a segment of in-store shoppers, computed before the purchase was linked
    segment = _segment({"field": "in_store_orders", "op": "gte", "value": 1}, crm_usd)
    assert _members(segment) == []

    # when: the shopper is linked at the till (no event reaches segments) and an hour passes
    linked_purchase(click_and_collect_store("Downtown"), "8.00", user=customer_user)
    with freeze_time(timezone.now() + datetime.timedelta(hours=1)):
        segments_time_refresh(now=timezone.now())

    # then
    assert _members(segment) == [customer_user.pk]


def test_store_conditions_explain_the_store_by_name_and_id(
    crm_usd, click_and_collect_store, linked_purchase, customer_user
):
    # given
    downtown, harbour = click_and_collect_store("Downtown"), click_and_collect_store("Harbour")
    linked_purchase(downtown, "8.00", user=customer_user)
    definition = {
        "all": [
            {"field": "home_store", "op": "ne", "value": global_id(harbour)},
            {"field": "shopping_mode", "op": "eq", "value": "in_store_only"},
            {"field": "in_store_spend", "op": "gte", "value": 8},
        ]
    }
    segment = _segment(definition, crm_usd)

    # when
    (explanation,) = customer_segments_explain(user=customer_user, segment_ids=[segment.pk])

    # then
    assert explanation.is_member
    assert explanation.conditions == [
        ConditionResult("", "all of 3 conditions", True, "3 of 3 hold"),
        ConditionResult(
            "all[0]",
            f"home store ≠ {global_id(harbour)}",
            True,
            f"Downtown ({global_id(downtown)})",
        ),
        ConditionResult("all[1]", "shopping mode = in_store_only", True, "in_store_only"),
        ConditionResult("all[2]", "in-store spend ≥ 8", True, "8.000"),
    ]


@pytest.mark.parametrize(
    ("definition", "channel", "code", "message"),
    [
        (
            {"field": "home_store", "op": "eq", "value": "nowhere"},
            True,
            CustomerSegmentErrorCode.INVALID_VALUE,
            "Unknown store 'nowhere'.",
        ),
        (
            {
                "field": "pickup_store",
                "op": "eq",
                "value": graphene.Node.to_global_id("Product", 1),
            },
            True,
            CustomerSegmentErrorCode.INVALID_VALUE,
            "Unknown store 'UHJvZHVjdDox'.",
        ),
        (
            {"field": "in_store_spend", "op": "gt", "value": 10},
            False,
            CustomerSegmentErrorCode.CHANNEL_REQUIRED,
            "'in_store_spend' is measured per channel: the segment needs a channel.",
        ),
        (
            {"field": "shopping_mode", "op": "eq", "value": "online"},
            True,
            CustomerSegmentErrorCode.INVALID_VALUE,
            "Unknown shopping mode 'online'; known: online_only, in_store_only, both.",
        ),
    ],
)
def test_bad_store_conditions_are_refused_with_a_code(
    channel_USD, definition, channel, code, message
):
    # when
    with pytest.raises(SegmentError) as error:
        _segment(definition, channel_USD if channel else None)

    # then
    assert (error.value.code, error.value.message) == (code, message)
    assert CustomerSegment.objects.count() == 0
