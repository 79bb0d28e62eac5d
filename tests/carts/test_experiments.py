from collections import Counter
from decimal import Decimal

from saleor_crm_plugin.carts.experiments import holdout_variant, variant_bucket, variant_for
from saleor_crm_plugin.config import ExperimentVariant, OfferSpec

TEN = OfferSpec("percentage", Decimal(10), "items", 7 * 86400)
SHIPPING = OfferSpec("free_shipping", Decimal(0), "order", 7 * 86400)
VARIANTS = (
    ExperimentVariant("ten", 40, TEN),
    ExperimentVariant("shipping", 40, SHIPPING),
    ExperimentVariant("holdout", 20, None),
)
SHOPPERS = [f"shopper{number}@example.com" for number in range(10_000)]


def _names(channel_id, variants=VARIANTS):
    return [
        variant_for(email=email, channel_id=channel_id, variants=variants).name
        for email in SHOPPERS
    ]


def test_a_shopper_always_gets_the_same_variant():
    # when: the same e-mail, written differently, at different times
    first = variant_for(email="ann@example.com", channel_id=1, variants=VARIANTS)
    again = variant_for(email="  Ann@Example.COM ", channel_id=1, variants=VARIANTS)

    # then: SHA-256 of "1:ann@example.com" lands on 14 of 100, in "ten" (0-39);
    # this value must never change, or running experiments would reshuffle
    assert variant_bucket(email="ann@example.com", channel_id=1, total_weight=100) == 14
    assert first.name == again.name == "ten"


def test_shoppers_split_by_the_weights():
    # when
    counts = Counter(_names(channel_id=1))

    # then: 40 / 40 / 20 % of 10,000 shoppers, within sampling noise
    assert counts == {"ten": 4006, "shipping": 3911, "holdout": 2083}


def test_each_channel_splits_independently():
    # when
    in_one = _names(channel_id=1)[:1000]
    in_two = _names(channel_id=2)[:1000]

    # then
    assert sum(a != b for a, b in zip(in_one, in_two, strict=True)) == 638


def test_a_variant_of_weight_zero_gets_nobody():
    # given
    variants = (ExperimentVariant("ten", 1, TEN), ExperimentVariant("off", 0, SHIPPING))

    # when
    counts = Counter(_names(channel_id=1, variants=variants))

    # then
    assert counts == {"ten": 10_000}


def test_no_experiment_no_variant():
    assert variant_for(email="ann@example.com", channel_id=1, variants=()) is None
    assert (
        variant_for(
            email="ann@example.com",
            channel_id=1,
            variants=(ExperimentVariant("off", 0, TEN),),
        )
        is None
    )


def test_the_holdout_is_the_first_variant_without_an_offer_else_the_first():
    assert holdout_variant(VARIANTS).name == "holdout"
    assert holdout_variant(VARIANTS[:2]).name == "ten"
    assert holdout_variant(()) is None
