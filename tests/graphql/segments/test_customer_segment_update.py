"""`customerSegmentUpdate`: MANAGE_USERS; a new definition is validated and recomputed."""

import json

import graphene
import pytest

from saleor_crm_plugin.segments.models import CustomerSegment, SegmentMembership

from .utils import (
    DENIED,
    MANAGE_USERS,
    VIP,
    as_json,
    create_segment,
    denied_data,
    mutation_data,
    segment_id,
    tag,
    written_rows,
)

CUSTOMER_SEGMENT_UPDATE = """
mutation($id: ID!, $input: CustomerSegmentUpdateInput!) {
  customerSegmentUpdate(id: $id, input: $input) {
    customerSegment {
      name definition autoTag memberCount
      members(first: 10) { edges { node { email } } }
      history(first: 10) { edges { node { user { email } kind reason } } }
    }
    errors { field code message path }
  }
}
"""

NEWSLETTER = {"field": "tags", "op": "has", "value": "newsletter"}


def update(client, segment, **fields):
    variables = {"id": segment_id(segment), "input": fields}
    return client.post_graphql(CUSTOMER_SEGMENT_UPDATE, variables)


def members(segment) -> set[int]:
    return set(SegmentMembership.objects.filter(segment=segment).values_list("user_id", flat=True))


@pytest.fixture
def vips(customer_users):
    """customer_user is a VIP; customer_user2 reads the newsletter."""
    vip, reader, _third = customer_users
    tag(vip, "vip")
    tag(reader, "newsletter")
    return create_segment(definition={"all": [VIP]})


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_changes_the_definition_and_members_follow(
    requester, vips, customer_user, customer_user2
):
    # when
    response = update(requester, vips, name="Newsletter", definition=as_json({"any": [NEWSLETTER]}))

    # then
    data = mutation_data(response, "customerSegmentUpdate")
    assert data["errors"] == []
    segment = data["customerSegment"]
    assert (segment["name"], json.loads(segment["definition"]), segment["memberCount"]) == (
        "Newsletter",
        {"any": [NEWSLETTER]},
        1,
    )
    assert segment["members"]["edges"] == [{"node": {"email": customer_user2.email}}]
    history = [
        (edge["node"]["user"]["email"], edge["node"]["kind"])
        for edge in segment["history"]["edges"]
    ]
    assert sorted(history[:2]) == sorted(
        [(customer_user2.email, "JOINED"), (customer_user.email, "LEFT")]
    )
    assert history[2:] == [(customer_user.email, "JOINED")]
    assert members(vips) == {customer_user2.pk}


def test_omitted_fields_stay(staff_manage_users, vips, customer_user):
    # when
    response = update(staff_manage_users, vips, autoTag="VIP club")

    # then
    data = mutation_data(response, "customerSegmentUpdate")
    assert data["errors"] == []
    assert data["customerSegment"]["name"] == "VIPs"
    assert json.loads(data["customerSegment"]["definition"]) == {"all": [VIP]}
    assert data["customerSegment"]["autoTag"] == "vip club"
    assert members(vips) == {customer_user.pk}


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_without_manage_users_updating_is_denied(requester, vips):
    # given
    rows = written_rows()

    # when
    response = update(requester, vips, name="Hacked", definition=as_json({"any": [NEWSLETTER]}))

    # then
    assert denied_data(response) == {"customerSegmentUpdate": None}
    assert written_rows() == rows
    assert CustomerSegment.objects.get().name == "VIPs"


@pytest.mark.parametrize(
    ("definition", "code", "path"),
    [
        ({"all": [{"field": "age", "op": "gt", "value": 30}]}, "UNKNOWN_FIELD", "all[0]"),
        ({"not": {"field": "order_count", "op": "has", "value": 1}}, "INVALID_OPERATOR", "not"),
        ({"all": [VIP, {"any": []}]}, "EMPTY_GROUP", "all[1]"),
    ],
)
def test_invalid_definition_changes_nothing(
    staff_manage_users, vips, customer_user, definition, code, path
):
    # given
    rows = written_rows()

    # when
    response = update(staff_manage_users, vips, name="Renamed", definition=as_json(definition))

    # then
    data = mutation_data(response, "customerSegmentUpdate")
    assert data["customerSegment"] is None
    assert [(e["field"], e["code"], e["path"]) for e in data["errors"]] == [
        ("definition", code, path)
    ]
    assert written_rows() == rows
    segment = CustomerSegment.objects.get()
    assert (segment.name, segment.definition) == ("VIPs", {"all": [VIP]})
    assert members(vips) == {customer_user.pk}


def test_auto_tag_of_another_segment_is_refused(staff_manage_users, vips):
    # given
    create_segment("Readers", {"all": [NEWSLETTER]}, auto_tag="reader")
    rows = written_rows()

    # when
    response = update(staff_manage_users, vips, autoTag="Reader")

    # then
    data = mutation_data(response, "customerSegmentUpdate")
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("autoTag", "INVALID")]
    assert written_rows() == rows
    vips.refresh_from_db()
    assert vips.auto_tag == ""


def test_unknown_segment_is_not_found(staff_manage_users):
    # given
    unknown = graphene.Node.to_global_id("CustomerSegment", 0)

    # when
    response = staff_manage_users.post_graphql(
        CUSTOMER_SEGMENT_UPDATE, {"id": unknown, "input": {"name": "X"}}
    )

    # then
    data = mutation_data(response, "customerSegmentUpdate")
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("id", "NOT_FOUND")]
