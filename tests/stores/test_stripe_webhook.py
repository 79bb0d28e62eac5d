"""Stripe Terminal's webhook: real signed events posted to Saleor's per-channel plugin URL."""

import datetime
import json
import logging
from decimal import Decimal

import pytest
from saleor.warehouse.models import Warehouse

from saleor_crm_plugin.stores.models import StorePurchase, StoreRefund
from tests.fixtures.plugin import configure_crm

from .stripe_events import (
    FINGERPRINT,
    LOCATION,
    NEW_SHAPE_EXPANDED,
    NEW_SHAPE_ID,
    OLD_SHAPE,
    OTHER_SECRET,
    READER,
    SECRET,
    event,
    payment_intent,
    post_body,
    post_event,
    refunded,
    signature_header,
    succeeded,
    webhook_url,
)

NOT_VERIFIED = {"error": "The event could not be verified."}


def _recorded(detail=""):
    return {"received": True, "outcome": "recorded", "detail": detail}


def _ignored(detail):
    return {"received": True, "outcome": "ignored", "detail": detail}


def _purchases():
    return list(
        StorePurchase.objects.order_by("pk").values_list(
            "external_id", "amount", "warehouse__slug", "card_fingerprint"
        )
    )


@pytest.mark.django_db
def test_a_card_present_payment_records_one_purchase_in_its_store(client, crm_stripe, warehouse):
    # given
    created = int(datetime.datetime(2024, 5, 2, 10, 30, tzinfo=datetime.UTC).timestamp())
    intent = payment_intent(amount=4250, created=created, metadata={"store": warehouse.slug})

    # when
    response = post_event(client, crm_stripe.slug, succeeded(intent))

    # then
    assert response.status_code == 200
    assert response.json() == _recorded()
    purchase = StorePurchase.objects.get()
    assert purchase.channel_id == crm_stripe.pk
    assert purchase.warehouse_id == warehouse.pk
    assert purchase.warehouse_name == "Example Warehouse"
    assert purchase.source == "stripe"
    assert purchase.external_id == intent["id"]
    assert purchase.amount == Decimal("42.50")
    assert purchase.currency == "USD"
    assert purchase.purchased_at == datetime.datetime(2024, 5, 2, 10, 30, tzinfo=datetime.UTC)
    assert purchase.card_fingerprint == FINGERPRINT
    assert purchase.user_id is None
    assert len(purchase.receipt_code) == 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("shape", "fingerprint"),
    [(OLD_SHAPE, FINGERPRINT), (NEW_SHAPE_EXPANDED, FINGERPRINT), (NEW_SHAPE_ID, "")],
)
def test_both_payload_shapes_record_the_purchase(client, crm_stripe, warehouse, shape, fingerprint):
    # given: charges embedded (old API), latest_charge expanded, or only its id
    intent = payment_intent(amount=1999, shape=shape, metadata={"store": warehouse.slug})

    # when
    response = post_event(client, crm_stripe.slug, succeeded(intent))

    # then: only a payload carrying the charge tells the card
    assert response.json() == _recorded()
    assert _purchases() == [(intent["id"], Decimal("19.990"), warehouse.slug, fingerprint)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("location", "reader", "metadata"),
    [
        (LOCATION, None, {}),  # the charge's location (API 2026-02-25 on)
        (None, None, {"location": LOCATION}),  # a location the POS put in the metadata
        (None, READER, {}),  # a reader mapped like a location
    ],
)
def test_the_store_comes_from_the_terminal_mapping(
    client, channel_USD, warehouse, location, reader, metadata
):
    # given
    configure_crm(
        channel_USD,
        stripe_webhook_secrets=SECRET,
        stripe_terminal_locations=f"{LOCATION} | {warehouse.slug}\n{READER} | {warehouse.slug}",
    )
    intent = payment_intent(
        shape=NEW_SHAPE_EXPANDED, location=location, reader=reader, metadata=metadata
    )

    # when
    response = post_event(client, channel_USD.slug, succeeded(intent))

    # then
    assert response.json() == _recorded()
    assert StorePurchase.objects.get().warehouse_id == warehouse.pk


@pytest.mark.django_db
def test_metadata_store_takes_precedence_over_the_location(
    client, crm_stripe, warehouse, warehouses
):
    # given: the reader is at the front-street location, the POS says warehouse1
    intent = payment_intent(location=LOCATION, metadata={"store": warehouses[0].slug})

    # when
    post_event(client, crm_stripe.slug, succeeded(intent))

    # then
    assert StorePurchase.objects.get().warehouse_id == warehouses[0].pk


@pytest.mark.django_db
def test_an_interac_present_payment_is_recorded(client, crm_stripe, warehouse):
    # given
    intent = payment_intent(method="interac_present", metadata={"store": warehouse.slug})

    # when
    response = post_event(client, crm_stripe.slug, succeeded(intent))

    # then
    assert response.json() == _recorded()
    assert _purchases() == [(intent["id"], Decimal("42.500"), warehouse.slug, FINGERPRINT)]


@pytest.mark.django_db
def test_a_bad_signature_is_refused_and_nothing_recorded(client, crm_stripe, warehouse):
    # given: signed with a secret the channel does not have
    intent = payment_intent(metadata={"store": warehouse.slug})

    # when
    response = post_event(client, crm_stripe.slug, succeeded(intent), secret=OTHER_SECRET)

    # then
    assert response.status_code == 400
    assert response.json() == NOT_VERIFIED
    assert _purchases() == []


@pytest.mark.django_db
def test_a_body_changed_after_signing_is_refused(client, crm_stripe, warehouse):
    # given: Stripe's signature over one body, another body sent
    intent = payment_intent(amount=100, metadata={"store": warehouse.slug})
    signed = json.dumps(succeeded(intent))
    tampered = signed.replace('"amount_received": 100', '"amount_received": 100000')

    # when
    response = post_body(client, webhook_url(crm_stripe.slug), tampered, signature_header(signed))

    # then
    assert response.status_code == 400
    assert _purchases() == []


@pytest.mark.django_db
def test_a_stale_timestamp_is_refused(client, crm_stripe, warehouse):
    # given: a genuine signature over six minutes old (a captured request replayed)
    intent = payment_intent(metadata={"store": warehouse.slug})
    stale = int(datetime.datetime.now(datetime.UTC).timestamp()) - 301

    # when
    response = post_event(client, crm_stripe.slug, succeeded(intent), timestamp=stale)

    # then
    assert response.status_code == 400
    assert response.json() == NOT_VERIFIED
    assert _purchases() == []


@pytest.mark.django_db
@pytest.mark.parametrize("header", [None, "", "t=1,v0=abc", "nonsense"])
def test_a_missing_or_malformed_signature_header_is_refused(client, crm_stripe, warehouse, header):
    # given
    body = json.dumps(succeeded(payment_intent(metadata={"store": warehouse.slug})))

    # when
    response = post_body(client, webhook_url(crm_stripe.slug), body, header)

    # then
    assert response.status_code == 400
    assert response.json() == NOT_VERIFIED
    assert _purchases() == []


@pytest.mark.django_db
def test_without_a_configured_secret_every_event_is_refused(client, channel_USD, warehouse):
    # given
    configure_crm(channel_USD, stripe_webhook_secrets="")
    intent = payment_intent(metadata={"store": warehouse.slug})

    # when
    response = post_event(client, channel_USD.slug, succeeded(intent))

    # then
    assert response.status_code == 400
    assert _purchases() == []


@pytest.mark.django_db
@pytest.mark.parametrize("secret", [SECRET, OTHER_SECRET])
def test_either_secret_verifies_while_one_is_rotated(client, channel_USD, warehouse, secret):
    # given: the old and the new signing secret, one a line
    configure_crm(channel_USD, stripe_webhook_secrets=f"{SECRET}\n{OTHER_SECRET}")
    intent = payment_intent(metadata={"store": warehouse.slug})

    # when
    response = post_event(client, channel_USD.slug, succeeded(intent), secret=secret)

    # then
    assert response.json() == _recorded()
    assert len(_purchases()) == 1


@pytest.mark.django_db
def test_a_replayed_event_records_nothing_more(client, crm_stripe, warehouse):
    # given
    delivery = succeeded(payment_intent(metadata={"store": warehouse.slug}))
    post_event(client, crm_stripe.slug, delivery)
    first = StorePurchase.objects.get()

    # when: Stripe delivers the same event again (a retry, or a resend from its Dashboard)
    response = post_event(client, crm_stripe.slug, delivery)

    # then
    assert response.json() == {"received": True, "outcome": "already_recorded", "detail": ""}
    assert list(StorePurchase.objects.values_list("pk", "receipt_code")) == [
        (first.pk, first.receipt_code)
    ]


@pytest.mark.django_db
def test_the_same_payment_under_a_new_event_id_records_nothing_more(client, crm_stripe, warehouse):
    # given
    intent = payment_intent(metadata={"store": warehouse.slug})
    post_event(client, crm_stripe.slug, succeeded(intent))

    # when
    response = post_event(client, crm_stripe.slug, succeeded(intent, event_id="evt_1Another"))

    # then
    assert response.json()["outcome"] == "already_recorded"
    assert _purchases() == [(intent["id"], Decimal("42.500"), warehouse.slug, FINGERPRINT)]


@pytest.mark.django_db
def test_another_amount_under_a_recorded_payment_id_changes_nothing(client, crm_stripe, warehouse):
    # given
    intent = payment_intent(amount=4250, metadata={"store": warehouse.slug})
    post_event(client, crm_stripe.slug, succeeded(intent))

    # when
    forged = {**intent, "amount_received": 999999}
    response = post_event(client, crm_stripe.slug, succeeded(forged))

    # then
    assert response.json() == _ignored("external_id_conflict")
    assert _purchases() == [(intent["id"], Decimal("42.500"), warehouse.slug, FINGERPRINT)]


@pytest.mark.django_db
@pytest.mark.parametrize("shape", [OLD_SHAPE, NEW_SHAPE_ID])
def test_an_online_card_payment_is_ignored(client, crm_stripe, warehouse, shape):
    # given: a card payment made on a website, and its refund
    intent = payment_intent(method="card", shape=shape, metadata={"store": warehouse.slug})

    # when
    paid = post_event(client, crm_stripe.slug, succeeded(intent))
    refund = post_event(client, crm_stripe.slug, refunded(intent, 1000))

    # then
    assert paid.status_code == 200
    assert paid.json() == _ignored("not_card_present")
    assert refund.json() == _ignored("not_card_present")
    assert _purchases() == []
    assert not StoreRefund.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "metadata",
    [
        # Saleor's Stripe gateway plugin
        {"channel": "main", "payment_id": "UGF5bWVudDox"},
        # Saleor's Stripe app
        {
            "saleor_transaction_id": "VHJhbnNhY3Rpb25JdGVtOjE=",
            "saleor_source_id": "Q2hlY2tvdXQ6MQ==",
            "saleor_source_type": "Checkout",
        },
    ],
)
def test_a_payment_of_a_saleor_checkout_is_ignored_even_card_present(
    client, crm_stripe, warehouse, metadata
):
    # given: its order earns the points; recording it too would count them twice
    intent = payment_intent(metadata={**metadata, "store": warehouse.slug})

    # when
    response = post_event(client, crm_stripe.slug, succeeded(intent))

    # then
    assert response.json() == _ignored("saleor_checkout")
    assert _purchases() == []


@pytest.mark.django_db
def test_a_payment_for_another_channel_is_ignored(client, crm_stripe, warehouse):
    # given
    other_channel = payment_intent(metadata={"store": warehouse.slug, "channel": "c-pln"})
    other_currency = payment_intent(currency="pln", metadata={"store": warehouse.slug})

    # when
    by_metadata = post_event(client, crm_stripe.slug, succeeded(other_channel))
    by_currency = post_event(client, crm_stripe.slug, succeeded(other_currency))

    # then
    assert by_metadata.json() == _ignored("other_channel")
    assert by_currency.json() == _ignored("other_currency")
    assert _purchases() == []


@pytest.mark.django_db
def test_a_payment_from_an_unknown_store_is_acknowledged_and_not_recorded(
    client, crm_stripe, warehouse, caplog
):
    # given: an unmapped location, a slug no warehouse has, a store of another channel
    unmapped = payment_intent(shape=NEW_SHAPE_EXPANDED, location="tml_Elsewhere")
    no_such_slug = payment_intent(metadata={"store": "no-such-store"})
    elsewhere = Warehouse.objects.create(
        address=warehouse.address.get_copy(), name="Abroad", slug="abroad", email="a@example.com"
    )
    other_channel_store = payment_intent(metadata={"store": elsewhere.slug})
    caplog.set_level(logging.INFO, logger="saleor_crm_plugin")

    # when
    responses = [
        post_event(client, crm_stripe.slug, succeeded(intent))
        for intent in (unmapped, no_such_slug, other_channel_store)
    ]

    # then: 200, so that Stripe does not retry what a retry cannot fix; a warning says why
    assert [response.json() for response in responses] == [_ignored("unknown_store")] * 3
    assert _purchases() == []
    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert len(warnings) == 3
    assert "tml_Elsewhere" in warnings[0]
    assert unmapped["id"] in warnings[0]


@pytest.mark.django_db
def test_an_event_type_not_handled_is_acknowledged(client, crm_stripe, warehouse):
    # given
    intent = payment_intent(metadata={"store": warehouse.slug})

    # when
    response = post_event(client, crm_stripe.slug, event("payment_intent.created", intent))

    # then
    assert response.status_code == 200
    assert response.json() == _ignored("event_type")
    assert _purchases() == []


@pytest.mark.django_db
def test_an_inactive_programme_does_not_handle_the_endpoint(client, channel_USD, warehouse):
    # given
    configure_crm(channel_USD, active=False, stripe_webhook_secrets=SECRET)
    intent = payment_intent(metadata={"store": warehouse.slug})

    # when
    response = post_event(client, channel_USD.slug, succeeded(intent))

    # then
    assert response.status_code == 404
    assert _purchases() == []


@pytest.mark.django_db
def test_a_channel_without_the_programme_does_not_handle_the_endpoint(
    client, crm_stripe, channel_PLN, warehouse
):
    # given: signed with channel_USD's secret, posted to channel_PLN's URL
    intent = payment_intent(metadata={"store": warehouse.slug})

    # when
    response = post_event(client, channel_PLN.slug, succeeded(intent))

    # then
    assert response.status_code == 404
    assert _purchases() == []


@pytest.mark.django_db
def test_the_url_without_a_channel_does_not_handle_the_endpoint(client, crm_stripe, warehouse):
    # given
    body = json.dumps(succeeded(payment_intent(metadata={"store": warehouse.slug})))

    # when
    response = post_body(client, "/plugins/saleor.crm/stripe/webhook", body, signature_header(body))

    # then
    assert response.status_code == 404
    assert _purchases() == []


@pytest.mark.django_db
def test_only_post_is_allowed(client, crm_stripe):
    # when
    response = client.get(webhook_url(crm_stripe.slug))

    # then
    assert response.status_code == 405
    assert response["Allow"] == "POST"


@pytest.mark.django_db
def test_neither_a_secret_nor_the_signature_is_logged(client, crm_stripe, warehouse, caplog):
    # given
    caplog.set_level(logging.DEBUG)
    intent = payment_intent(metadata={"store": warehouse.slug})
    body = json.dumps(succeeded(intent))
    header = signature_header(body, OTHER_SECRET)

    # when
    post_body(client, webhook_url(crm_stripe.slug), body, header)
    post_event(client, crm_stripe.slug, succeeded(intent))

    # then
    assert caplog.records
    assert SECRET not in caplog.text
    assert OTHER_SECRET not in caplog.text
    assert header.split("v1=")[1] not in caplog.text
