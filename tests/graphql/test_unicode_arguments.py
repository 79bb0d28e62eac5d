"""Text arguments are Unicode: a surrogate pair escaped in a literal is joined, a lone
surrogate refused with a coded error (found by tests/graphql/test_fuzz.py).

graphql-core 2 decodes ``\\ud83d\\udca5`` as two lone surrogates; PostgreSQL's driver
cannot encode them and the resolver failed with ``UnicodeEncodeError``: an internal
error for the client.
"""

from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.segments.models import CustomerSegment

SEGMENT_CREATE = r"""
mutation {
  customerSegmentCreate(input: {
    name: "\ud83d\udca5 fans",
    definition: "{\"all\": [{\"field\": \"tags\", \"op\": \"has\", \"value\": \"vip\"}]}"
  }) {
    customerSegment { name }
    errors { field code }
  }
}
"""


def test_surrogate_pair_in_a_literal_is_joined(staff_manage_users):
    # when
    response = staff_manage_users.post_graphql(SEGMENT_CREATE)

    # then
    data = get_graphql_content(response)["data"]["customerSegmentCreate"]
    assert data == {"customerSegment": {"name": "💥 fans"}, "errors": []}
    assert list(CustomerSegment.objects.values_list("name", flat=True)) == ["💥 fans"]


def test_lone_surrogate_in_a_query_argument_is_a_coded_error(api_client, crm_usd):
    # when
    response = api_client.post_graphql(
        r'query { loyaltyProgram(channel: "main\ud83d") { channel } }'
    )

    # then
    content = get_graphql_content(response, ignore_errors=True)
    assert content["data"] == {"loyaltyProgram": None}
    [error] = content["errors"]
    assert error["extensions"]["exception"]["code"] == "GraphQLError"
    assert error["message"] == "Text holds an unpaired surrogate: not valid Unicode."


def test_lone_surrogate_in_an_added_field_is_a_coded_error(user_api_client, crm_usd):
    # when
    response = user_api_client.post_graphql(
        r'query { me { email loyalty(channel: "\udca5") { balance } } }'
    )

    # then
    content = get_graphql_content(response, ignore_errors=True)
    assert content["data"] == {"me": {"email": "test@example.com", "loyalty": None}}
    [error] = content["errors"]
    assert error["extensions"]["exception"]["code"] == "GraphQLError"


def test_lone_surrogate_in_a_mutation_writes_nothing(staff_manage_users):
    # when
    response = staff_manage_users.post_graphql(SEGMENT_CREATE.replace(r"\udca5", ""))

    # then
    content = get_graphql_content(response, ignore_errors=True)
    assert content["data"] == {"customerSegmentCreate": None}
    [error] = content["errors"]
    assert error["extensions"]["exception"]["code"] == "GraphQLError"
    assert CustomerSegment.objects.count() == 0
