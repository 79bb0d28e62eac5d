"""`customerTagsRemove`: MANAGE_USERS; only staff's tags go, rule-set tags stay."""

import pytest

from saleor_crm_plugin.segments.models import CustomerTag, SegmentMembership

from .utils import (
    DENIED,
    MANAGE_USERS,
    UNKNOWN_USER_ID,
    create_segment,
    denied_data,
    mutation_data,
    tag,
    user_id,
    written_rows,
)

CUSTOMER_TAGS_REMOVE = """
mutation($customerId: ID!, $tags: [String!]!) {
  customerTagsRemove(customerId: $customerId, tags: $tags) {
    user { email }
    tags
    errors { field code message }
  }
}
"""


def remove_tags(client, customer_id, tags):
    return client.post_graphql(CUSTOMER_TAGS_REMOVE, {"customerId": customer_id, "tags": tags})


def stored_tags(customer) -> list[tuple[str, str]]:
    return sorted(CustomerTag.objects.filter(user=customer).values_list("tag", "source"))


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_removes_tags(requester, customer_user):
    # given
    tag(customer_user, "vip", "newsletter", "wholesale")

    # when
    response = remove_tags(requester, user_id(customer_user), ["VIP", "Wholesale", "unknown"])

    # then
    assert mutation_data(response, "customerTagsRemove") == {
        "user": {"email": customer_user.email},
        "tags": ["newsletter"],
        "errors": [],
    }
    assert stored_tags(customer_user) == [("newsletter", "manual")]


def test_removing_the_tag_takes_the_customer_out_of_segments(staff_manage_users, customer_user):
    # given
    tag(customer_user, "vip")
    segment = create_segment(auto_tag="club")
    assert segment.member_count == 1

    # when
    response = remove_tags(staff_manage_users, user_id(customer_user), ["vip"])

    # then
    assert mutation_data(response, "customerTagsRemove")["tags"] == []
    segment.refresh_from_db()
    assert segment.member_count == 0
    assert SegmentMembership.objects.count() == 0
    assert stored_tags(customer_user) == []


def test_automatic_tags_stay(staff_manage_users, customer_user):
    # given
    tag(customer_user, "vip")
    create_segment(auto_tag="club")

    # when
    response = remove_tags(staff_manage_users, user_id(customer_user), ["club"])

    # then
    assert mutation_data(response, "customerTagsRemove")["tags"] == ["club", "vip"]
    assert stored_tags(customer_user) == [("club", "automatic"), ("vip", "manual")]


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_without_manage_users_removing_is_denied(requester, customer_user):
    # given
    tag(customer_user, "vip")
    rows = written_rows()

    # when
    response = remove_tags(requester, user_id(customer_user), ["vip"])

    # then
    assert denied_data(response) == {"customerTagsRemove": None}
    assert written_rows() == rows
    assert stored_tags(customer_user) == [("vip", "manual")]


def test_invalid_tag_is_refused(staff_manage_users, customer_user):
    # given
    tag(customer_user, "vip")
    rows = written_rows()

    # when
    response = remove_tags(staff_manage_users, user_id(customer_user), ["vip", "<b>"])

    # then
    data = mutation_data(response, "customerTagsRemove")
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("tags", "INVALID_TAG")]
    assert written_rows() == rows


def test_unknown_customer_is_not_found(staff_manage_users):
    # when
    response = remove_tags(staff_manage_users, UNKNOWN_USER_ID, ["vip"])

    # then
    data = mutation_data(response, "customerTagsRemove")
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("customerId", "NOT_FOUND")]
