"""`loyaltyAccounts(channel:, filter:, sortBy:)`: the staff list, MANAGE_USERS only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from saleor.account.models import User
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.loyalty.models import LoyaltyAccount
from saleor_crm_plugin.segments import actions as segment_actions

from ...fixtures.plugin import configure_crm
from .utils import (
    ACCOUNT_FIELDS,
    MANAGE_USERS,
    WITHOUT_MANAGE_USERS,
    adjust,
    denied_data,
    user_id,
    written_rows,
)

LOYALTY_ACCOUNTS = """
query(
  $channel: String!, $filter: LoyaltyAccountFilterInput,
  $sortBy: LoyaltyAccountSortingInput, $first: Int, $after: String
) {
  loyaltyAccounts(
    channel: $channel, filter: $filter, sortBy: $sortBy, first: $first, after: $after
  ) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { balance user { email } tier { name } } }
  }
}
"""


@pytest.fixture
def accounts(customer_users, crm_usd, other_channel_USD):
    """Three accounts in crm_usd (300 Gold, 50 none, 120 Silver), one elsewhere."""
    configure_crm(crm_usd, pending_period="0", tiers="Silver | 100 | 1\nGold | 1000 | 2")
    configure_crm(other_channel_USD, pending_period="0")
    for customer, points in zip(customer_users, (300, 50, 120), strict=True):
        adjust(customer, crm_usd, points, f"test:{customer.pk}")
    adjust(customer_users[0], other_channel_USD, 999, "test:other")
    tiers = {customer_users[0].pk: "Gold", customer_users[2].pk: "Silver"}
    for customer_id, tier_name in tiers.items():
        LoyaltyAccount.objects.filter(user_id=customer_id, channel=crm_usd).update(
            tier_name=tier_name
        )
    return crm_usd


def node(balance, email, tier=None):
    return {"node": {"balance": balance, "user": {"email": email}, "tier": tier and {"name": tier}}}


ALL_BY_PK = [
    node(300, "test@example.com", "Gold"),
    node(50, "test2@example.com"),
    node(120, "test3@example.com", "Silver"),
]


def list_accounts(client, channel, **variables):
    response = client.post_graphql(
        LOYALTY_ACCOUNTS, {"channel": channel.slug, "first": 10, **variables}
    )
    return get_graphql_content(response)["data"]["loyaltyAccounts"]


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_lists_the_channel_accounts(requester, accounts):
    # given
    rows = written_rows()

    # when
    data = list_accounts(requester, accounts)

    # then
    assert data["totalCount"] == 3
    assert data["edges"] == ALL_BY_PK
    assert written_rows() == rows


@pytest.mark.parametrize("requester", ["user_api_client", *WITHOUT_MANAGE_USERS], indirect=True)
def test_without_manage_users_the_list_is_denied(requester, accounts):
    # given
    rows = written_rows()

    # when
    response = requester.post_graphql(LOYALTY_ACCOUNTS, {"channel": accounts.slug, "first": 10})

    # then
    assert denied_data(response) == {"loyaltyAccounts": None}
    assert written_rows() == rows


@pytest.mark.parametrize(
    ("filter_input", "expected"),
    [
        ({"tiers": ["Gold"]}, [ALL_BY_PK[0]]),
        ({"tiers": ["Gold", "Silver"]}, [ALL_BY_PK[0], ALL_BY_PK[2]]),
        ({"balance": {"gte": 100, "lte": 200}}, [ALL_BY_PK[2]]),
        ({"balance": {"lte": 120}}, [ALL_BY_PK[1], ALL_BY_PK[2]]),
        ({"search": "TEST2@"}, [ALL_BY_PK[1]]),
        ({"search": "example.com", "tiers": ["Silver"]}, [ALL_BY_PK[2]]),
        ({"search": "nobody"}, []),
    ],
)
def test_filter(staff_manage_users, accounts, filter_input, expected):
    # when
    data = list_accounts(staff_manage_users, accounts, filter=filter_input)

    # then
    assert data["edges"] == expected


@pytest.mark.parametrize(
    ("sort_by", "expected"),
    [
        ({"field": "BALANCE", "direction": "DESC"}, [0, 2, 1]),
        ({"field": "BALANCE", "direction": "ASC"}, [1, 2, 0]),
        ({"field": "LIFETIME_POINTS", "direction": "DESC"}, [0, 2, 1]),
        ({"field": "CREATED_AT", "direction": "DESC"}, [2, 1, 0]),
    ],
)
def test_sort(staff_manage_users, accounts, sort_by, expected):
    # when
    data = list_accounts(staff_manage_users, accounts, sortBy=sort_by)

    # then
    assert data["edges"] == [ALL_BY_PK[index] for index in expected]


def test_pages_follow_the_sort_order(staff_manage_users, accounts):
    # given
    sort_by = {"field": "BALANCE", "direction": "DESC"}

    # when
    page_one = list_accounts(staff_manage_users, accounts, sortBy=sort_by, first=2)
    page_two = list_accounts(
        staff_manage_users,
        accounts,
        sortBy=sort_by,
        first=2,
        after=page_one["pageInfo"]["endCursor"],
    )

    # then
    assert page_one["edges"] == [ALL_BY_PK[0], ALL_BY_PK[2]]
    assert page_one["pageInfo"]["hasNextPage"] is True
    assert page_two["edges"] == [ALL_BY_PK[1]]
    assert page_two["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["VIP"], [0, 2]),
        (["vip", "newsletter"], [2]),
        (["nobody"], []),
        (["<not a tag>"], []),
    ],
)
def test_filter_by_tags(staff_manage_users, accounts, customer_users, tags, expected):
    # given
    segment_actions.customer_tags_add(user=customer_users[0], tags=["vip"])
    segment_actions.customer_tags_add(user=customer_users[2], tags=["Vip", "newsletter"])
    segment_actions.customer_tags_add(user=customer_users[1], tags=["newsletter"])

    # when
    data = list_accounts(staff_manage_users, accounts, filter={"tags": tags})

    # then
    assert data["edges"] == [ALL_BY_PK[index] for index in expected]


def test_unknown_channel_lists_nothing(staff_manage_users, accounts):
    # when
    response = staff_manage_users.post_graphql(
        LOYALTY_ACCOUNTS, {"channel": "no-such-channel", "first": 10}
    )

    # then
    data = get_graphql_content(response)["data"]["loyaltyAccounts"]
    assert (data["totalCount"], data["edges"]) == (0, [])


LOYALTY_ACCOUNTS_FULL = (
    ACCOUNT_FIELDS
    + """
query($channel: String!) {
  loyaltyAccounts(channel: $channel, first: 100) {
    edges { node { ...AccountFields createdAt user { id email } } }
  }
}
"""
)


def create_accounts(channel, numbers):
    for number in numbers:
        customer = User.objects.create(email=f"customer{number}@example.com")
        adjust(customer, channel, 10 + number, f"test:count:{number}")
    LoyaltyAccount.objects.filter(channel=channel, balance__gte=20).update(tier_name="Silver")


def count_list_queries(client, channel) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post_graphql(LOYALTY_ACCOUNTS_FULL, {"channel": channel.slug})
    return len(queries), get_graphql_content(response)["data"]["loyaltyAccounts"]["edges"]


def test_query_count_does_not_grow_with_accounts(staff_manage_users, crm_usd):
    # given
    configure_crm(crm_usd, pending_period="0", tiers="Silver | 20 | 1.5\nGold | 100 | 2")
    create_accounts(crm_usd, range(3))
    count_list_queries(staff_manage_users, crm_usd)  # warm up: Saleor caches the Site
    few_queries, few = count_list_queries(staff_manage_users, crm_usd)
    create_accounts(crm_usd, range(3, 30))

    # when
    many_queries, many = count_list_queries(staff_manage_users, crm_usd)

    # then
    assert (len(few), len(many)) == (3, 30)
    first = many[0]["node"]
    assert first["user"] == {
        "id": user_id(User.objects.get(email="customer0@example.com")),
        "email": "customer0@example.com",
    }
    assert (first["balance"], first["tier"], first["nextTier"]) == (
        10,
        None,
        {"name": "Silver", "threshold": 20.0},
    )
    codes = {edge["node"]["memberCode"] for edge in many}
    assert codes == set(LoyaltyAccount.objects.values_list("member_code", flat=True))
    assert many_queries == few_queries
