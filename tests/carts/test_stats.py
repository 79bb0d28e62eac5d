import datetime
import math
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_crm_plugin.carts.models import AbandonedStatus, ReminderStatus
from saleor_crm_plugin.carts.stats import (
    RecoveryFigures,
    StageFigures,
    VariantFigures,
    cart_recovery_stats,
    two_proportion_p_value,
)
from tests.fixtures.cart_offers import reminders_add

RECOVERED = AbandonedStatus.RECOVERED

# Two-proportion z-test of 4/5 ("ten") against 1/4 (holdout), by hand:
# pooled p = 5/9; variance = 5/9 · 4/9 · (1/5 + 1/4) = 1/9; z = (0.8 − 0.25) / (1/3) = 1.65;
# two-sided p = 2 · (1 − Φ(1.65)) = 2 · (1 − 0.9505285) = 0.098943 (normal table).
HAND_P_VALUE = 0.098943


@pytest.fixture
def dataset(recovery_channel, channel_PLN, abandoned_row):
    """Nine reminded checkouts in the period, plus rows that must not count."""

    def row(variant, stages, status=AbandonedStatus.OPEN, total=None, discount=None, **kw):
        return abandoned_row(
            recovery_channel,
            email=f"{variant}-{len(created)}@example.com",
            variant=variant,
            sent_stages=stages,
            status=status,
            order_total=None if total is None else Decimal(total),
            discount=None if discount is None else Decimal(discount),
            **kw,
        )

    created = []
    created.append(row("holdout", [1], RECOVERED, "100", "0"))
    created.append(row("holdout", [1, 2]))
    created.append(row("holdout", [1, 2, 3], AbandonedStatus.EXPIRED))
    created.append(row("holdout", [1], AbandonedStatus.PURCHASED_ELSEWHERE))
    created.append(row("ten", [1, 2], RECOVERED, "80", "8"))
    two = row("ten", [1, 2], RECOVERED, "60", "6")
    reminders_add(two, [3], status=ReminderStatus.SKIPPED)  # skipped: not reminded at 3
    created.append(two)
    created.append(row("ten", [1, 2, 3], RECOVERED, "50", "5"))
    created.append(row("ten", [1], RECOVERED, "40", "0"))
    created.append(row("ten", [1, 2, 3]))
    # not counted: no reminder sent, detected before the period, another channel
    created.append(row("ten", [], AbandonedStatus.COMPLETED, "70", "0"))
    created.append(
        row(
            "ten",
            [1],
            RECOVERED,
            "90",
            "9",
            detected_at=timezone.now() - datetime.timedelta(days=40),
        )
    )
    abandoned_row(channel_PLN, email="pln@example.com", sent_stages=[1], variant="ten")
    return recovery_channel


def test_stats_per_stage_and_variant(dataset, django_assert_num_queries):
    # given
    since = timezone.now() - datetime.timedelta(days=30)

    # when
    with django_assert_num_queries(4):
        stats = cart_recovery_stats(
            channel_id=dataset.pk, since=since, until=timezone.now(), reference_variant="holdout"
        )

    # then: ten detected in the period, nine of them reminded
    assert stats.detected == 10
    assert stats.total == RecoveryFigures(
        reminded=9, recovered=5, recovered_revenue=Decimal(330), discount_cost=Decimal(19)
    )
    assert stats.total.recovery_rate == 5 / 9
    assert stats.by_stage == [
        StageFigures(
            stage=1,
            reminded=9,
            recovered=2,
            recovered_revenue=Decimal(140),
            discount_cost=Decimal(0),
        ),
        StageFigures(
            stage=2,
            reminded=6,
            recovered=2,
            recovered_revenue=Decimal(140),
            discount_cost=Decimal(14),
        ),
        StageFigures(
            stage=3,
            reminded=3,
            recovered=1,
            recovered_revenue=Decimal(50),
            discount_cost=Decimal(5),
        ),
    ]
    holdout, ten = stats.by_variant
    assert holdout == VariantFigures(
        name="holdout",
        is_reference=True,
        p_value=None,
        reminded=4,
        recovered=1,
        recovered_revenue=Decimal(100),
        discount_cost=Decimal(0),
    )
    assert (ten.name, ten.is_reference, ten.reminded, ten.recovered) == ("ten", False, 5, 4)
    assert (ten.recovered_revenue, ten.discount_cost) == (Decimal(230), Decimal(19))
    assert ten.recovery_rate == 0.8
    assert ten.p_value == pytest.approx(HAND_P_VALUE, abs=1e-6)


def test_the_reference_variant_can_be_any(dataset):
    # when
    stats = cart_recovery_stats(channel_id=dataset.pk, reference_variant="ten")

    # then: the test is symmetric; an open period also takes the old checkout
    assert stats.detected == 11
    holdout, ten = stats.by_variant
    assert (holdout.is_reference, ten.is_reference) == (False, True)
    assert (ten.reminded, ten.recovered) == (6, 5)
    assert holdout.p_value == pytest.approx(
        two_proportion_p_value(successes=1, trials=4, reference_successes=5, reference_trials=6)
    )


def test_no_checkouts_no_figures(recovery_channel):
    # when
    stats = cart_recovery_stats(channel_id=recovery_channel.pk)

    # then
    assert stats.detected == 0
    assert stats.total == RecoveryFigures(
        reminded=0, recovered=0, recovered_revenue=Decimal(0), discount_cost=Decimal(0)
    )
    assert stats.total.recovery_rate == 0.0
    assert (stats.by_stage, stats.by_variant) == ([], [])


def test_p_value_matches_the_normal_distribution():
    # z = 1.65 by construction (see HAND_P_VALUE)
    assert two_proportion_p_value(
        successes=4, trials=5, reference_successes=1, reference_trials=4
    ) == pytest.approx(HAND_P_VALUE, abs=1e-6)
    # z = 0: same proportions
    assert two_proportion_p_value(
        successes=10, trials=100, reference_successes=20, reference_trials=200
    ) == pytest.approx(1.0)
    # 1.96 standard errors is the usual 5 % threshold: 30/100 vs 17/100 (z ≈ 2.16)
    p_value = two_proportion_p_value(
        successes=30, trials=100, reference_successes=17, reference_trials=100
    )
    pooled = 47 / 200
    z = 0.13 / math.sqrt(pooled * (1 - pooled) * 0.02)
    assert p_value == pytest.approx(2 * (1 - 0.5 * (1 + math.erf(z / math.sqrt(2)))))
    assert p_value < 0.05


def test_p_value_is_undefined_without_data_or_variance():
    assert (
        two_proportion_p_value(successes=0, trials=0, reference_successes=1, reference_trials=4)
        is None
    )
    assert (
        two_proportion_p_value(successes=0, trials=5, reference_successes=0, reference_trials=4)
        is None
    )
    assert (
        two_proportion_p_value(successes=5, trials=5, reference_successes=4, reference_trials=4)
        is None
    )
