"""`LoyaltyAccount.entries`: the points history, a Relay connection, newest first."""

import graphene
import pytest
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.loyalty.models import LoyaltyEntry

from .utils import adjust, denied_data, user_id, written_rows

ME_ENTRIES = """
query($channel: String!, $first: Int, $after: String) {
  me {
    loyalty(channel: $channel) {
      entries(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id points type status reason createdAt expiresAt order { id } } }
      }
    }
  }
}
"""
USER_ENTRY_ORDERS = """
query($id: ID!, $channel: String!) {
  user(id: $id) {
    loyalty(channel: $channel) { entries(first: 10) { edges { node { points order { id } } } } }
  }
}
"""


def entry_data(entry: LoyaltyEntry, order=None):
    return {
        "id": graphene.Node.to_global_id("LoyaltyEntry", entry.pk),
        "points": entry.points,
        "type": entry.type.upper(),
        "status": entry.status.upper(),
        "reason": entry.reason,
        "createdAt": entry.created_at.isoformat(),
        "expiresAt": entry.expires_at.isoformat() if entry.expires_at else None,
        "order": {"id": graphene.Node.to_global_id("Order", order.pk)} if order else None,
    }


def test_customer_sees_history_with_orders(user_api_client, customer_user, crm_usd, paid_order):
    # given
    order = paid_order()
    earned = LoyaltyEntry.objects.get(order_id=order.pk)
    adjusted = adjust(customer_user, crm_usd, -5, "test:1", reason="Damaged voucher")
    rows = written_rows()

    # when
    response = user_api_client.post_graphql(ME_ENTRIES, {"channel": crm_usd.slug, "first": 10})

    # then
    entries = get_graphql_content(response)["data"]["me"]["loyalty"]["entries"]
    assert entries == {
        "totalCount": 2,
        "pageInfo": {"hasNextPage": False, "endCursor": entries["pageInfo"]["endCursor"]},
        "edges": [
            {"node": entry_data(adjusted)},
            {"node": entry_data(earned, order)},
        ],
    }
    assert (earned.type, earned.status, adjusted.type) == ("earn", "available", "adjust")
    assert written_rows() == rows


def test_entries_paginate_newest_first(user_api_client, customer_user, crm_usd):
    # given
    first, second, third = (
        adjust(customer_user, crm_usd, points, f"test:{points}") for points in (1, 2, 3)
    )

    # when
    page_one = get_graphql_content(
        user_api_client.post_graphql(ME_ENTRIES, {"channel": crm_usd.slug, "first": 2})
    )["data"]["me"]["loyalty"]["entries"]
    page_two = get_graphql_content(
        user_api_client.post_graphql(
            ME_ENTRIES,
            {
                "channel": crm_usd.slug,
                "first": 2,
                "after": page_one["pageInfo"]["endCursor"],
            },
        )
    )["data"]["me"]["loyalty"]["entries"]

    # then
    assert [edge["node"] for edge in page_one["edges"]] == [
        entry_data(third),
        entry_data(second),
    ]
    assert page_one["pageInfo"]["hasNextPage"] is True
    assert [edge["node"] for edge in page_two["edges"]] == [entry_data(first)]
    assert page_two["pageInfo"]["hasNextPage"] is False


def test_customer_without_account_has_empty_history(user_api_client, crm_usd):
    # when
    response = user_api_client.post_graphql(ME_ENTRIES, {"channel": crm_usd.slug, "first": 10})

    # then
    entries = get_graphql_content(response)["data"]["me"]["loyalty"]["entries"]
    assert entries == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }


@pytest.mark.parametrize("with_manage_orders", [False, True])
def test_entry_order_follows_saleor_order_permission(
    staff_manage_users,
    permission_manage_orders,
    customer_user,
    crm_usd,
    paid_order,
    with_manage_orders,
):
    # given: MANAGE_USERS shows the history; an order also needs MANAGE_ORDERS
    if with_manage_orders:
        staff_manage_users.user.user_permissions.add(permission_manage_orders)
    order = paid_order()
    points = LoyaltyEntry.objects.get(order_id=order.pk).points

    # when
    response = staff_manage_users.post_graphql(
        USER_ENTRY_ORDERS, {"id": user_id(customer_user), "channel": crm_usd.slug}
    )

    # then
    if with_manage_orders:
        data = get_graphql_content(response)["data"]
        order_data = {"id": graphene.Node.to_global_id("Order", order.pk)}
    else:
        order_path = ["user", "loyalty", "entries", "edges", 0, "node", "order"]
        data = denied_data(response, order_path)
        order_data = None
    edges = data["user"]["loyalty"]["entries"]["edges"]
    assert edges == [{"node": {"points": points, "order": order_data}}]
