"""`storePurchaseRecord`: a POS app or staff with MANAGE_ORDERS records a till sale."""

from decimal import Decimal

import pytest
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.stores.models import StorePurchase, StorePurchaseLink

from ..loyalty.utils import denied_data
from .utils import MANAGE_ORDERS, WITHOUT_MANAGE_ORDERS, purchase_id, store_id, written_rows

STORE_PURCHASE_RECORD = """
mutation($input: StorePurchaseRecordInput!) {
  storePurchaseRecord(input: $input) {
    purchase {
      id storeName source externalId receiptCode
      total { amount currency } refunded { amount }
      purchasedAt lines { sku name quantity amount { amount } }
      store { id }
    }
    created
    pointsEarned
    errors { field code message }
  }
}
"""


def sale(warehouse, channel, /, **overrides):
    values = {
        "channel": channel.slug,
        "store": store_id(warehouse),
        "externalId": "till-7:00042",
        "total": "59.90",
        "currency": "USD",
        "purchasedAt": "2026-11-30T10:15:00+00:00",
        "lines": [
            {"sku": "MUG-1", "name": "Mug", "quantity": 2, "amount": "19.90"},
            {"name": "Tea", "quantity": 1, "amount": "40.00"},
        ],
    }
    values.update(overrides)
    return {"input": values}


def record(client, variables):
    response = client.post_graphql(STORE_PURCHASE_RECORD, variables)
    return get_graphql_content(response)["data"]["storePurchaseRecord"]


@pytest.mark.parametrize("requester", MANAGE_ORDERS, indirect=True)
def test_till_records_a_sale_once(requester, store, crm_usd):
    # when the POS sends the sale twice
    first = record(requester, sale(store, crm_usd))
    again = record(requester, sale(store, crm_usd))

    # then
    purchase = StorePurchase.objects.get()
    assert first == {
        "purchase": {
            "id": purchase_id(purchase),
            "storeName": store.name,
            "source": "API",
            "externalId": "till-7:00042",
            "receiptCode": purchase.receipt_code,
            "total": {"amount": 59.9, "currency": "USD"},
            "refunded": {"amount": 0.0},
            "purchasedAt": "2026-11-30T10:15:00+00:00",
            "lines": [
                {"sku": "MUG-1", "name": "Mug", "quantity": 2, "amount": {"amount": 19.9}},
                {"sku": None, "name": "Tea", "quantity": 1, "amount": {"amount": 40.0}},
            ],
            "store": {"id": store_id(store)},
        },
        "created": True,
        "pointsEarned": 0,
        "errors": [],
    }
    assert (again["created"], again["purchase"]["id"]) == (False, purchase_id(purchase))


def test_till_names_the_shopper_by_member_code(
    staff_manage_orders, store, crm_usd, customer_user, usd_account
):
    # when
    data = record(
        staff_manage_orders,
        sale(store, crm_usd, customer={"memberCode": usd_account.member_code.lower()}),
    )

    # then 59.90 earns 59 points (whole units, rounded down)
    assert (data["created"], data["pointsEarned"], data["errors"]) == (True, 59, [])
    link = StorePurchaseLink.objects.get()
    assert (link.user_id, link.method, link.actor_user_id) == (
        customer_user.pk,
        "member_code",
        staff_manage_orders.user.pk,
    )


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        (
            {"customer": {"memberCode": "0000000000"}},
            ("memberCode", "CUSTOMER_NOT_FOUND", "No customer has this member code."),
        ),
        (
            {"customer": {"memberCode": "ABC"}},
            (
                "memberCode",
                "INVALID_MEMBER_CODE",
                "This is not a member code: check it for a mistyped character.",
            ),
        ),
        (
            {"customer": {"email": "x@example.com", "phone": "+48600700800"}},
            (
                "customer",
                "INVALID",
                "Name the customer by exactly one of member code, e-mail or phone.",
            ),
        ),
        (
            {"customer": {"phone": "not a phone"}},
            ("phone", "INVALID", "This is not a phone number."),
        ),
        (
            {"currency": "EUR"},
            ("currency", "CURRENCY_MISMATCH", "The channel main takes USD, not EUR."),
        ),
        (
            {"total": "10.001"},
            ("amount", "INVALID", "The amount has more decimal places than USD has."),
        ),
        (
            {"total": "1e30"},
            ("amount", "INVALID", "The amount must be less than 1000000000000000."),
        ),
        (
            {"externalId": ""},
            (
                "externalId",
                "REQUIRED",
                "Give the till's id of the payment (1 to 255 characters).",
            ),
        ),
        (
            {"purchasedAt": "2099-01-01T00:00:00+00:00"},
            ("purchasedAt", "INVALID", "The purchase cannot be in the future."),
        ),
        (
            {"lines": [{"name": "Mug", "quantity": 0, "amount": "1"}]},
            (
                "lines",
                "INVALID",
                "Line 1: the quantity must be 1 or more and the amount not negative.",
            ),
        ),
        (
            {"store": "V2FyZWhvdXNlOjA="},  # Warehouse:0, not a UUID
            ("store", "GRAPHQL_ERROR", "Invalid ID: V2FyZWhvdXNlOjA=. Expected: Warehouse."),
        ),
        (
            {"channel": "no-such-channel"},
            ("channel", "NOT_FOUND", "Channel with 'no-such-channel' slug does not exist."),
        ),
    ],
)
def test_bad_input_gets_a_coded_error_and_writes_nothing(
    staff_manage_orders, store, crm_usd, customer_user, overrides, error
):
    # when
    data = record(staff_manage_orders, sale(store, crm_usd, **overrides))

    # then
    assert data["purchase"] is None
    assert [(e["field"], e["code"], e["message"]) for e in data["errors"]] == [error]
    assert written_rows() == (0, 0, 0)


def test_unknown_store_is_refused(staff_manage_orders, store, crm_usd):
    # given a well-formed ID of no warehouse
    unknown = store_id(type(store)(pk="00000000-0000-0000-0000-000000000000"))

    # when
    data = record(staff_manage_orders, sale(store, crm_usd, store=unknown))

    # then
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("store", "STORE_NOT_FOUND")]
    assert written_rows() == (0, 0, 0)


def test_same_id_with_another_total_is_a_conflict(staff_manage_orders, store, crm_usd):
    # given
    record(staff_manage_orders, sale(store, crm_usd))

    # when
    data = record(staff_manage_orders, sale(store, crm_usd, total="1.00"))

    # then
    assert [(e["field"], e["code"]) for e in data["errors"]] == [
        ("externalId", "EXTERNAL_ID_CONFLICT")
    ]
    assert StorePurchase.objects.get().amount == Decimal("59.90")


@pytest.mark.parametrize("requester", WITHOUT_MANAGE_ORDERS, indirect=True)
def test_without_manage_orders_nothing_is_recorded(requester, store, crm_usd):
    # when
    response = requester.post_graphql(STORE_PURCHASE_RECORD, sale(store, crm_usd))

    # then
    assert denied_data(response) == {"storePurchaseRecord": None}
    assert written_rows() == (0, 0, 0)
