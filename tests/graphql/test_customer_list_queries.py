"""Staff's list of customers with the CRM's ``User`` fields: queries do not grow with it."""

import pytest
from saleor.account.models import User
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.loyalty.models import LoyaltyAccount
from saleor_crm_plugin.segments.models import CustomerSegment, CustomerTag, SegmentMembership
from tests.fixtures.perf import queries_counted
from tests.fixtures.plugin import configure_crm

CUSTOMERS = """
query Customers($first: Int!) {
  customers(first: $first) {
    edges { node { id email } }
  }
}
"""

CUSTOMERS_WITH_CRM = """
query Customers($first: Int!) {
  customers(first: $first) {
    edges {
      node {
        id email
        main: loyalty(channel: "main") { balance pending tier { name } }
        other: loyalty(channel: "c-pln") { balance pending tier { name } }
        crmTags
        segments { name }
        rfm { recency frequency monetary }
        crmMarketingConsent { granted }
      }
    }
  }
}
"""


@pytest.fixture
def hundred_customers(channel_USD, channel_PLN):
    configure_crm(channel_USD, tiers="Silver | 0 | 1\nGold | 100 | 2")
    configure_crm(channel_PLN, tiers="Bronze | 0 | 1")
    users = User.objects.bulk_create(
        User(email=f"customer-{index}@example.com", first_name=f"C{index}") for index in range(100)
    )
    LoyaltyAccount.objects.bulk_create(
        LoyaltyAccount(user=user, channel=channel, tier_name=tier)
        for user in users[::2]
        for channel, tier in ((channel_USD, "Silver"), (channel_PLN, "Bronze"))
    )
    segments = [
        CustomerSegment.objects.create(name=name, definition={}) for name in ("Loyal", "New")
    ]
    SegmentMembership.objects.bulk_create(
        SegmentMembership(segment=segment, user=user) for user in users for segment in segments
    )
    CustomerTag.objects.bulk_create(CustomerTag(user=user, tag="vip") for user in users[::3])
    return users


# The staff list: points, tier, tags, segments and RFM (no consent).
CUSTOMERS_WITH_LOYALTY_TAGS_SEGMENTS_RFM = CUSTOMERS_WITH_CRM.replace(
    "crmMarketingConsent { granted }", ""
)


def counted(client, query, first):
    with queries_counted() as queries:
        response = client.post_graphql(query, {"first": first})
    return get_graphql_content(response)["data"]["customers"]["edges"], queries


def queries_added_per_page(client, query):
    """Queries ``query`` adds over the bare list, for a page of 10 and of 100 customers,
    and the last page's customers."""
    counted(client, query, 1)  # caches warmed as a running shop has them
    added = {}
    for first in (10, 100):
        _, without = counted(client, CUSTOMERS, first)
        edges, with_crm = counted(client, query, first)
        assert len(edges) == first
        added[first] = len(with_crm) - len(without)
    return added, edges


def test_crm_fields_of_a_customer_list_add_constant_queries(
    staff_api_client, permission_manage_users, hundred_customers
):
    # given
    staff_api_client.user.user_permissions.add(permission_manage_users)

    # when: a page of 10, then of 100 customers, with and without the CRM's fields
    added, edges = queries_added_per_page(staff_api_client, CUSTOMERS_WITH_CRM)

    # then: the same whatever the page: both channels with their programmes (1), the
    # accounts of both channels (1), tags, segments with their memberships, RFM, consent,
    # and the requester's permission groups (1: channel access, graphql.utils)
    assert added == {10: 7, 100: 7}
    edge = edges[0]["node"]
    assert edge["main"]["tier"] == {"name": "Silver"}
    assert edge["other"]["tier"] == {"name": "Bronze"}
    assert [segment["name"] for segment in edge["segments"]] == ["Loyal", "New"]
    assert edge["crmTags"] in ([], ["vip"])


def test_points_tier_tags_segments_and_rfm_of_a_customer_list_take_six_queries(
    staff_api_client, permission_manage_users, hundred_customers
):
    # given
    staff_api_client.user.user_permissions.add(permission_manage_users)

    # when
    added, _edges = queries_added_per_page(
        staff_api_client, CUSTOMERS_WITH_LOYALTY_TAGS_SEGMENTS_RFM
    )

    # then: channels with programmes, accounts, tags, segments, RFM, channel access
    assert added == {10: 6, 100: 6}
