"""The export: every CRM row of the customer, nothing of anyone else (docs/privacy.md)."""

import json

import pytest
from django.core.management import call_command

from saleor_crm_plugin.privacy.export import FORMAT, VERSION, customer_data_export
from saleor_crm_plugin.segments.actions import customer_segment_create

from .utils import crm_history

EXPECTED_ROWS = {
    "saleor_crm_abandonedcheckout": 2,
    "saleor_crm_cartrecoveryoffer": 1,
    "saleor_crm_cartreminder": 3,
    "saleor_crm_consentevent": 2,
    "saleor_crm_customerprofile": 1,
    "saleor_crm_customererasure": 0,
    "saleor_crm_customerrfm": 1,
    "saleor_crm_customertag": 1,
    "saleor_crm_journeyenrollment": 1,
    "saleor_crm_journeymessage": 1,
    "saleor_crm_loyaltyaccount": 1,
    "saleor_crm_loyaltyallocation": 2,
    "saleor_crm_loyaltyentry": 5,
    "saleor_crm_loyaltynotice": 0,
    "saleor_crm_loyaltyredemption": 0,
    "saleor_crm_loyaltytierchange": 0,
    "saleor_crm_marketingconsent": 2,
    "saleor_crm_marketingrecipient": 1,
    "saleor_crm_segmentmembership": 1,
    "saleor_crm_segmentmembershipevent": 1,
    "saleor_crm_segmentorderowner": 0,
    "saleor_crm_storecardrecognition": 1,
    "saleor_crm_storepickup": 0,
    "saleor_crm_storepurchase": 1,
    "saleor_crm_storepurchaseclaim": 1,
    "saleor_crm_storepurchaseclaimrefusal": 1,
    "saleor_crm_storepurchaselink": 3,
    "saleor_crm_storerefund": 0,
}


@pytest.fixture
def two_customers(crm_usd, store, customer_user, customer_user2):
    crm_history(customer_user, crm_usd, store, key="one")
    crm_history(customer_user2, crm_usd, store, key="two")
    return customer_segment_create(
        name="VIP", definition={"field": "tags", "op": "has", "value": "vip"}, channel_id=None
    )


def test_the_export_holds_every_row_of_the_customer_and_nothing_of_another(
    customer_user, customer_user2, two_customers
):
    # when
    document = customer_data_export(user=customer_user)

    # then: a versioned document, every CRM row of theirs per table
    assert (document["format"], document["version"]) == (FORMAT, VERSION)
    assert document["customer"] == {"user_id": customer_user.pk, "emails": ["test@example.com"]}
    assert {table: len(rows) for table, rows in document["tables"].items()} == EXPECTED_ROWS
    assert document["segments"] == [
        {
            "segment_id": two_customers.pk,
            "name": "VIP",
            "conditions": [
                {"path": "", "description": "tags has vip", "holds": True, "actual": "vip"}
            ],
        }
    ]
    # nothing of the other customer
    text = json.dumps(document)
    for theirs in ("test2@example.com", "fp_two", "CART-two", "till:two", "Jane", "Doe"):
        assert theirs not in text
    user_ids = {
        row[column]
        for rows in document["tables"].values()
        for row in rows
        for column in ("user_id", "user_key")
        if row.get(column) is not None
    }
    assert user_ids == {customer_user.pk}


def test_the_command_writes_the_same_document_to_a_file(customer_user, two_customers, tmp_path):
    # given
    path = tmp_path / "export.json"

    # when
    call_command("crm_customer_export", customer_user.email, output=str(path))

    # then
    written = json.loads(path.read_text())
    expected = customer_data_export(user=customer_user)
    del written["generated_at"], expected["generated_at"]
    assert written == expected
