"""`loyaltyAccountOpen`: a shopper joins the programme and has a member code at once."""

import pytest
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.loyalty.accounts import program_start_record
from saleor_crm_plugin.loyalty.member_codes import member_code_is_valid
from saleor_crm_plugin.loyalty.models import LoyaltyAccount

from ...fixtures.plugin import configure_crm
from .utils import MANAGE_USERS, denied_data, user_id, written_rows

LOYALTY_ACCOUNT_OPEN = """
mutation($channel: String!, $customerId: ID) {
  loyaltyAccountOpen(channel: $channel, customerId: $customerId) {
    account { balance memberCode user { email } }
    errors { field code message }
  }
}
"""


def open_account(client, channel_slug, customer=None):
    response = client.post_graphql(
        LOYALTY_ACCOUNT_OPEN,
        {"channel": channel_slug, "customerId": customer and user_id(customer)},
    )
    return get_graphql_content(response)["data"]["loyaltyAccountOpen"]


def test_shopper_joins_and_gets_a_member_code(user_api_client, customer_user, crm_usd):
    # when
    first = open_account(user_api_client, crm_usd.slug)
    again = open_account(user_api_client, crm_usd.slug)

    # then
    account = LoyaltyAccount.objects.get()
    assert first == {
        "account": {
            "balance": 0,
            "memberCode": account.member_code,
            "user": {"email": customer_user.email},
        },
        "errors": [],
    }
    assert member_code_is_valid(account.member_code)
    assert again == first
    assert account.user_id == customer_user.pk


def test_joining_earns_the_signup_bonus(user_api_client, customer_user, channel_USD):
    # given a programme with a sign-up bonus, started before the customer joined
    configure_crm(channel_USD, pending_period="0", signup_bonus="50")
    program_start_record(channel_id=channel_USD.pk, started_at=customer_user.date_joined)

    # when
    data = open_account(user_api_client, channel_USD.slug)

    # then
    assert (data["account"]["balance"], data["errors"]) == (50, [])


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_staff_open_a_customers_account(requester, customer_user, crm_usd):
    # when
    data = open_account(requester, crm_usd.slug, customer_user)

    # then
    assert (data["account"]["user"], data["errors"]) == ({"email": customer_user.email}, [])


@pytest.mark.parametrize(
    ("slug", "error"),
    [
        (
            "no-such-channel",
            ("channel", "NOT_FOUND", "Channel with 'no-such-channel' slug does not exist."),
        ),
        (
            "main",
            ("channel", "CHANNEL_INACTIVE", "The loyalty programme is not active in this channel."),
        ),
    ],
)
def test_unknown_or_inactive_channel_opens_nothing(user_api_client, channel_USD, slug, error):
    # when
    data = open_account(user_api_client, slug)

    # then
    assert [(e["field"], e["code"], e["message"]) for e in data["errors"]] == [error]
    assert written_rows() == (0, 0, 0)


@pytest.mark.parametrize(
    "requester",
    ["api_client", "user2_api_client", "staff_api_client", "staff_manage_orders", "app_api_client"],
    indirect=True,
)
def test_without_permission_nobody_elses_account_is_opened(requester, customer_user, crm_usd):
    # when
    response = requester.post_graphql(
        LOYALTY_ACCOUNT_OPEN, {"channel": crm_usd.slug, "customerId": user_id(customer_user)}
    )

    # then
    assert denied_data(response) == {"loyaltyAccountOpen": None}
    assert written_rows() == (0, 0, 0)


def test_anonymous_cannot_join(api_client, crm_usd):
    # when
    response = api_client.post_graphql(LOYALTY_ACCOUNT_OPEN, {"channel": crm_usd.slug})

    # then
    assert denied_data(response) == {"loyaltyAccountOpen": None}
    assert written_rows() == (0, 0, 0)


def test_payload_shows_the_tier_progress_of_the_new_account(user_api_client, channel_USD):
    # given: found by tests/graphql/test_fuzz.py; a mutation's payload reads the writer,
    # and the tier's loader read it after Saleor's allowance had ended (an internal error)
    configure_crm(channel_USD, pending_period="0", tiers="Silver | 500 | 1.25")

    # when
    response = user_api_client.post_graphql(
        """mutation($channel: String!) {
          loyaltyAccountOpen(channel: $channel) {
            account { tier { name } nextTier { name } progressToNextTier }
            errors { field code message }
          }
        }""",
        {"channel": channel_USD.slug},
    )

    # then
    assert get_graphql_content(response)["data"]["loyaltyAccountOpen"] == {
        "account": {"tier": None, "nextTier": {"name": "Silver"}, "progressToNextTier": 0.0},
        "errors": [],
    }
