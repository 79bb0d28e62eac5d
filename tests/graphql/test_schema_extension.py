"""Our fields live in Saleor's own schema, served by Saleor's real /graphql/ view."""

import sys

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from saleor.graphql.tests.utils import get_graphql_content

from ..fixtures.plugin import configure_crm

LOYALTY_PROGRAM = """
query($channel: String!) {
  loyaltyProgram(channel: $channel) {
    channel isActive earnPoints
    earnAmount { amount currency }
    pointValue { amount currency }
    pendingDays tierBasis
    tiers { name threshold multiplier }
  }
}
"""


def test_loyalty_program_served_by_saleor_graphql_view(api_client, channel_USD):
    # given
    configure_crm(
        channel_USD,
        earn_points="5",
        earn_amount="2.50",
        point_value="0.02",
        pending_period="14d",
        tiers="Silver | 500 | 1.25",
    )

    # when
    response = api_client.post_graphql(LOYALTY_PROGRAM, {"channel": channel_USD.slug})

    # then
    assert api_client.api_path == reverse("api")
    program = get_graphql_content(response)["data"]["loyaltyProgram"]
    assert program == {
        "channel": channel_USD.slug,
        "isActive": True,
        "earnPoints": 5,
        "earnAmount": {"amount": 2.5, "currency": channel_USD.currency_code},
        "pointValue": {"amount": 0.02, "currency": channel_USD.currency_code},
        "pendingDays": 14.0,
        "tierBasis": "SPEND",
        "tiers": [{"name": "Silver", "threshold": 500.0, "multiplier": 1.25}],
    }


def test_loyalty_program_of_unknown_channel_is_null(api_client):
    # when
    response = api_client.post_graphql(LOYALTY_PROGRAM, {"channel": "no-such-channel"})

    # then
    assert get_graphql_content(response)["data"]["loyaltyProgram"] is None


INTROSPECTION = """
{
  query: __type(name: "Query") { fields { name } }
  program: __type(name: "LoyaltyProgram") { fields { name } }
}
"""


def test_introspection_shows_crm_types(api_client):
    # when
    response = api_client.post_graphql(INTROSPECTION)

    # then
    data = get_graphql_content(response)["data"]
    assert "loyaltyProgram" in {field["name"] for field in data["query"]["fields"]}
    assert {"earnPoints", "pointValue", "tiers"} <= {
        field["name"] for field in data["program"]["fields"]
    }


def test_ready_refuses_when_saleor_schema_already_built():
    # given: in the test process Saleor's schema has been built by now
    assert "saleor.graphql.api" in sys.modules

    # when / then
    with pytest.raises(ImproperlyConfigured, match="schema was built before"):
        apps.get_app_config("saleor_crm").ready()


@pytest.mark.parametrize(
    "client_fixture",
    [
        "api_client",  # anonymous
        "user_api_client",  # a customer
        "user2_api_client",  # another customer
        "staff_api_client",  # staff without any permission
        "app_api_client",  # an app without any permission
    ],
)
def test_loyalty_program_is_public(client_fixture, request, channel_USD):
    # given: the programme's rules are what a storefront shows to everyone
    configure_crm(channel_USD, earn_points="3")
    client = request.getfixturevalue(client_fixture)

    # when
    response = client.post_graphql(LOYALTY_PROGRAM, {"channel": channel_USD.slug})

    # then
    program = get_graphql_content(response)["data"]["loyaltyProgram"]
    assert (program["channel"], program["isActive"], program["earnPoints"]) == (
        channel_USD.slug,
        True,
        3,
    )
