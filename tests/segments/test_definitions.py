"""Definitions are validated before anything is written; errors name the bad node."""

import pytest

from saleor_crm_plugin.segments.actions import customer_segment_create, customer_segment_update
from saleor_crm_plugin.segments.error_codes import CustomerSegmentErrorCode
from saleor_crm_plugin.segments.exceptions import SegmentError
from saleor_crm_plugin.segments.models import (
    CustomerSegment,
    SegmentMembership,
    SegmentMembershipEvent,
)

SPENT = {"field": "total_spent", "op": "gt", "value": 100}
Code = CustomerSegmentErrorCode


def _nested(depth: int) -> dict:
    node = {"field": "order_count", "op": "gte", "value": 1}
    for _ in range(depth - 1):
        node = {"all": [node]}
    return node


@pytest.mark.parametrize(
    ("definition", "code", "path"),
    [
        (
            {"all": [SPENT, {"field": "shoe_size", "op": "eq", "value": 4}]},
            Code.UNKNOWN_FIELD,
            "all[1]",
        ),
        ({"any": [{"field": "tags", "op": "gt", "value": 3}]}, Code.INVALID_OPERATOR, "any[0]"),
        (
            {"all": [{"field": "loyalty_tier", "op": "gte", "value": "gold"}]},
            Code.INVALID_OPERATOR,
            "all[0]",
        ),
        ({"all": [SPENT, {"any": []}]}, Code.EMPTY_GROUP, "all[1]"),
        ({"all": []}, Code.EMPTY_GROUP, None),
        (_nested(9), Code.TOO_DEEP, "all[0].all[0].all[0].all[0].all[0].all[0].all[0]"),
        (_nested(10_000 // 100), Code.TOO_DEEP, "all[0].all[0].all[0].all[0].all[0].all[0].all[0]"),
        ({"any": [SPENT] * 101}, Code.TOO_LARGE, None),
        (
            {"all": [{"field": "total_spent", "op": "gt", "value": "lots"}]},
            Code.INVALID_VALUE,
            "all[0]",
        ),
        (
            {"all": [{"field": "total_spent", "op": "gt", "value": -5}]},
            Code.INVALID_VALUE,
            "all[0]",
        ),
        (
            {"all": [{"field": "order_count", "op": "between", "value": [5, 1]}]},
            Code.INVALID_VALUE,
            "all[0]",
        ),
        (
            {"all": [{"field": "order_count", "op": "gt", "value": 1, "days": 0}]},
            Code.INVALID_VALUE,
            "all[0]",
        ),
        ({"all": [{"field": "country", "op": "eq", "value": "XX"}]}, Code.INVALID_VALUE, "all[0]"),
        ({"all": [{"field": "rfm_recency", "op": "eq", "value": 6}]}, Code.INVALID_VALUE, "all[0]"),
        (
            {"all": [{"field": "rfm_group", "op": "eq", "value": "vip"}]},
            Code.INVALID_VALUE,
            "all[0]",
        ),
        (
            {"all": [{"field": "purchased_product", "op": "any_of", "value": ["no-such"]}]},
            Code.INVALID_VALUE,
            "all[0]",
        ),
        (
            {"all": [{"field": "channel", "op": "ordered_in", "value": "nowhere"}]},
            Code.INVALID_VALUE,
            "all[0]",
        ),
        ({"all": [{"field": "tags", "op": "has", "value": "a/b"}]}, Code.INVALID_TAG, "all[0]"),
        ({"all": [{"field": "order_count", "op": "gt"}]}, Code.REQUIRED, "all[0]"),
        ({"all": [SPENT], "any": [SPENT]}, Code.INVALID, None),
        (
            {"not": {"all": [{"field": "order_count", "op": "gt", "value": 1, "extra": 1}]}},
            Code.INVALID,
            "not.all[0]",
        ),
        ([SPENT], Code.INVALID, None),
    ],
)
def test_invalid_definition_is_refused_with_its_code_and_path_and_nothing_saved(
    channel_USD, definition, code, path
):
    # when
    with pytest.raises(SegmentError) as error:
        customer_segment_create(name="Big", definition=definition, channel_id=channel_USD.pk)

    # then
    assert error.value.code == code
    assert error.value.field == "definition"
    assert error.value.path == path
    assert CustomerSegment.objects.count() == 0
    assert SegmentMembership.objects.count() == 0
    assert SegmentMembershipEvent.objects.count() == 0


@pytest.mark.parametrize(
    "field", ["total_spent", "average_order_value", "points_balance", "rfm_monetary"]
)
def test_money_and_loyalty_conditions_need_a_channel(field):
    # given
    definition = {
        "any": [
            {"field": "order_count", "op": "gt", "value": 0},
            {"field": field, "op": "gt", "value": 1},
        ]
    }

    # when
    with pytest.raises(SegmentError) as error:
        customer_segment_create(name="No channel", definition=definition, channel_id=None)

    # then
    assert error.value.code == Code.CHANNEL_REQUIRED
    assert error.value.path == "any[1]"
    assert CustomerSegment.objects.count() == 0


def test_name_is_required(channel_USD):
    with pytest.raises(SegmentError) as error:
        customer_segment_create(name="  ", definition=SPENT, channel_id=channel_USD.pk)

    assert (error.value.code, error.value.field) == (Code.REQUIRED, "name")
    assert CustomerSegment.objects.count() == 0


def test_auto_tag_is_one_rule_per_tag(channel_USD):
    # given
    customer_segment_create(
        name="A", definition=SPENT, channel_id=channel_USD.pk, auto_tag="Big Spender"
    )

    # when
    with pytest.raises(SegmentError) as error:
        customer_segment_create(
            name="B", definition=SPENT, channel_id=channel_USD.pk, auto_tag=" big  SPENDER"
        )

    # then
    assert (error.value.code, error.value.field) == (Code.INVALID, "auto_tag")
    assert list(CustomerSegment.objects.values_list("name", "auto_tag")) == [("A", "big spender")]


def test_invalid_update_changes_nothing(channel_USD):
    # given
    segment = customer_segment_create(name="A", definition=SPENT, channel_id=channel_USD.pk)

    # when
    with pytest.raises(SegmentError) as error:
        customer_segment_update(
            segment=segment, name="B", definition={"not": {"field": "x", "op": "eq", "value": 1}}
        )

    # then
    assert (error.value.code, error.value.path) == (Code.UNKNOWN_FIELD, "not")
    segment.refresh_from_db()
    assert (segment.name, segment.definition) == ("A", SPENT)


def test_valid_definition_accepts_every_field(channel_USD, product, category, customer_user):
    # given
    definition = {
        "all": [
            {"field": "total_spent", "op": "between", "value": ["10.50", 900], "days": 365},
            {"field": "order_count", "op": "gte", "value": 2, "days": 30},
            {"field": "average_order_value", "op": "gt", "value": 20.5},
            {"field": "days_since_last_order", "op": "lte", "value": 60},
            {"field": "days_since_first_order", "op": "gt", "value": 1},
            {"field": "date_joined_days", "op": "gte", "value": 0},
            {"field": "points_balance", "op": "gte", "value": -10},
            {"field": "loyalty_tier", "op": "in", "value": ["Gold", "Silver"]},
            {"field": "tags", "op": "has_all", "value": ["VIP", "newsletter"]},
            {"field": "country", "op": "in", "value": ["pl", "DE"]},
            {"field": "channel", "op": "ordered_in", "value": [channel_USD.slug]},
            {"field": "purchased_product", "op": "any_of", "value": [product.slug]},
            {"field": "purchased_category", "op": "any_of", "value": [category.pk]},
            {"field": "marketing_consent", "op": "eq", "value": True},
            {"not": {"field": "rfm_group", "op": "in", "value": ["lost", "hibernating"]}},
            {"field": "rfm_recency", "op": "gte", "value": 3},
            {"field": "rfm_frequency", "op": "lte", "value": 5},
            {"field": "rfm_monetary", "op": "ne", "value": 1},
        ]
    }

    # when
    segment = customer_segment_create(
        name="Everything", definition=definition, channel_id=channel_USD.pk
    )

    # then: stored as given; nobody matches all of it
    segment.refresh_from_db()
    assert segment.definition == definition
    assert segment.member_count == 0
    assert segment.computed_at is not None
