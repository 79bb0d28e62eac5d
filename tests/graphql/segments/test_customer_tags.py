"""`customerTags(search:, first:)`: tags in use for pickers, MANAGE_USERS only."""

import pytest
from saleor.graphql.tests.utils import get_graphql_content

from .utils import DENIED, MANAGE_USERS, create_segment, denied_data, tag, written_rows

CUSTOMER_TAGS = """
query($search: String, $first: Int) {
  customerTags(search: $search, first: $first) { tag customerCount automatic }
}
"""


@pytest.fixture
def tagged(customer_users):
    """vip: 2 customers by hand; "big spender": 1 by hand and 2 by a segment rule."""
    first, second, third = customer_users
    tag(first, "vip", "big spender")
    tag(second, "VIP")
    tag(third, "lapsed")
    create_segment(
        "Big", {"all": [{"field": "tags", "op": "has", "value": "vip"}]}, auto_tag="big spender"
    )
    return customer_users


def tags(client, **variables):
    response = client.post_graphql(CUSTOMER_TAGS, variables)
    return get_graphql_content(response)["data"]["customerTags"]


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_lists_the_tags_in_use(requester, tagged):
    # given
    rows = written_rows()

    # when
    data = tags(requester)

    # then
    assert data == [
        {"tag": "big spender", "customerCount": 2, "automatic": True},
        {"tag": "vip", "customerCount": 2, "automatic": False},
        {"tag": "lapsed", "customerCount": 1, "automatic": False},
    ]
    assert written_rows() == rows


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"search": "V"}, ["vip"]),
        ({"search": " BIG  sp"}, ["big spender"]),
        ({"search": "nothing"}, []),
        ({"search": "\x00"}, []),
        ({"first": 1}, ["big spender"]),
    ],
)
def test_search_and_first(staff_manage_users, tagged, variables, expected):
    # when
    data = tags(staff_manage_users, **variables)

    # then
    assert [row["tag"] for row in data] == expected


@pytest.mark.parametrize("first", [0, -1, 101])
def test_first_out_of_range_is_refused(staff_manage_users, tagged, first):
    # when
    response = staff_manage_users.post_graphql(CUSTOMER_TAGS, {"first": first})

    # then
    content = get_graphql_content(response, ignore_errors=True)
    assert content["data"] is None
    assert [error["message"] for error in content["errors"]] == ["first must be between 1 and 100."]
    assert content["errors"][0]["extensions"]["exception"]["code"] == "GraphQLError"


def test_query_count_does_not_grow_with_tags(
    staff_manage_users, tagged, django_assert_max_num_queries
):
    # given
    def count_queries() -> int:
        with django_assert_max_num_queries(50) as captured:
            tags(staff_manage_users)
        return len(captured.captured_queries)

    count_queries()  # Saleor caches the site settings on the first request
    before = count_queries()
    for customer in tagged:
        tag(customer, "one", "two", "three")

    # when
    after = count_queries()

    # then
    assert after == before


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_without_manage_users_the_tags_are_denied(requester, tagged):
    # given
    rows = written_rows()

    # when
    response = requester.post_graphql(CUSTOMER_TAGS, {})

    # then
    assert denied_data(response, ["customerTags"]) is None
    assert written_rows() == rows
