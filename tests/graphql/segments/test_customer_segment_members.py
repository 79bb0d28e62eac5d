"""`customerSegment { members history }`: pages, the tag filter, constant query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from saleor.account.models import User
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.loyalty.models import LoyaltyAccount
from saleor_crm_plugin.segments import actions

from ...fixtures.plugin import configure_crm
from ..loyalty.utils import adjust
from .utils import DENIED, create_segment, denied_data, segment_id, tag

MEMBERS = """
query($id: ID!, $filter: CustomerSegmentMemberFilterInput, $first: Int, $after: String) {
  customerSegment(id: $id) {
    members(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { email crmTags } }
    }
  }
}
"""

HISTORY = """
query($id: ID!) {
  customerSegment(id: $id) {
    history(first: 10) { edges { node { user { email } kind reason occurredAt } } }
  }
}
"""


@pytest.fixture
def vips(customer_users):
    """All three customers are VIPs; the first and the third also read the newsletter."""
    first, second, third = customer_users
    tag(first, "vip", "newsletter")
    tag(second, "vip")
    tag(third, "vip", "Newsletter", "wholesale")
    return create_segment()


def members(client, segment, **variables):
    response = client.post_graphql(MEMBERS, {"id": segment_id(segment), "first": 10, **variables})
    return get_graphql_content(response)["data"]["customerSegment"]["members"]


def test_members_by_email_with_their_tags(staff_manage_users, vips):
    # when
    data = members(staff_manage_users, vips)

    # then
    assert data["totalCount"] == 3
    assert [edge["node"] for edge in data["edges"]] == [
        {"email": "test2@example.com", "crmTags": ["vip"]},
        {"email": "test3@example.com", "crmTags": ["newsletter", "vip", "wholesale"]},
        {"email": "test@example.com", "crmTags": ["newsletter", "vip"]},
    ]


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["NEWSLETTER"], ["test3@example.com", "test@example.com"]),
        (["newsletter", "wholesale"], ["test3@example.com"]),
        (["nobody has this"], []),
        (["<not a tag>"], []),
        ([], ["test2@example.com", "test3@example.com", "test@example.com"]),
    ],
)
def test_members_filtered_by_tags(staff_manage_users, vips, tags, expected):
    # when
    data = members(staff_manage_users, vips, filter={"tags": tags})

    # then
    assert [edge["node"]["email"] for edge in data["edges"]] == expected


def test_members_in_pages(staff_manage_users, vips):
    # when
    page_one = members(staff_manage_users, vips, first=2)
    page_two = members(staff_manage_users, vips, first=2, after=page_one["pageInfo"]["endCursor"])

    # then
    assert [edge["node"]["email"] for edge in page_one["edges"]] == [
        "test2@example.com",
        "test3@example.com",
    ]
    assert page_one["pageInfo"]["hasNextPage"] is True
    assert [edge["node"]["email"] for edge in page_two["edges"]] == ["test@example.com"]
    assert page_two["pageInfo"]["hasNextPage"] is False


def test_history_newest_first(staff_manage_users, vips, customer_user):
    # given
    tag(customer_user, "vip")  # no change: still a member
    vips_definition = {"all": [{"field": "tags", "op": "has_all", "value": ["vip", "newsletter"]}]}
    actions.customer_segment_update(segment=vips, definition=vips_definition)

    # when
    response = staff_manage_users.post_graphql(HISTORY, {"id": segment_id(vips)})

    # then
    edges = get_graphql_content(response)["data"]["customerSegment"]["history"]["edges"]
    events = [(edge["node"]["user"]["email"], edge["node"]["kind"]) for edge in edges]
    assert events[0] == ("test2@example.com", "LEFT")
    assert sorted(events[1:]) == [
        ("test2@example.com", "JOINED"),
        ("test3@example.com", "JOINED"),
        ("test@example.com", "JOINED"),
    ]
    assert edges[0]["node"]["reason"] == "definition changed"


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_without_manage_users_members_are_denied(requester, vips):
    # when
    response = requester.post_graphql(MEMBERS, {"id": segment_id(vips), "first": 10})

    # then
    assert denied_data(response) == {"customerSegment": None}


MEMBERS_WITH_LOYALTY = """
query($id: ID!, $channel: String!) {
  customerSegment(id: $id) {
    members(first: 100) {
      edges { node { id email crmTags loyalty(channel: $channel) { balance tier { name } } } }
    }
  }
}
"""


def create_members(channel, numbers):
    for number in numbers:
        customer = User.objects.create(email=f"member{number:02}@example.com")
        tag(customer, "vip", f"batch {number % 3}")
        adjust(customer, channel, 10 + number, f"test:members:{number}")
    LoyaltyAccount.objects.filter(channel=channel, balance__gte=20).update(tier_name="Silver")


def count_member_queries(client, segment, channel) -> tuple[int, list]:
    variables = {"id": segment_id(segment), "channel": channel.slug}
    with CaptureQueriesContext(connection) as queries:
        response = client.post_graphql(MEMBERS_WITH_LOYALTY, variables)
    edges = get_graphql_content(response)["data"]["customerSegment"]["members"]["edges"]
    return len(queries), edges


def test_query_count_does_not_grow_with_members(staff_manage_users, crm_usd):
    # given
    configure_crm(crm_usd, pending_period="0", tiers="Silver | 20 | 1.5\nGold | 100 | 2")
    create_members(crm_usd, range(3))
    segment = create_segment()
    count_member_queries(staff_manage_users, segment, crm_usd)  # warm up: Saleor caches the Site
    few_queries, few = count_member_queries(staff_manage_users, segment, crm_usd)
    create_members(crm_usd, range(3, 30))

    # when
    many_queries, many = count_member_queries(staff_manage_users, segment, crm_usd)

    # then
    assert (len(few), len(many)) == (3, 30)
    assert many[0]["node"]["email"] == "member00@example.com"
    assert many[0]["node"]["crmTags"] == ["batch 0", "vip"]
    assert many[0]["node"]["loyalty"] == {"balance": 10, "tier": None}
    assert many[29]["node"]["crmTags"] == ["batch 2", "vip"]
    assert many[29]["node"]["loyalty"] == {"balance": 39, "tier": {"name": "Silver"}}
    assert many_queries == few_queries
