"""`customerTagsAdd`: MANAGE_USERS; tags are normalised and segments follow."""

import pytest

from saleor_crm_plugin.segments.models import CustomerTag, SegmentMembership

from .utils import (
    DENIED,
    MANAGE_USERS,
    UNKNOWN_USER_ID,
    create_segment,
    denied_data,
    mutation_data,
    user_id,
    written_rows,
)

CUSTOMER_TAGS_ADD = """
mutation($customerId: ID!, $tags: [String!]!) {
  customerTagsAdd(customerId: $customerId, tags: $tags) {
    user { email crmTags }
    tags
    errors { field code message }
  }
}
"""


def add_tags(client, customer_id, tags):
    return client.post_graphql(CUSTOMER_TAGS_ADD, {"customerId": customer_id, "tags": tags})


def stored_tags(customer) -> list[str]:
    return sorted(CustomerTag.objects.filter(user=customer).values_list("tag", flat=True))


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_tags_a_customer(requester, customer_user):
    # when
    response = add_tags(requester, user_id(customer_user), ["  VIP ", "Black   Friday", "vip"])

    # then
    assert mutation_data(response, "customerTagsAdd") == {
        "user": {"email": customer_user.email, "crmTags": ["black friday", "vip"]},
        "tags": ["black friday", "vip"],
        "errors": [],
    }
    assert stored_tags(customer_user) == ["black friday", "vip"]


def test_adding_a_tag_twice_keeps_one(staff_manage_users, customer_user):
    # given
    add_tags(staff_manage_users, user_id(customer_user), ["vip"])

    # when
    response = add_tags(staff_manage_users, user_id(customer_user), ["VIP", "newsletter"])

    # then
    assert mutation_data(response, "customerTagsAdd")["tags"] == ["newsletter", "vip"]
    assert stored_tags(customer_user) == ["newsletter", "vip"]


def test_the_customer_enters_segments_on_their_tags(staff_manage_users, customer_user):
    # given
    segment = create_segment()
    assert segment.member_count == 0

    # when
    add_tags(staff_manage_users, user_id(customer_user), ["vip"])

    # then
    segment.refresh_from_db()
    assert segment.member_count == 1
    assert list(SegmentMembership.objects.values_list("user_id", flat=True)) == [customer_user.pk]


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_without_manage_users_tagging_is_denied(requester, customer_user):
    # given
    rows = written_rows()

    # when
    response = add_tags(requester, user_id(customer_user), ["vip"])

    # then
    assert denied_data(response) == {"customerTagsAdd": None}
    assert written_rows() == rows


@pytest.mark.parametrize(
    "tags",
    [["vip", ""], ["x" * 51], ["<b>bold</b>"], [f"tag{number}" for number in range(51)]],
)
def test_invalid_tags_are_refused_and_none_is_added(staff_manage_users, customer_user, tags):
    # given
    rows = written_rows()

    # when
    response = add_tags(staff_manage_users, user_id(customer_user), tags)

    # then
    data = mutation_data(response, "customerTagsAdd")
    assert (data["user"], data["tags"]) == (None, None)
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("tags", "INVALID_TAG")]
    assert written_rows() == rows


def test_unknown_customer_is_not_found(staff_manage_users):
    # given
    rows = written_rows()

    # when
    response = add_tags(staff_manage_users, UNKNOWN_USER_ID, ["vip"])

    # then
    data = mutation_data(response, "customerTagsAdd")
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("customerId", "NOT_FOUND")]
    assert written_rows() == rows
