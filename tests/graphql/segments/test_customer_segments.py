"""`customerSegments(filter:)` and `customerSegment(id:)`: MANAGE_USERS only."""

import json

import graphene
import pytest
from saleor.graphql.tests.utils import get_graphql_content

from .utils import (
    DENIED,
    MANAGE_USERS,
    VIP,
    create_segment,
    denied_data,
    segment_id,
    tag,
    written_rows,
)

CUSTOMER_SEGMENTS = """
query($filter: CustomerSegmentFilterInput, $first: Int, $after: String) {
  customerSegments(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { name channel { slug } memberCount } }
  }
}
"""

CUSTOMER_SEGMENT = """
query($id: ID!) {
  customerSegment(id: $id) {
    id name channel { slug } definition autoTag memberCount computedAt
  }
}
"""

SPENDERS = {"all": [{"field": "total_spent", "op": "gte", "value": 100}]}


@pytest.fixture
def segments(customer_user, channel_USD, channel_PLN):
    tag(customer_user, "vip")
    return [
        create_segment("VIPs"),
        create_segment("Big spenders USD", SPENDERS, channel_USD),
        create_segment("Big spenders PLN", SPENDERS, channel_PLN),
    ]


def node(name, channel=None, member_count=0):
    return {
        "node": {
            "name": name,
            "channel": channel and {"slug": channel},
            "memberCount": member_count,
        }
    }


def list_segments(client, **variables):
    response = client.post_graphql(CUSTOMER_SEGMENTS, {"first": 10, **variables})
    return get_graphql_content(response)["data"]["customerSegments"]


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_lists_segments_by_name(requester, segments, channel_USD, channel_PLN):
    # when
    data = list_segments(requester)

    # then
    assert data["totalCount"] == 3
    assert data["edges"] == [
        node("Big spenders PLN", channel_PLN.slug),
        node("Big spenders USD", channel_USD.slug),
        node("VIPs", member_count=1),
    ]


@pytest.mark.parametrize(
    ("filter_input", "expected"),
    [
        ({"search": "spenders"}, ["Big spenders PLN", "Big spenders USD"]),
        ({"search": "VIP"}, ["VIPs"]),
        ({"channel": "channel_USD"}, ["Big spenders USD"]),
        ({"search": "spenders", "channel": "channel_PLN"}, ["Big spenders PLN"]),
        ({"search": "nothing"}, []),
    ],
)
def test_filter(request, staff_manage_users, segments, filter_input, expected):
    # given
    if "channel" in filter_input:
        filter_input["channel"] = request.getfixturevalue(filter_input["channel"]).slug

    # when
    data = list_segments(staff_manage_users, filter=filter_input)

    # then
    assert [edge["node"]["name"] for edge in data["edges"]] == expected


def test_pages(staff_manage_users, segments):
    # when
    page_one = list_segments(staff_manage_users, first=2)
    page_two = list_segments(staff_manage_users, first=2, after=page_one["pageInfo"]["endCursor"])

    # then
    assert [edge["node"]["name"] for edge in page_one["edges"]] == [
        "Big spenders PLN",
        "Big spenders USD",
    ]
    assert page_one["pageInfo"]["hasNextPage"] is True
    assert [edge["node"]["name"] for edge in page_two["edges"]] == ["VIPs"]


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_without_manage_users_the_list_is_denied(requester, segments):
    # given
    rows = written_rows()

    # when
    response = requester.post_graphql(CUSTOMER_SEGMENTS, {"first": 10})

    # then
    assert denied_data(response) == {"customerSegments": None}
    assert written_rows() == rows


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_reads_a_segment(requester, segments, channel_USD):
    # given
    segment = segments[1]

    # when
    response = requester.post_graphql(CUSTOMER_SEGMENT, {"id": segment_id(segment)})

    # then
    data = get_graphql_content(response)["data"]["customerSegment"]
    data["definition"] = json.loads(data["definition"])
    assert data == {
        "id": segment_id(segment),
        "name": "Big spenders USD",
        "channel": {"slug": channel_USD.slug},
        "definition": SPENDERS,
        "autoTag": None,
        "memberCount": 0,
        "computedAt": segment.computed_at.isoformat(),
    }


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_without_manage_users_a_segment_is_denied(requester, segments):
    # when
    response = requester.post_graphql(CUSTOMER_SEGMENT, {"id": segment_id(segments[0])})

    # then
    assert denied_data(response) == {"customerSegment": None}


def test_unknown_segment_is_null(staff_manage_users, segments):
    # when
    response = staff_manage_users.post_graphql(
        CUSTOMER_SEGMENT, {"id": graphene.Node.to_global_id("CustomerSegment", 0)}
    )

    # then
    assert get_graphql_content(response)["data"] == {"customerSegment": None}


def test_vip_definition_is_shown_as_saved(staff_manage_users, segments):
    # when
    response = staff_manage_users.post_graphql(CUSTOMER_SEGMENT, {"id": segment_id(segments[0])})

    # then
    data = get_graphql_content(response)["data"]["customerSegment"]
    assert (json.loads(data["definition"]), data["memberCount"]) == ({"all": [VIP]}, 1)
