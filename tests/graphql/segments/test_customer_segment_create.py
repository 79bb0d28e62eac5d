"""`customerSegmentCreate`: MANAGE_USERS; definitions validated with coded errors."""

import json

import pytest
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.segments.models import CustomerSegment, SegmentMembership

from .utils import (
    DENIED,
    MANAGE_USERS,
    VIP,
    as_json,
    denied_data,
    mutation_data,
    segment_id,
    tag,
    written_rows,
)

CUSTOMER_SEGMENT_CREATE = """
mutation($input: CustomerSegmentCreateInput!) {
  customerSegmentCreate(input: $input) {
    customerSegment {
      id name channel { slug } definition autoTag memberCount
      members(first: 10) { edges { node { email } } }
    }
    errors { field code message path }
  }
}
"""


def create(client, definition, **fields):
    definition = definition if isinstance(definition, str) else as_json(definition)
    variables = {"input": {"name": "VIPs", "definition": definition, **fields}}
    return client.post_graphql(CUSTOMER_SEGMENT_CREATE, variables)


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_creates_a_segment_with_its_members(requester, customer_users):
    # given
    vip, _other, second_vip = customer_users
    tag(vip, "VIP")
    tag(second_vip, "vip", "newsletter")

    # when
    response = create(requester, {"all": [VIP]}, autoTag="Gold club")

    # then
    data = mutation_data(response, "customerSegmentCreate")
    segment = CustomerSegment.objects.get()
    data["customerSegment"]["definition"] = json.loads(data["customerSegment"]["definition"])
    assert data == {
        "customerSegment": {
            "id": segment_id(segment),
            "name": "VIPs",
            "channel": None,
            "definition": {"all": [VIP]},
            "autoTag": "gold club",
            "memberCount": 2,
            "members": {
                # by e-mail: "test3@…" sorts before "test@…"
                "edges": [{"node": {"email": second_vip.email}}, {"node": {"email": vip.email}}]
            },
        },
        "errors": [],
    }
    assert set(SegmentMembership.objects.values_list("user_id", flat=True)) == {
        vip.pk,
        second_vip.pk,
    }


def test_money_conditions_take_the_channel(staff_manage_users, channel_USD):
    # given
    definition = {"all": [{"field": "total_spent", "op": "gt", "value": 500}]}

    # when
    response = create(staff_manage_users, definition, channel=channel_USD.slug)

    # then
    data = mutation_data(response, "customerSegmentCreate")
    assert data["errors"] == []
    assert data["customerSegment"]["channel"] == {"slug": channel_USD.slug}
    assert data["customerSegment"]["memberCount"] == 0
    assert CustomerSegment.objects.get().channel_id == channel_USD.pk


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_without_manage_users_creating_is_denied(requester, customer_user):
    # given
    tag(customer_user, "vip")
    rows = written_rows()

    # when
    response = create(requester, {"all": [VIP]})

    # then
    assert denied_data(response) == {"customerSegmentCreate": None}
    assert written_rows() == rows


TOTAL_SPENT = {"field": "total_spent", "op": "gt", "value": 500}


def nested(depth):
    node = VIP
    for _ in range(depth):
        node = {"all": [node]}
    return node


@pytest.mark.parametrize(
    ("definition", "code", "path"),
    [
        (
            {"all": [VIP, {"field": "shoe_size", "op": "eq", "value": 42}]},
            "UNKNOWN_FIELD",
            "all[1]",
        ),
        ({"all": [{"field": "tags", "op": "gt", "value": "vip"}]}, "INVALID_OPERATOR", "all[0]"),
        ({"any": [VIP, {"any": []}]}, "EMPTY_GROUP", "any[1]"),
        (nested(20), "TOO_DEEP", "all[0].all[0].all[0].all[0].all[0].all[0].all[0]"),
        ({"any": [VIP] * 101}, "TOO_LARGE", None),
        ({"all": [VIP, TOTAL_SPENT]}, "CHANNEL_REQUIRED", "all[1]"),
        (
            {"all": [{"field": "order_count", "op": "gte", "value": "many"}]},
            "INVALID_VALUE",
            "all[0]",
        ),
        ({"all": [{"field": "tags", "op": "has", "value": "no <b>"}]}, "INVALID_TAG", "all[0]"),
        ({"all": [VIP], "any": [VIP]}, "INVALID", None),
        ("[1, 2]", "INVALID", None),
        (
            {"all": [VIP, {"field": "days_since_last_order", "op": "gt", "value": 10**9}]},
            "INVALID_VALUE",
            "all[1]",
        ),
        (
            {"any": [VIP, {"field": "date_joined_days", "op": "lt", "value": 10**9}]},
            "INVALID_VALUE",
            "any[1]",
        ),
        (
            {"all": [{"field": "country", "op": "in", "value": ["PL", "D\u0000"]}]},
            "INVALID_VALUE",
            "all[0]",
        ),
        (
            {"all": [{"field": "channel", "op": "ordered_in", "value": "x\u0000"}]},
            "INVALID_VALUE",
            "all[0]",
        ),
        (
            {"all": [{"field": "tags", "op": "has", "value": "vip\u0000"}]},
            "INVALID_VALUE",
            "all[0]",
        ),
    ],
)
def test_invalid_definitions_are_refused_with_the_node(
    staff_manage_users, customer_user, definition, code, path
):
    # given
    tag(customer_user, "vip")
    rows = written_rows()

    # when
    response = create(staff_manage_users, definition)

    # then
    data = mutation_data(response, "customerSegmentCreate")
    assert data["customerSegment"] is None
    [error] = data["errors"]
    assert (error["field"], error["code"], error["path"]) == ("definition", code, path)
    if path:
        assert error["message"].startswith(f"{path}: ")
    assert written_rows() == rows


def test_malformed_json_is_refused_by_graphql(staff_manage_users):
    # given
    rows = written_rows()

    # when
    response = create(staff_manage_users, "{not json")

    # then
    content = get_graphql_content(response, ignore_errors=True)
    assert "data" not in content or content["data"] is None
    assert 'Expected type "JSONString"' in content["errors"][0]["message"]
    assert written_rows() == rows


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"channel": "no-such-channel"}, "channel", "NOT_FOUND"),
        ({"autoTag": "<script>"}, "autoTag", "INVALID_TAG"),
        ({"name": "  "}, "name", "REQUIRED"),
        ({"name": "VIP\u0000"}, "name", "INVALID"),
        ({"autoTag": "gold\u0000"}, "autoTag", "INVALID_TAG"),
    ],
)
def test_invalid_fields_are_refused(staff_manage_users, customer_user, fields, field, code):
    # given
    tag(customer_user, "vip")
    rows = written_rows()

    # when
    response = create(staff_manage_users, {"all": [VIP]}, **fields)

    # then
    data = mutation_data(response, "customerSegmentCreate")
    assert data["customerSegment"] is None
    assert [(error["field"], error["code"]) for error in data["errors"]] == [(field, code)]
    assert written_rows() == rows


def test_an_amount_postgresql_cannot_store_is_refused(staff_manage_users, channel_USD):
    # given: a value that is a valid Decimal but not a PostgreSQL numeric
    rows = written_rows()
    definition = {"all": [{"field": "total_spent", "op": "gt", "value": "1e-20000"}]}

    # when
    response = create(staff_manage_users, definition, channel=channel_USD.slug)

    # then
    data = mutation_data(response, "customerSegmentCreate")
    assert data["customerSegment"] is None
    assert [(e["field"], e["code"], e["path"]) for e in data["errors"]] == [
        ("definition", "INVALID_VALUE", "all[0]")
    ]
    assert written_rows() == rows


def test_errors_of_the_api_are_in_the_schema(staff_manage_users):
    # given
    query = '{ __type(name: "CustomerSegmentErrorCode") { enumValues { name } } }'

    # when
    response = staff_manage_users.post_graphql(query)

    # then
    names = {
        value["name"] for value in get_graphql_content(response)["data"]["__type"]["enumValues"]
    }
    assert {"UNKNOWN_FIELD", "INVALID_OPERATOR", "EMPTY_GROUP", "TOO_DEEP", "TOO_LARGE"} <= names


def test_a_definition_reading_its_own_automatic_tag_is_refused(staff_manage_users, customer_user):
    # given
    tag(customer_user, "vip")
    rows = written_rows()
    definition = {"all": [VIP, {"not": {"field": "tags", "op": "has", "value": "Gold"}}]}

    # when
    response = create(staff_manage_users, definition, autoTag="gold")

    # then
    data = mutation_data(response, "customerSegmentCreate")
    assert data["customerSegment"] is None
    assert [(e["field"], e["code"], e["path"]) for e in data["errors"]] == [
        ("definition", "TAG_CYCLE", "all[1].not")
    ]
    assert written_rows() == rows
