"""`User.loyalty(channel:)`: the customer's own points, for the customer and MANAGE_USERS."""

import graphene
import pytest
from saleor.graphql.tests.utils import get_graphql_content

from ...fixtures.plugin import configure_crm
from .utils import (
    ACCOUNT_FIELDS,
    CANNOT_SEE_CUSTOMER,
    MANAGE_ORDERS_ONLY,
    MANAGE_USERS,
    adjust,
    denied_data,
    user_id,
    written_rows,
)

ME_LOYALTY = (
    ACCOUNT_FIELDS
    + """
query($channel: String) { me { loyalty(channel: $channel) { ...AccountFields } } }
"""
)
USER_LOYALTY = (
    ACCOUNT_FIELDS
    + """
query($id: ID!, $channel: String) {
  user(id: $id) { loyalty(channel: $channel) { ...AccountFields } }
}
"""
)


def account_data(account, balance, lifetime_points, value):
    return {
        "id": graphene.Node.to_global_id("LoyaltyAccount", account.pk),
        "balance": balance,
        "pending": 0,
        "lifetimePoints": lifetime_points,
        "memberCode": account.member_code,
        "tier": None,
        "nextTier": None,
        "progressToNextTier": None,
        "pointsValue": {"amount": value, "currency": "USD"},
    }


def test_customer_sees_own_account(user_api_client, customer_user, crm_usd):
    # given
    entry = adjust(customer_user, crm_usd, 150, "test:1")
    adjust(customer_user, crm_usd, -30, "test:2")
    rows = written_rows()

    # when
    response = user_api_client.post_graphql(ME_LOYALTY, {"channel": crm_usd.slug})

    # then
    data = get_graphql_content(response)["data"]["me"]["loyalty"]
    assert data == account_data(entry.account, 120, 150, 1.2)
    assert written_rows() == rows


def test_customer_without_account_sees_zero_balances_and_nothing_is_written(
    user_api_client, crm_usd
):
    # given
    configure_crm(crm_usd, pending_period="0", point_value="0.05")
    rows = written_rows()

    # when
    response = user_api_client.post_graphql(ME_LOYALTY, {"channel": crm_usd.slug})

    # then
    data = get_graphql_content(response)["data"]["me"]["loyalty"]
    assert data == {
        "id": None,
        "balance": 0,
        "pending": 0,
        "lifetimePoints": 0,
        "memberCode": None,
        "tier": None,
        "nextTier": None,
        "progressToNextTier": None,
        "pointsValue": {"amount": 0.0, "currency": "USD"},
    }
    assert written_rows() == rows


def test_channel_may_be_omitted_when_the_shop_has_one_channel(
    user_api_client, customer_user, crm_usd
):
    # given
    entry = adjust(customer_user, crm_usd, 10, "test:1")

    # when
    response = user_api_client.post_graphql(ME_LOYALTY)

    # then
    data = get_graphql_content(response)["data"]["me"]["loyalty"]
    assert data == account_data(entry.account, 10, 10, 0.1)


def test_channel_is_required_when_the_shop_has_several_channels(
    user_api_client, crm_usd, channel_PLN
):
    # when
    response = user_api_client.post_graphql(ME_LOYALTY)

    # then
    content = get_graphql_content(response, ignore_errors=True)
    assert content["data"]["me"] == {"loyalty": None}
    assert [error["message"] for error in content["errors"]] == [
        "More than one channel exists. Specify which channel to use."
    ]


def test_unknown_channel_gives_null(user_api_client, customer_user, crm_usd):
    # given
    adjust(customer_user, crm_usd, 10, "test:1")

    # when
    response = user_api_client.post_graphql(ME_LOYALTY, {"channel": "no-such-channel"})

    # then
    assert get_graphql_content(response)["data"]["me"] == {"loyalty": None}


def test_accounts_are_per_channel(user_api_client, customer_user, crm_usd, channel_PLN):
    # given
    configure_crm(channel_PLN, pending_period="0", point_value="0.10")
    adjust(customer_user, crm_usd, 10, "test:usd")
    entry = adjust(customer_user, channel_PLN, 25, "test:pln")

    # when
    response = user_api_client.post_graphql(ME_LOYALTY, {"channel": channel_PLN.slug})

    # then
    data = get_graphql_content(response)["data"]["me"]["loyalty"]
    assert data == {
        **account_data(entry.account, 25, 25, 2.5),
        "pointsValue": {"amount": 2.5, "currency": "PLN"},
    }


def test_other_customer_sees_only_their_own_account(user2_api_client, customer_user, crm_usd):
    # given
    adjust(customer_user, crm_usd, 10, "test:1")

    # when
    response = user2_api_client.post_graphql(ME_LOYALTY, {"channel": crm_usd.slug})

    # then
    data = get_graphql_content(response)["data"]["me"]["loyalty"]
    assert (data["id"], data["balance"], data["memberCode"]) == (None, 0, None)


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_sees_customer_account(requester, customer_user, crm_usd):
    # given
    entry = adjust(customer_user, crm_usd, 42, "test:1")
    rows = written_rows()

    # when
    response = requester.post_graphql(
        USER_LOYALTY, {"id": user_id(customer_user), "channel": crm_usd.slug}
    )

    # then
    data = get_graphql_content(response)["data"]["user"]["loyalty"]
    assert data == account_data(entry.account, 42, 42, 0.42)
    assert written_rows() == rows


# MANAGE_ORDERS reaches the customer but not their points (our check denies);
# the others cannot reach the customer at all (Saleor's `user` query denies).
DENIED = [(name, ["user", "loyalty"], {"loyalty": None}) for name in MANAGE_ORDERS_ONLY] + [
    (name, ["user"], None) for name in CANNOT_SEE_CUSTOMER
]


@pytest.mark.parametrize(("requester", "path", "user_data"), DENIED, indirect=["requester"])
def test_without_manage_users_loyalty_is_denied(requester, customer_user, crm_usd, path, user_data):
    # given
    adjust(customer_user, crm_usd, 42, "test:1")
    rows = written_rows()

    # when
    response = requester.post_graphql(
        USER_LOYALTY, {"id": user_id(customer_user), "channel": crm_usd.slug}
    )

    # then
    assert denied_data(response, path) == {"user": user_data}
    assert written_rows() == rows


def test_anonymous_has_no_me(api_client, crm_usd):
    # when
    response = api_client.post_graphql(ME_LOYALTY, {"channel": crm_usd.slug})

    # then
    assert get_graphql_content(response)["data"]["me"] is None


POINTS_VALUE = """
query($channel: String) {
  me { loyalty(channel: $channel) { balance pointsValue { amount currency } } }
}
"""


def test_points_value_in_yen_is_what_redemption_pays(user_api_client, customer_user, channel_JPY):
    # given: a point is worth 0.01 JPY, so 1,499 points are worth 14.99 JPY, of which a
    # checkout can take 14 JPY (redemption pays whole yen only)
    configure_crm(channel_JPY, pending_period="0", point_value="0.01")
    adjust(customer_user, channel_JPY, 1499, "test:1")

    # when
    response = user_api_client.post_graphql(POINTS_VALUE, {"channel": channel_JPY.slug})

    # then
    data = get_graphql_content(response)["data"]["me"]["loyalty"]
    assert data == {"balance": 1499, "pointsValue": {"amount": 14.0, "currency": "JPY"}}


def test_an_account_in_debt_is_worth_nothing(user_api_client, customer_user, crm_usd):
    # given: 100 points earned, then 300 taken back (a refund after they were spent)
    adjust(customer_user, crm_usd, 100, "test:1")
    adjust(customer_user, crm_usd, -300, "test:2")

    # when
    response = user_api_client.post_graphql(POINTS_VALUE, {"channel": crm_usd.slug})

    # then
    data = get_graphql_content(response)["data"]["me"]["loyalty"]
    assert data == {"balance": -200, "pointsValue": {"amount": 0.0, "currency": "USD"}}
