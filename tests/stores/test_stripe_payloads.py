"""Reading Stripe's payloads: pure functions, no database."""

from decimal import Decimal

import pytest

from saleor_crm_plugin.stores.stripe_payloads import (
    amount_from_stripe,
    card_fingerprint,
    intent_charge,
    is_present,
    merged_metadata,
)

from .stripe_events import FINGERPRINT, NEW_SHAPE_ID, charge, payment_intent


@pytest.mark.parametrize(
    ("minor", "currency", "amount"),
    [
        (4250, "USD", Decimal("42.50")),
        (4250, "JPY", Decimal("4250")),
        (4250, "KWD", Decimal("4.250")),
        # Stripe keeps two decimals for the króna, which has none: 500 is 5 ISK.
        (500, "ISK", Decimal("5.00")),
    ],
)
def test_amounts_in_stripes_minor_units(minor, currency, amount):
    assert amount_from_stripe(minor, currency) == amount


def test_the_succeeded_charge_is_read_among_failed_attempts():
    # given: charges list newest first; a declined attempt came before the success
    intent = payment_intent()
    good = intent["charges"]["data"][0]
    declined = {**charge(intent_id=intent["id"], amount=100), "status": "failed"}
    intent["charges"]["data"] = [declined, good]

    # then
    assert intent_charge(intent) is good
    assert card_fingerprint(intent_charge(intent)) == FINGERPRINT


@pytest.mark.parametrize(
    ("types", "present"),
    [
        (["card_present"], True),
        (["card_present", "interac_present"], True),
        (["card_present", "card"], False),
        (["card"], False),
        ([], False),
    ],
)
def test_without_its_charge_the_payment_intents_types_decide(types, present):
    # given
    intent = {**payment_intent(shape=NEW_SHAPE_ID), "payment_method_types": types}

    # then
    assert is_present(intent, intent_charge(intent)) is present


def test_the_payment_intents_metadata_wins_over_its_charges():
    # given
    intent = payment_intent(metadata={"store": "front"})
    the_charge = charge(
        intent_id=intent["id"], amount=1, metadata={"store": "back", "member_code": " X "}
    )

    # then: values trimmed, blanks dropped
    assert merged_metadata(intent, the_charge) == {"store": "front", "member_code": "X"}
