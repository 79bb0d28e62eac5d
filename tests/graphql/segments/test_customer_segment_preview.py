"""`customerSegmentPreview`: who a definition would select, written nowhere."""

import graphene
import pytest
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order.models import OrderLine

from .utils import (
    DENIED,
    MANAGE_USERS,
    VIP,
    as_json,
    create_segment,
    denied_data,
    segment_id,
    tag,
    written_rows,
)

PREVIEW = """
query($definition: JSONString!, $channel: String, $id: ID) {
  customerSegmentPreview(definition: $definition, channel: $channel, id: $id) {
    count
    sample { email }
    entering
    leaving
    errors { field code message path }
  }
}
"""

NEWSLETTER = {"field": "tags", "op": "has", "value": "newsletter"}


@pytest.fixture
def tagged(customer_users):
    """VIPs: the first two; newsletter readers: the last two."""
    first, second, third = customer_users
    tag(first, "vip")
    tag(second, "vip", "newsletter")
    tag(third, "newsletter")
    return customer_users


def preview(client, definition, **variables):
    definition = definition if isinstance(definition, str) else as_json(definition)
    response = client.post_graphql(PREVIEW, {"definition": definition, **variables})
    return get_graphql_content(response)["data"]["customerSegmentPreview"]


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_previews_a_definition_without_writing(requester, tagged):
    # given
    rows = written_rows()

    # when
    data = preview(requester, {"any": [VIP, NEWSLETTER]})

    # then
    assert data["count"] == 3
    assert sorted(user["email"] for user in data["sample"]) == [
        "test2@example.com",
        "test3@example.com",
        "test@example.com",
    ]
    assert (data["entering"], data["leaving"], data["errors"]) == (0, 0, [])
    assert written_rows() == rows


def test_against_a_segment_counts_who_enters_and_leaves(staff_manage_users, tagged):
    # given
    vips = create_segment(definition={"all": [VIP]})
    rows = written_rows()

    # when
    data = preview(staff_manage_users, {"all": [NEWSLETTER]}, id=segment_id(vips))

    # then
    assert (data["count"], data["entering"], data["leaving"]) == (2, 1, 1)
    assert sorted(user["email"] for user in data["sample"]) == [
        "test2@example.com",
        "test3@example.com",
    ]
    assert written_rows() == rows
    vips.refresh_from_db()
    assert (vips.definition, vips.member_count) == ({"all": [VIP]}, 2)


def test_money_conditions_use_the_channel(staff_manage_users, tagged, channel_USD):
    # given
    # VIPs without orders have spent 0 in the channel
    definition = {"all": [{"field": "total_spent", "op": "lte", "value": 0}, VIP]}

    # when
    data = preview(staff_manage_users, definition, channel=channel_USD.slug)

    # then
    assert (data["count"], data["errors"]) == (2, [])


def test_without_channel_the_segment_channel_is_used(staff_manage_users, tagged, channel_USD):
    # given
    spent_nothing = {"all": [{"field": "total_spent", "op": "lte", "value": 0}]}
    spenders = create_segment("Nothing spent", spent_nothing, channel_USD)

    # when
    data = preview(
        staff_manage_users, {"all": [VIP, *spent_nothing["all"]]}, id=segment_id(spenders)
    )

    # then
    assert data["errors"] == []
    assert (data["count"], data["entering"], data["leaving"]) == (2, 0, 1)


def test_references_are_looked_up_on_the_replica(staff_manage_users, spenders, channel_USD):
    # given: the first customer's product (by global id), its category (by slug) and
    # the channel (by slug); every customer bought in that category
    first = spenders[0]
    product = OrderLine.objects.filter(order__user=first).first().variant.product
    definition = {
        "all": [
            {"field": "channel", "op": "ordered_in", "value": [channel_USD.slug]},
            {
                "field": "purchased_product",
                "op": "any_of",
                "value": [graphene.Node.to_global_id("Product", product.pk)],
            },
            {"field": "purchased_category", "op": "any_of", "value": [product.category.slug]},
        ]
    }
    rows = written_rows()

    # when: Saleor's test middleware refuses any statement on the writer in a query
    data = preview(staff_manage_users, definition)

    # then
    assert (data["count"], data["sample"], data["errors"]) == (1, [{"email": first.email}], [])
    assert written_rows() == rows


@pytest.mark.parametrize(
    ("definition", "variables", "error"),
    [
        (
            {"all": [VIP, {"field": "mood", "op": "eq", "value": "happy"}]},
            {},
            ("definition", "UNKNOWN_FIELD", "all[1]"),
        ),
        ({"any": []}, {}, ("definition", "EMPTY_GROUP", None)),
        (
            {"all": [{"field": "total_spent", "op": "gt", "value": 1}]},
            {},
            ("definition", "CHANNEL_REQUIRED", "all[0]"),
        ),
        ("[1, 2]", {}, ("definition", "INVALID", None)),
        ({"all": [VIP]}, {"channel": "no-such-channel"}, ("channel", "NOT_FOUND", None)),
        (
            {"all": [VIP]},
            {"id": graphene.Node.to_global_id("CustomerSegment", 0)},
            ("id", "NOT_FOUND", None),
        ),
    ],
)
def test_bad_input_is_reported_as_errors(staff_manage_users, tagged, definition, variables, error):
    # given
    rows = written_rows()

    # when
    data = preview(staff_manage_users, definition, **variables)

    # then
    assert (data["count"], data["sample"], data["entering"], data["leaving"]) == (
        None,
        None,
        None,
        None,
    )
    assert [(e["field"], e["code"], e["path"]) for e in data["errors"]] == [error]
    assert written_rows() == rows


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_without_manage_users_the_preview_is_denied(requester, tagged):
    # when
    response = requester.post_graphql(PREVIEW, {"definition": as_json({"all": [VIP]})})

    # then
    assert denied_data(response) == {"customerSegmentPreview": None}
