"""`CustomerSegment.memberCountHistory(days:)`: members per day, batched for lists."""

import datetime

import pytest
from django.utils import timezone
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.segments.models import SegmentMembershipEvent

from .utils import (
    DENIED,
    MANAGE_USERS,
    create_segment,
    denied_data,
    segment_id,
    tag,
    written_rows,
)

SEGMENTS_HISTORY = """
query($days: Int) {
  customerSegments(first: 20) {
    edges { node { name memberCount memberCountHistory(days: $days) { date memberCount } } }
  }
}
"""

SEGMENT_HISTORY = """
query($id: ID!, $days: Int) {
  customerSegment(id: $id) { memberCountHistory(days: $days) { date memberCount } }
}
"""


def _days_ago(days: int) -> str:
    return (timezone.now().date() - datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def grown(customer_users):
    """ "VIPs": customer_user joined 2 days ago, customer_user2 today; "Empty": nobody."""
    first, second, _third = customer_users
    tag(first, "vip")
    vips = create_segment("VIPs")
    SegmentMembershipEvent.objects.filter(segment=vips).update(
        occurred_at=timezone.now() - datetime.timedelta(days=2)
    )
    tag(second, "vip")
    create_segment("Empty", {"all": [{"field": "tags", "op": "has", "value": "nobody"}]})
    return vips


def history(client, **variables):
    response = client.post_graphql(SEGMENTS_HISTORY, variables)
    edges = get_graphql_content(response)["data"]["customerSegments"]["edges"]
    return {edge["node"]["name"]: edge["node"]["memberCountHistory"] for edge in edges}


def point(days_ago, count):
    return {"date": _days_ago(days_ago), "memberCount": count}


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_reads_each_segments_trend(requester, grown):
    # given
    rows = written_rows()

    # when
    data = history(requester, days=4)

    # then
    assert data == {
        "Empty": [point(3, 0), point(2, 0), point(1, 0), point(0, 0)],
        "VIPs": [point(3, 0), point(2, 1), point(1, 1), point(0, 2)],
    }
    assert written_rows() == rows


def test_thirty_days_by_default(staff_manage_users, grown):
    # when
    data = history(staff_manage_users)

    # then
    assert [len(points) for points in data.values()] == [30, 30]
    assert data["VIPs"][0] == point(29, 0)
    assert data["VIPs"][-1] == point(0, 2)


@pytest.mark.parametrize("days", [0, -1, 366])
def test_days_out_of_range_are_refused(staff_manage_users, grown, days):
    # when
    response = staff_manage_users.post_graphql(
        SEGMENT_HISTORY, {"id": segment_id(grown), "days": days}
    )

    # then
    content = get_graphql_content(response, ignore_errors=True)
    assert content["data"] == {"customerSegment": None}
    assert [error["message"] for error in content["errors"]] == ["days must be between 1 and 365."]


def test_a_list_asks_a_constant_number_of_queries(
    staff_manage_users, grown, customer_users, django_assert_max_num_queries
):
    # given
    def count_queries() -> int:
        with django_assert_max_num_queries(50) as captured:
            history(staff_manage_users, days=7)
        return len(captured.captured_queries)

    count_queries()  # Saleor caches the site settings on the first request
    before = count_queries()
    for index in range(4):
        create_segment(f"More {index}")
    for customer in customer_users:
        tag(customer, "vip")

    # when
    after = count_queries()

    # then
    assert after == before


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_without_manage_users_the_history_is_denied(requester, grown):
    # when
    response = requester.post_graphql(SEGMENTS_HISTORY, {"days": 3})

    # then
    assert denied_data(response, ["customerSegments"]) == {"customerSegments": None}
