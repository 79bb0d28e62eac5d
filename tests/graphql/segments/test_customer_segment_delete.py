"""`customerSegmentDelete`: MANAGE_USERS; removes membership, history and its auto tags."""

import graphene
import pytest

from saleor_crm_plugin.segments.models import CustomerSegment, CustomerTag

from .utils import (
    DENIED,
    MANAGE_USERS,
    create_segment,
    denied_data,
    mutation_data,
    segment_id,
    tag,
    written_rows,
)

CUSTOMER_SEGMENT_DELETE = """
mutation($id: ID!) {
  customerSegmentDelete(id: $id) {
    customerSegment { id name }
    errors { field code message }
  }
}
"""


@pytest.fixture
def vips(customer_user):
    tag(customer_user, "vip")
    return create_segment(auto_tag="club")


def tags_of(customer) -> set[tuple[str, str]]:
    return set(CustomerTag.objects.filter(user=customer).values_list("tag", "source"))


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_deletes_a_segment(requester, vips, customer_user):
    # given
    assert tags_of(customer_user) == {("vip", "manual"), ("club", "automatic")}

    # when
    response = requester.post_graphql(CUSTOMER_SEGMENT_DELETE, {"id": segment_id(vips)})

    # then
    assert mutation_data(response, "customerSegmentDelete") == {
        "customerSegment": {"id": segment_id(vips), "name": "VIPs"},
        "errors": [],
    }
    assert written_rows() == (0, 0, 0, 1)
    assert tags_of(customer_user) == {("vip", "manual")}


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_without_manage_users_deleting_is_denied(requester, vips):
    # given
    rows = written_rows()

    # when
    response = requester.post_graphql(CUSTOMER_SEGMENT_DELETE, {"id": segment_id(vips)})

    # then
    assert denied_data(response) == {"customerSegmentDelete": None}
    assert written_rows() == rows


def test_unknown_segment_is_not_found(staff_manage_users, vips):
    # given
    rows = written_rows()

    # when
    response = staff_manage_users.post_graphql(
        CUSTOMER_SEGMENT_DELETE, {"id": graphene.Node.to_global_id("CustomerSegment", 0)}
    )

    # then
    data = mutation_data(response, "customerSegmentDelete")
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("id", "NOT_FOUND")]
    assert written_rows() == rows
    assert CustomerSegment.objects.count() == 1
