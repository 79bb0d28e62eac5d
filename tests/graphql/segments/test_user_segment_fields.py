"""`User.crmTags / segments / segmentExplanations / rfm`: staff and apps with MANAGE_USERS.

Tags and segments are internal notes: the customer cannot read their own.
"""

import graphene
import pytest
from saleor.graphql.tests.utils import get_graphql_content, get_graphql_content_from_response
from saleor.order.models import OrderLine

from saleor_crm_plugin.segments import rfm
from saleor_crm_plugin.segments.models import CustomerRfm, CustomerSegment

from .utils import (
    CANNOT_SEE_CUSTOMER,
    MANAGE_ORDERS_ONLY,
    MANAGE_USERS,
    VIP,
    create_segment,
    denied_data,
    segment_id,
    tag,
    user_id,
)

FIELDS = {
    "crmTags": "crmTags",
    "segments": "segments { name }",
    "segmentExplanations": "segmentExplanations { isMember }",
    "rfm": "rfm { group }",
}


def user_query(selection: str) -> str:
    return f"query($id: ID!) {{ user(id: $id) {{ {selection} }} }}"


@pytest.fixture
def vip(customer_user):
    tag(customer_user, "vip")
    create_segment()
    return customer_user


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_reads_the_fields(requester, vip, field):
    # when
    response = requester.post_graphql(user_query(FIELDS[field]), {"id": user_id(vip)})

    # then
    data = get_graphql_content(response)["data"]["user"]
    assert (
        data
        == {
            "crmTags": {"crmTags": ["vip"]},
            "segments": {"segments": [{"name": "VIPs"}]},
            "segmentExplanations": {"segmentExplanations": [{"isMember": True}]},
            "rfm": {"rfm": []},
        }[field]
    )


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("requester", MANAGE_ORDERS_ONLY, indirect=True)
def test_without_manage_users_the_fields_are_denied(requester, vip, field):
    # when
    response = requester.post_graphql(user_query(FIELDS[field]), {"id": user_id(vip)})

    # then
    assert denied_data(response, ["user", field]) == {"user": None}


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("requester", CANNOT_SEE_CUSTOMER, indirect=True)
def test_requesters_who_cannot_see_the_customer_are_denied(requester, vip, field):
    # when
    response = requester.post_graphql(user_query(FIELDS[field]), {"id": user_id(vip)})

    # then
    assert denied_data(response, ["user"]) == {"user": None}


@pytest.mark.parametrize("field", FIELDS)
def test_the_customer_cannot_read_their_own(user_api_client, vip, field):
    # when
    response = user_api_client.post_graphql(f"{{ me {{ {FIELDS[field]} }} }}")

    # then
    assert denied_data(response, ["me", field]) == {"me": None}


def test_segments_by_name(staff_manage_users, customer_user):
    # given
    tag(customer_user, "vip", "newsletter")
    create_segment("Zebra", {"all": [VIP]})
    create_segment("Newsletter", {"all": [{"field": "tags", "op": "has", "value": "newsletter"}]})
    create_segment("Nobody", {"all": [{"field": "tags", "op": "has", "value": "nobody"}]})

    # when
    response = staff_manage_users.post_graphql(
        user_query("segments { id name memberCount }"), {"id": user_id(customer_user)}
    )

    # then
    segments = get_graphql_content(response)["data"]["user"]["segments"]
    assert [(segment["name"], segment["memberCount"]) for segment in segments] == [
        ("Newsletter", 1),
        ("Zebra", 1),
    ]


EXPLANATIONS = """
query($id: ID!, $ids: [ID!]) {
  user(id: $id) {
    segmentExplanations(ids: $ids) {
      segment { name }
      isMember
      conditions { path description holds actual }
    }
  }
}
"""


def test_explanations_show_which_conditions_hold(staff_manage_users, customer_user):
    # given
    tag(customer_user, "vip")
    newsletter = {"field": "tags", "op": "has", "value": "newsletter"}
    both = create_segment("VIP readers", {"all": [VIP, newsletter]})
    create_segment("VIPs")

    # when
    response = staff_manage_users.post_graphql(
        EXPLANATIONS, {"id": user_id(customer_user), "ids": [segment_id(both)]}
    )

    # then
    [explanation] = get_graphql_content(response)["data"]["user"]["segmentExplanations"]
    assert explanation["segment"] == {"name": "VIP readers"}
    assert explanation["isMember"] is False
    assert [(c["path"], c["holds"]) for c in explanation["conditions"]] == [
        ("", False),
        ("all[0]", True),
        ("all[1]", False),
    ]


def test_explanations_look_references_up_on_the_replica(staff_manage_users, spenders, channel_USD):
    # given: a segment naming the first customer's product, its category and the channel
    first = spenders[0]
    product = OrderLine.objects.filter(order__user=first).first().variant.product
    segment = create_segment(
        "Product buyers",
        {
            "all": [
                {"field": "channel", "op": "ordered_in", "value": [channel_USD.slug]},
                {"field": "purchased_product", "op": "any_of", "value": [product.slug]},
                {"field": "purchased_category", "op": "any_of", "value": [product.category_id]},
            ]
        },
    )

    # when: Saleor's test middleware refuses any statement on the writer in a query
    response = staff_manage_users.post_graphql(
        EXPLANATIONS, {"id": user_id(first), "ids": [segment_id(segment)]}
    )

    # then
    [explanation] = get_graphql_content(response)["data"]["user"]["segmentExplanations"]
    assert explanation["isMember"] is True
    assert [(c["path"], c["holds"]) for c in explanation["conditions"]] == [
        ("", True),
        ("all[0]", True),
        ("all[1]", True),
        ("all[2]", True),
    ]


PRODUCT_ID = graphene.Node.to_global_id("Product", 1)
UUID_SEGMENT_ID = graphene.Node.to_global_id(
    "CustomerSegment", "8a6a5d4e-7f3b-4c1e-9d2a-0b5c6e7f8a9b"
)


@pytest.mark.parametrize(
    ("bad_id", "message"),
    [
        (PRODUCT_ID, f"Invalid ID: {PRODUCT_ID}. Expected: CustomerSegment, received: Product."),
        (UUID_SEGMENT_ID, f"Invalid ID: {UUID_SEGMENT_ID}. Expected: CustomerSegment."),
    ],
)
def test_explanations_of_an_id_that_is_no_segment_are_refused(
    staff_manage_users, customer_user, bad_id, message
):
    # given
    create_segment("VIPs")

    # when
    response = staff_manage_users.post_graphql(
        EXPLANATIONS, {"id": user_id(customer_user), "ids": [bad_id]}
    )

    # then
    content = get_graphql_content_from_response(response)
    assert content["data"]["user"] is None
    assert [error["message"] for error in content["errors"]] == [message]


RFM = """
query($id: ID!, $channel: String) {
  user(id: $id) {
    rfm(channel: $channel) {
      channel { slug }
      recency frequency monetary group
      orderCount
      totalSpent { amount currency }
    }
  }
}
"""


def test_rfm_scores_of_a_customer(staff_manage_users, spenders, channel_USD):
    # given
    rfm.rfm_compute(channel_id=channel_USD.pk)
    second = spenders[1]

    # when
    response = staff_manage_users.post_graphql(
        RFM, {"id": user_id(second), "channel": channel_USD.slug}
    )

    # then
    row = CustomerRfm.objects.get(user=second, channel=channel_USD)
    assert get_graphql_content(response)["data"]["user"]["rfm"] == [
        {
            "channel": {"slug": channel_USD.slug},
            "recency": row.recency,
            "frequency": row.frequency,
            "monetary": row.monetary,
            "group": row.group.upper(),
            "orderCount": 2,
            "totalSpent": {"amount": 73.8, "currency": "USD"},
        }
    ]


def test_rfm_of_unknown_channel_is_empty(staff_manage_users, spenders, channel_USD):
    # given
    rfm.rfm_compute(channel_id=channel_USD.pk)

    # when
    response = staff_manage_users.post_graphql(
        RFM, {"id": user_id(spenders[0]), "channel": "no-such-channel"}
    )

    # then
    assert get_graphql_content(response)["data"]["user"]["rfm"] == []


def test_explanations_skip_a_segment_broken_in_the_database(staff_manage_users, customer_user):
    # given: the first segment's row is corrupted outside the API
    tag(customer_user, "vip")
    broken = create_segment("Broken")
    create_segment("VIPs")
    CustomerSegment.objects.filter(pk=broken.pk).update(
        definition={"field": "days_since_last_order", "op": "gt", "value": 10**9}
    )

    # when
    response = staff_manage_users.post_graphql(EXPLANATIONS, {"id": user_id(customer_user)})

    # then: the other segment is explained
    explanations = get_graphql_content(response)["data"]["user"]["segmentExplanations"]
    assert [(e["segment"]["name"], e["isMember"]) for e in explanations] == [("VIPs", True)]
