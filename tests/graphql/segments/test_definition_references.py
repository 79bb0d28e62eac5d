"""Product and category IDs inside a definition: anything that is not a key of the
type is an unknown reference (a coded error), never an internal error."""

import base64
import uuid

import graphene
import pytest
from saleor.graphql.tests.utils import get_graphql_content

from .utils import as_json, create_segment, segment_id, written_rows

CREATE = """
mutation($definition: JSONString!) {
  customerSegmentCreate(input: {name: "Buyers", definition: $definition}) {
    customerSegment { id }
    errors { field code path }
  }
}
"""

UPDATE = """
mutation($id: ID!, $definition: JSONString!) {
  customerSegmentUpdate(id: $id, input: {definition: $definition}) {
    customerSegment { id }
    errors { field code path }
  }
}
"""

PREVIEW = """
query($definition: JSONString!) {
  customerSegmentPreview(definition: $definition) { count errors { field code path } }
}
"""

REFUSED = [{"field": "definition", "code": "INVALID_VALUE", "path": "any[0]"}]


def _raw(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def bad_references(type_name: str) -> list:
    return [
        _raw(f"{type_name}:²"),  # str.isdigit accepts "²", int() does not
        _raw(f"{type_name}:٣x"),
        graphene.Node.to_global_id(type_name, uuid.uuid4()),
        graphene.Node.to_global_id(type_name, 10**30),
        10**30,
    ]


CASES = [
    pytest.param(field, type_name, value, id=f"{field}-{index}")
    for field, type_name in [("purchased_product", "Product"), ("purchased_category", "Category")]
    for index, value in enumerate(bad_references(type_name))
]


def definition(field: str, value) -> str:
    return as_json({"any": [{"field": field, "op": "any_of", "value": [value]}]})


@pytest.mark.parametrize(("field", "type_name", "value"), CASES)
def test_create_refuses_a_reference_that_is_no_key(staff_manage_users, field, type_name, value):
    # given
    rows = written_rows()

    # when
    response = staff_manage_users.post_graphql(CREATE, {"definition": definition(field, value)})

    # then
    data = get_graphql_content(response)["data"]["customerSegmentCreate"]
    assert data == {"customerSegment": None, "errors": REFUSED}
    assert written_rows() == rows


@pytest.mark.parametrize(("field", "type_name", "value"), CASES)
def test_update_refuses_a_reference_that_is_no_key(staff_manage_users, field, type_name, value):
    # given
    segment = create_segment()
    rows = written_rows()

    # when
    response = staff_manage_users.post_graphql(
        UPDATE, {"id": segment_id(segment), "definition": definition(field, value)}
    )

    # then
    data = get_graphql_content(response)["data"]["customerSegmentUpdate"]
    assert data == {"customerSegment": None, "errors": REFUSED}
    assert written_rows() == rows
    segment.refresh_from_db()
    assert segment.definition == {"all": [{"field": "tags", "op": "has", "value": "vip"}]}


@pytest.mark.parametrize(("field", "type_name", "value"), CASES)
def test_preview_refuses_a_reference_that_is_no_key(staff_manage_users, field, type_name, value):
    # when
    response = staff_manage_users.post_graphql(PREVIEW, {"definition": definition(field, value)})

    # then
    data = get_graphql_content(response)["data"]["customerSegmentPreview"]
    assert data == {"count": None, "errors": REFUSED}


def test_a_products_global_id_still_resolves(staff_manage_users, product):
    # given
    value = graphene.Node.to_global_id("Product", product.pk)

    # when
    response = staff_manage_users.post_graphql(
        PREVIEW, {"definition": definition("purchased_product", value)}
    )

    # then
    data = get_graphql_content(response)["data"]["customerSegmentPreview"]
    assert data == {"count": 0, "errors": []}
