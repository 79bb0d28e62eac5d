"""`storePurchaseLink` and `storePurchaseUnlink`: staff fix who a till purchase belongs to."""

import pytest
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.stores.models import StorePurchaseLink
from saleor_crm_plugin.stores.purchases import Actor, store_purchase_link

from ...fixtures.loyalty import balance_of
from ..loyalty.utils import denied_data
from .utils import MANAGE_ORDERS, WITHOUT_MANAGE_ORDERS, purchase_id, written_rows

STORE_PURCHASE_LINK = """
mutation($id: ID!, $customer: StoreCustomerInput!) {
  storePurchaseLink(id: $id, customer: $customer) {
    purchase { id }
    pointsEarned
    errors { field code message }
  }
}
"""

STORE_PURCHASE_UNLINK = """
mutation($id: ID!, $reason: String!) {
  storePurchaseUnlink(id: $id, reason: $reason) {
    purchase {
      id
      links { action method reason customer { email } actorUser { email } actorApp { name } }
    }
    pointsReversed
    errors { field code message }
  }
}
"""


def link(client, purchase, customer):
    response = client.post_graphql(
        STORE_PURCHASE_LINK, {"id": purchase_id(purchase), "customer": customer}
    )
    return get_graphql_content(response)["data"]["storePurchaseLink"]


def unlink(client, purchase, reason="Wrong shopper"):
    response = client.post_graphql(
        STORE_PURCHASE_UNLINK, {"id": purchase_id(purchase), "reason": reason}
    )
    return get_graphql_content(response)["data"]["storePurchaseUnlink"]


def test_staff_link_the_shopper_who_forgot_their_card(
    staff_manage_orders, store_purchase, crm_usd, customer_user
):
    # when
    data = link(staff_manage_orders, store_purchase, {"email": customer_user.email})

    # then
    assert data == {
        "purchase": {"id": purchase_id(store_purchase)},
        "pointsEarned": 120,
        "errors": [],
    }
    store_purchase.refresh_from_db()
    assert store_purchase.user_id == customer_user.pk
    assert balance_of(customer_user, crm_usd) == 120


def test_linking_someone_elses_purchase_is_refused(
    staff_manage_orders, store_purchase, crm_usd, customer_user, customer_user2
):
    # given
    link(staff_manage_orders, store_purchase, {"email": customer_user.email})
    rows = written_rows()

    # when
    data = link(staff_manage_orders, store_purchase, {"email": customer_user2.email})

    # then
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("purchase", "ALREADY_LINKED")]
    assert written_rows() == rows


@pytest.mark.parametrize("requester", MANAGE_ORDERS, indirect=True)
def test_unlink_reverses_the_points_and_records_who_and_why(
    requester, store_purchase, crm_usd, customer_user, permission_manage_users
):
    # given
    link(requester, store_purchase, {"email": customer_user.email})
    holder = requester.app.permissions if requester.app else requester.user.user_permissions
    holder.add(permission_manage_users)

    # when
    data = unlink(requester, store_purchase, "Typed the wrong e-mail")

    # then
    by_app = requester.app is not None
    actor = (
        (None, {"name": requester.app.name}) if by_app else ({"email": requester.user.email}, None)
    )
    assert data == {
        "purchase": {
            "id": purchase_id(store_purchase),
            "links": [
                {
                    "action": "LINK",
                    "method": "EMAIL",
                    "reason": None,
                    "customer": {"email": customer_user.email},
                    "actorUser": actor[0],
                    "actorApp": actor[1],
                },
                {
                    "action": "UNLINK",
                    "method": None,
                    "reason": "Typed the wrong e-mail",
                    "customer": {"email": customer_user.email},
                    "actorUser": actor[0],
                    "actorApp": actor[1],
                },
            ],
        },
        "pointsReversed": 120,
        "errors": [],
    }
    assert balance_of(customer_user, crm_usd) == 0


def test_unlink_of_an_unlinked_purchase_is_refused(staff_manage_orders, store_purchase, crm_usd):
    # when
    data = unlink(staff_manage_orders, store_purchase)

    # then
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("purchase", "NOT_LINKED")]
    assert StorePurchaseLink.objects.count() == 0


def test_unknown_purchase_is_not_found(staff_manage_orders, store_purchase, crm_usd):
    # given
    missing = purchase_id(type(store_purchase)(pk=store_purchase.pk + 1000))

    # when
    data = unlink(staff_manage_orders, type(store_purchase)(pk=store_purchase.pk + 1000))

    # then
    assert [(e["field"], e["code"], e["message"]) for e in data["errors"]] == [
        ("id", "NOT_FOUND", f"Couldn't resolve to a node: {missing}")
    ]


@pytest.mark.parametrize("requester", WITHOUT_MANAGE_ORDERS, indirect=True)
def test_without_manage_orders_nothing_is_linked(requester, store_purchase, crm_usd, customer_user):
    # given
    rows = written_rows()

    # when
    response = requester.post_graphql(
        STORE_PURCHASE_LINK,
        {"id": purchase_id(store_purchase), "customer": {"email": customer_user.email}},
    )

    # then
    assert denied_data(response) == {"storePurchaseLink": None}
    assert written_rows() == rows


@pytest.mark.parametrize("requester", WITHOUT_MANAGE_ORDERS, indirect=True)
def test_without_manage_orders_nothing_is_unlinked(
    requester, store_purchase, crm_usd, customer_user
):
    # given
    store_purchase_link(
        purchase_id=store_purchase.pk, user_id=customer_user.pk, method="email", actor=Actor()
    )
    rows = written_rows()

    # when
    response = requester.post_graphql(
        STORE_PURCHASE_UNLINK, {"id": purchase_id(store_purchase), "reason": "mine now"}
    )

    # then
    assert denied_data(response) == {"storePurchaseUnlink": None}
    assert written_rows() == rows
    assert balance_of(customer_user, crm_usd) == 120
