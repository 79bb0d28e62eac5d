"""`cartRecoveryStats(channel:, period:)`: staff figures, MANAGE_CHECKOUTS."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.carts.models import AbandonedStatus
from saleor_crm_plugin.carts.stats import two_proportion_p_value
from tests.fixtures.plugin import configure_crm

from .utils import MANAGE_CHECKOUTS, WITHOUT_MANAGE_CHECKOUTS, denied_data, written_rows

CART_RECOVERY_STATS = """
query($channel: String!, $period: DateTimeRangeInput) {
  cartRecoveryStats(channel: $channel, period: $period) {
    detected reminded recovered recoveryRate
    recoveredRevenue { amount currency } discountCost { amount currency }
    byStage { stage reminded recovered recoveryRate recoveredRevenue { amount } }
    byVariant {
      name isReference reminded recovered recoveryRate pValue
      recoveredRevenue { amount } discountCost { amount }
    }
  }
}
"""

RECOVERED = AbandonedStatus.RECOVERED


@pytest.fixture
def reminded(recovery_channel, abandoned_row):
    """Holdout: 1 of 2 recovered; "ten": 2 of 3, and one never reminded; one older
    checkout (40 days)."""
    configure_crm(
        recovery_channel,
        pending_period="0",
        cart_recovery_enabled=True,
        storefront_checkout_url="https://shop.example.com/checkout/{token}",
        cart_experiment="ten | 50 | percentage 10 items 7d\nholdout | 50 | none",
    )

    def row(variant, stages, status=AbandonedStatus.OPEN, total=None, discount=None, **kw):
        return abandoned_row(
            recovery_channel,
            email=f"{variant}{len(stages)}{status}{total}@example.com",
            variant=variant,
            sent_stages=stages,
            status=status,
            order_total=total and Decimal(total),
            discount=discount and Decimal(discount),
            **kw,
        )

    row("holdout", [1], RECOVERED, "100", "0")
    row("holdout", [1])
    row("ten", [1, 2], RECOVERED, "80", "8")
    row("ten", [1, 2], RECOVERED, "60", "6")
    row("ten", [1])
    row("ten", [])
    row(
        "ten", [1], RECOVERED, "500", "50", detected_at=timezone.now() - datetime.timedelta(days=40)
    )
    return recovery_channel


def _stats(client, channel, period=None):
    response = client.post_graphql(CART_RECOVERY_STATS, {"channel": channel.slug, "period": period})
    return get_graphql_content(response)["data"]["cartRecoveryStats"]


@pytest.mark.parametrize("requester", MANAGE_CHECKOUTS, indirect=True)
def test_stats_of_a_period(requester, reminded):
    # given
    since = (timezone.now() - datetime.timedelta(days=30)).isoformat()
    rows = written_rows()

    # when
    data = _stats(requester, reminded, period={"gte": since})

    # then
    assert data == {
        "detected": 6,
        "reminded": 5,
        "recovered": 3,
        "recoveryRate": 0.6,
        "recoveredRevenue": {"amount": 240.0, "currency": "USD"},
        "discountCost": {"amount": 14.0, "currency": "USD"},
        "byStage": [
            {
                "stage": 1,
                "reminded": 5,
                "recovered": 1,
                "recoveryRate": 0.2,
                "recoveredRevenue": {"amount": 100.0},
            },
            {
                "stage": 2,
                "reminded": 2,
                "recovered": 2,
                "recoveryRate": 1.0,
                "recoveredRevenue": {"amount": 140.0},
            },
        ],
        "byVariant": [
            {
                "name": "holdout",
                "isReference": True,
                "reminded": 2,
                "recovered": 1,
                "recoveryRate": 0.5,
                "pValue": None,
                "recoveredRevenue": {"amount": 100.0},
                "discountCost": {"amount": 0.0},
            },
            {
                "name": "ten",
                "isReference": False,
                "reminded": 3,
                "recovered": 2,
                "recoveryRate": pytest.approx(2 / 3),
                "pValue": pytest.approx(
                    two_proportion_p_value(
                        successes=2, trials=3, reference_successes=1, reference_trials=2
                    )
                ),
                "recoveredRevenue": {"amount": 140.0},
                "discountCost": {"amount": 14.0},
            },
        ],
    }
    assert written_rows() == rows


def test_without_a_period_all_checkouts_count(staff_manage_checkouts, reminded):
    # when
    data = _stats(staff_manage_checkouts, reminded)

    # then
    assert (data["detected"], data["reminded"], data["recovered"]) == (7, 6, 4)
    assert data["recoveredRevenue"] == {"amount": 740.0, "currency": "USD"}


def test_unknown_channel_has_no_stats(staff_manage_checkouts, reminded):
    # when
    response = staff_manage_checkouts.post_graphql(
        CART_RECOVERY_STATS, {"channel": "no-such-channel"}
    )

    # then
    assert get_graphql_content(response)["data"]["cartRecoveryStats"] is None


@pytest.mark.parametrize("requester", WITHOUT_MANAGE_CHECKOUTS, indirect=True)
def test_without_manage_checkouts_is_denied(requester, reminded):
    # when
    response = requester.post_graphql(CART_RECOVERY_STATS, {"channel": reminded.slug})

    # then
    assert denied_data(response) == {"cartRecoveryStats": None}
