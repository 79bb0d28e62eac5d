"""The churn backtest of benchmark section 6: its generated shop, its figures, and a run
that scores through the real SQL and leaves nothing behind."""

import datetime
import math

from saleor.channel.models import Channel
from saleor.order.models import Order

from bench import churn_backtest
from bench.churn_backtest import precision_at, roc_auc, synthetic_backtest, synthetic_shop

CUTOFF = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def test_the_generated_shop_is_the_same_every_time_and_keeps_its_known_answer():
    # when
    shop, again = (
        synthetic_shop(cutoff=CUTOFF, customers=300),
        synthetic_shop(cutoff=CUTOFF, customers=300),
    )

    # then
    assert shop == again
    low, high = churn_backtest.RHYTHM_DAYS
    for customer in shop:
        assert customer.orders == tuple(sorted(customer.orders))
        assert CUTOFF - churn_backtest.HISTORY_DAYS * DAY <= customer.orders[0]
        assert customer.orders[-1] < CUTOFF
        assert low <= customer.rhythm_days <= high
        if customer.stopped_at is not None:
            assert customer.orders[-1] < customer.stopped_at
            assert CUTOFF - churn_backtest.STOP_WINDOW_DAYS * DAY <= customer.stopped_at
            assert customer.back_at is None
        elif customer.back_at is not None:
            assert CUTOFF < customer.back_at <= CUTOFF + churn_backtest.HORIZON_DAYS * DAY
    stopped = sum(customer.stopped_at is not None for customer in shop)
    assert 0.3 < stopped / len(shop) < 0.5


def test_roc_auc_counts_pairs_and_ties_half():
    # then
    assert roc_auc([3, 2, 1, 0], [True, True, False, False]) == 1.0
    assert roc_auc([0, 1, 2, 3], [True, True, False, False]) == 0.0
    assert roc_auc([1, 1, 1, 1], [True, False, True, False]) == 0.5
    assert roc_auc([3, 1, 2, 0], [True, True, False, False]) == 0.75
    assert math.isnan(roc_auc([1, 2], [True, True]))


def test_precision_at_takes_the_top_share_ties_by_key():
    # given
    scores, positives, keys = [5, 5, 4, 1], [False, True, True, False], [2, 1, 3, 4]

    # then
    assert precision_at(scores, positives, keys, 0.25) == 1.0  # key 1 before key 2
    assert precision_at(scores, positives, keys, 0.5) == 0.5
    assert precision_at(scores, positives, keys, 0.75) == 2 / 3


def test_the_backtest_scores_through_the_database_and_rolls_back():
    # given
    channels, orders = Channel.objects.count(), Order.objects.count()

    # when
    result = synthetic_backtest(cutoff=CUTOFF, customers=80)

    # then
    shop = synthetic_shop(cutoff=CUTOFF, customers=80)
    assert result.customers == len(shop)
    assert result.orders == sum(len(customer.orders) for customer in shop)
    assert result.not_back == sum(customer.back_at is None for customer in shop)
    assert result.stopped == sum(customer.stopped_at is not None for customer in shop)
    assert 0 <= result.churn.auc <= 1 and 0 <= result.days_since.auc <= 1
    assert (Channel.objects.count(), Order.objects.count()) == (channels, orders)


def test_the_section_is_numbered_six_and_has_a_row_per_data_set_and_score():
    # given
    ranking = churn_backtest.Ranking(auc=0.75, precision=(0.5, 0.25))
    result = churn_backtest.BacktestResult(
        customers=10,
        orders=30,
        not_back=4,
        churn=ranking,
        days_since=ranking,
        stopped=3,
        churn_stopped=ranking,
        days_since_stopped=ranking,
        shop_interval_days=20.5,
    )

    # when
    lines = churn_backtest.section(synthetic=result, demo=result, seconds=(1.25, 0.5))

    # then
    assert lines[0] == "## 6. Churn risk backtest"
    rows = [line for line in lines if line.startswith("| ") and "0.750" in line]
    assert rows[0] == "| Generated (30 orders) | 10 | 4 | churn risk | 0.750 | 0.50 | 0.25 |"
    assert len(rows) == 6
    assert lines[-2].endswith(
        "The generated shop took 1.2 s (writing its orders, mostly), the demo 0.5 s."
    )
