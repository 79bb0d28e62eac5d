"""Property: RFM scores and the value report equal a plain Python reading of the rules.

Hypothesis draws a shop (customers and staff, orders of every status in two channels,
with ties in dates, counts and amounts; from one customer up) and checks that the SQL
of ``rfm_compute`` and ``customer_value_report`` counts the same customers as segments
(no staff; counted orders only) and scores each ``ceil(5 × rank / customers)`` with
ties at their lowest rank, so that a customer with the single best value scores 5.
"""

import datetime
import math
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from saleor.order import OrderStatus
from saleor.order.models import Order

from saleor_crm_plugin.segments.models import CustomerRfm
from saleor_crm_plugin.segments.rfm import customer_value_report, rfm_compute, rfm_group

User = get_user_model()
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)
EXCLUDED = {OrderStatus.DRAFT, OrderStatus.UNCONFIRMED, OrderStatus.CANCELED}
STATUSES = [OrderStatus.FULFILLED, OrderStatus.UNFULFILLED, OrderStatus.CANCELED]

order_st = st.fixed_dictionaries(
    {
        "usd": st.integers(0, 4).map(lambda n: n > 0),
        "status": st.sampled_from(STATUSES),
        "charged": st.sampled_from([Decimal(0), Decimal(10), Decimal("25.50"), Decimal(100)]),
        "days_ago": st.sampled_from([0, 1, 1, 30, 365]),
    }
)
shop_st = st.lists(
    st.fixed_dictionaries(
        {
            "staff": st.integers(0, 5).map(lambda n: n == 0),
            "orders": st.lists(order_st, min_size=1, max_size=3),
        }
    ),
    min_size=1,
    max_size=9,
)


def _score(value, values: list) -> int:
    rank = 1 + sum(1 for other in values if other < value)
    return math.ceil(5 * rank / len(values))


class _Rollback(Exception):
    pass


def test_rfm_and_value_report_equal_brute_force(channel_USD, channel_PLN, order_generator):
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        database=None,
    )
    @given(shop=shop_st)
    def check(shop):
        try:
            with freeze_time(NOW), transaction.atomic():
                # given
                stats = {}
                for index, spec in enumerate(shop):
                    user = User.objects.create(
                        email=f"rfm{index}@example.com", is_staff=spec["staff"]
                    )
                    for order_spec in spec["orders"]:
                        channel = channel_USD if order_spec["usd"] else channel_PLN
                        order = order_generator(
                            channel=channel,
                            currency=channel.currency_code,
                            user=user,
                            user_email=user.email,
                            status=order_spec["status"],
                        )
                        created_at = NOW - datetime.timedelta(days=order_spec["days_ago"])
                        Order.objects.filter(pk=order.pk).update(
                            created_at=created_at, total_charged_amount=order_spec["charged"]
                        )
                        counted = (
                            order_spec["usd"]
                            and order_spec["status"] not in EXCLUDED
                            and order_spec["charged"] > 0
                            and not spec["staff"]
                        )
                        if counted:
                            last, count, spent = stats.get(user.pk, (created_at, 0, Decimal(0)))
                            stats[user.pk] = (
                                max(last, created_at),
                                count + 1,
                                spent + order_spec["charged"],
                            )

                # when
                scored = rfm_compute(channel_id=channel_USD.pk)
                report = customer_value_report(channel_id=channel_USD.pk, top_percent=Decimal(50))

                # then
                lasts = [value[0] for value in stats.values()]
                counts = [value[1] for value in stats.values()]
                sums = [value[2] for value in stats.values()]
                expected = {}
                for user_id, (last, count, spent) in stats.items():
                    scores = (_score(last, lasts), _score(count, counts), _score(spent, sums))
                    expected[user_id] = (*scores, rfm_group(*scores))
                rows = {
                    row.user_id: (row.recency, row.frequency, row.monetary, row.group)
                    for row in CustomerRfm.objects.filter(channel=channel_USD)
                }
                assert scored == len(expected)
                assert rows == expected
                if stats and lasts.count(max(lasts)) == 1:  # the one most recent: R = 5
                    (best,) = [
                        user_id for user_id, value in stats.items() if value[0] == max(lasts)
                    ]
                    assert rows[best][0] == 5
                ranked = sorted(stats.items(), key=lambda item: (-item[1][2], item[0]))
                top_count = math.ceil(Decimal(len(stats)) * Decimal(50) / 100)
                total = sum(sums, Decimal(0))
                top_revenue = sum((value[2] for _, value in ranked[:top_count]), Decimal(0))
                share = (
                    (top_revenue / total).quantize(Decimal("0.0001"), ROUND_HALF_UP)
                    if total
                    else Decimal(0)
                )
                assert (
                    report.customer_count,
                    report.total_revenue,
                    report.top_customer_count,
                    report.top_revenue,
                    report.top_share,
                ) == (len(stats), total, top_count, top_revenue, share)
                assert [c.user_id for c in report.top_customers] == [
                    user_id for user_id, _ in ranked[:top_count]
                ]
                raise _Rollback
        except _Rollback:
            pass

    check()
