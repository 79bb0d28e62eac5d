"""Property: the churn estimates in SQL equal the plain Python formula (``churn.py``).

Hypothesis draws a shop (customers and staff; orders of every status in two channels,
with and without money charged; order times anywhere in 400 days to the microsecond,
with ties and orders minutes apart; from one customer up, so that the shop has fewer or
more intervals than it needs for its own typical interval) and checks that
``rfm_compute`` stores on every RFM row exactly what ``churn_estimates_python`` computes
from the counted orders, and that ``churn_estimates`` at an earlier moment reads only
the orders up to then.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from saleor.order import OrderStatus
from saleor.order.models import Order

from saleor_crm_plugin.segments.churn import churn_estimates, churn_estimates_python
from saleor_crm_plugin.segments.models import CustomerRfm
from saleor_crm_plugin.segments.rfm import rfm_compute

User = get_user_model()
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)
EXCLUDED = {OrderStatus.DRAFT, OrderStatus.UNCONFIRMED, OrderStatus.CANCELED}
STATUSES = [OrderStatus.FULFILLED, OrderStatus.UNFULFILLED, OrderStatus.CANCELED]
DAY_MICROSECONDS = 86400 * 10**6

age_st = st.one_of(
    # whole days and a few minutes more: gaps of exactly a day, and shorter than a day
    st.builds(
        lambda days, minutes: datetime.timedelta(days=days, minutes=minutes),
        st.sampled_from([0, 1, 2, 7, 30, 31, 90, 365]),
        st.sampled_from([0, 0, 5, 600]),
    ),
    st.integers(0, 400 * DAY_MICROSECONDS).map(lambda us: datetime.timedelta(microseconds=us)),
)
order_st = st.fixed_dictionaries(
    {
        "usd": st.integers(0, 5).map(lambda n: n > 0),
        "status": st.sampled_from(STATUSES),
        "charged": st.sampled_from([Decimal(0), Decimal(10), Decimal(10), Decimal(25)]),
        "age": age_st,
    }
)
shop_st = st.lists(
    st.fixed_dictionaries(
        {
            "staff": st.integers(0, 6).map(lambda n: n == 0),
            "orders": st.lists(order_st, min_size=1, max_size=6),
        }
    ),
    min_size=1,
    max_size=8,
)

# Regular customers with two to four counted orders each: from none to six of them,
# so the shop has fewer or more of the customers with intervals that T needs.
regulars_st = st.lists(
    st.lists(
        st.fixed_dictionaries(
            {
                "usd": st.just(True),
                "status": st.just(OrderStatus.FULFILLED),
                "charged": st.just(Decimal(10)),
                "age": age_st,
            }
        ),
        min_size=2,
        max_size=4,
    ).map(lambda orders: {"staff": False, "orders": orders}),
    max_size=6,
)


class _Rollback(Exception):
    pass


def _as_row(estimate) -> tuple:
    return (
        estimate.interval_count,
        estimate.own_interval_days,
        estimate.shop_interval_days,
        estimate.expected_interval_days,
        estimate.expected_next_order_at,
        estimate.churn_risk,
    )


def test_churn_sql_equals_the_python_formula(
    channel_USD, channel_PLN, order_generator, customer_user
):
    # Saleor's fixture customer stays out of the comparison: make them staff.
    User.objects.filter(pk=customer_user.pk).update(is_staff=True)

    @settings(
        max_examples=50,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        database=None,
    )
    @given(shop=shop_st, regulars=regulars_st, cutoff_days=st.sampled_from([1, 30, 200]))
    def check(shop, regulars, cutoff_days):
        shop = shop + regulars
        try:
            with freeze_time(NOW), transaction.atomic():
                # given
                counted: dict[int, list[datetime.datetime]] = {}
                for index, spec in enumerate(shop):
                    user = User.objects.create(
                        email=f"churn{index}@example.com", is_staff=spec["staff"]
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
                        created_at = NOW - order_spec["age"]
                        Order.objects.filter(pk=order.pk).update(
                            created_at=created_at, total_charged_amount=order_spec["charged"]
                        )
                        if (
                            order_spec["usd"]
                            and order_spec["status"] not in EXCLUDED
                            and order_spec["charged"] > 0
                            and not spec["staff"]
                        ):
                            counted.setdefault(user.pk, []).append(created_at)
                cutoff = NOW - datetime.timedelta(days=cutoff_days)

                # when
                rfm_compute(channel_id=channel_USD.pk)
                earlier = churn_estimates(channel_id=channel_USD.pk, now=cutoff)

                # then
                expected = churn_estimates_python(orders=counted, now=NOW)
                rows = {
                    row.user_id: (
                        row.interval_count,
                        row.own_interval_days,
                        row.shop_interval_days,
                        row.expected_interval_days,
                        row.expected_next_order_at,
                        row.churn_risk,
                    )
                    for row in CustomerRfm.objects.filter(channel=channel_USD)
                }
                assert rows == {user_id: _as_row(e) for user_id, e in expected.items()}
                assert all(Decimal(0) <= row[5] <= Decimal(1) for row in rows.values())
                expected_earlier = churn_estimates_python(orders=counted, now=cutoff)
                assert earlier == [
                    expected_earlier[user_id] for user_id in sorted(expected_earlier)
                ]
                raise _Rollback
        except _Rollback:
            pass

    check()
