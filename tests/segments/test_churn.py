"""Churn risk and expected next order: the worked example of docs/churn.md, the small
shop's default rhythm, the daily run storing them, and the segment fields on them."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from freezegun import freeze_time
from saleor.order import OrderStatus
from saleor.order.models import Order

from saleor_crm_plugin.segments.actions import customer_segment_create
from saleor_crm_plugin.segments.churn import (
    at_churn_risk_qs,
    churn_estimates,
    churn_estimates_python,
    churn_risk_for,
)
from saleor_crm_plugin.segments.error_codes import CustomerSegmentErrorCode
from saleor_crm_plugin.segments.exceptions import SegmentError
from saleor_crm_plugin.segments.models import CustomerRfm, SegmentMembership
from saleor_crm_plugin.segments.tasks import rfm_daily_task

User = get_user_model()
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def _order(order_generator, user, channel, days_ago, status=OrderStatus.FULFILLED, charged=10):
    order = order_generator(
        channel=channel,
        currency=channel.currency_code,
        user=user,
        user_email=user.email,
        status=status,
    )
    Order.objects.filter(pk=order.pk).update(
        created_at=NOW - days_ago * DAY, total_charged_amount=Decimal(charged)
    )
    return order


def _customer(order_generator, channel, name, *days_ago):
    user = User.objects.create(email=f"{name}@example.com")
    for days in days_ago:
        _order(order_generator, user, channel, days)
    return user


@pytest.fixture
def shop(order_generator, channel_USD, channel_PLN):
    """docs/churn.md's example: mean intervals 30 (Ann), 60 (Ben, Eli, Flo), 90 (Cid):
    T = 60 days."""
    customers = {
        "ann": _customer(order_generator, channel_USD, "ann", 90, 60, 30),
        "ben": _customer(order_generator, channel_USD, "ben", 120, 60),
        "cid": _customer(order_generator, channel_USD, "cid", 220, 130, 40),
        "dee": _customer(order_generator, channel_USD, "dee", 45),
        "eli": _customer(order_generator, channel_USD, "eli", 100, 40),
        "flo": _customer(order_generator, channel_USD, "flo", 80, 20),
    }
    # Orders that do not count: cancelled, unpaid, another channel; a second order at the
    # same moment is no interval.
    ann = customers["ann"]
    _order(order_generator, ann, channel_USD, 5, status=OrderStatus.CANCELED)
    _order(order_generator, ann, channel_USD, 5, charged=0)
    _order(order_generator, ann, channel_PLN, 5)
    _order(order_generator, customers["ben"], channel_USD, 60)
    return customers


def _by_name(estimates, customers):
    names = {user.pk: name for name, user in customers.items()}
    return {
        names[e.user_id]: (
            e.interval_count,
            e.own_interval_days,
            e.shop_interval_days,
            e.expected_interval_days,
            (e.expected_next_order_at - NOW) / DAY,
            e.churn_risk,
        )
        for e in estimates
    }


def test_the_worked_example(shop, channel_USD):
    # when
    estimates = churn_estimates(channel_id=channel_USD.pk, now=NOW)

    # then: E = (own sum + 2 × 60) / (own count + 2); risk = 1 − exp(−days since / E)
    assert _by_name(estimates, shop) == {
        "ann": (2, Decimal("30.00"), Decimal("60.00"), Decimal("45.00"), 15, Decimal("0.4866")),
        "ben": (1, Decimal("60.00"), Decimal("60.00"), Decimal("60.00"), 0, Decimal("0.6321")),
        "cid": (2, Decimal("90.00"), Decimal("60.00"), Decimal("75.00"), 35, Decimal("0.4134")),
        "dee": (0, None, Decimal("60.00"), Decimal("60.00"), 15, Decimal("0.5276")),
        "eli": (1, Decimal("60.00"), Decimal("60.00"), Decimal("60.00"), 20, Decimal("0.4866")),
        "flo": (1, Decimal("60.00"), Decimal("60.00"), Decimal("60.00"), 40, Decimal("0.2835")),
    }


def test_the_python_formula_agrees_on_the_worked_example(shop, channel_USD):
    # given
    orders = {
        user.pk: list(
            Order.objects.filter(user=user, channel=channel_USD, total_charged_amount__gt=0)
            .exclude(status=OrderStatus.CANCELED)
            .values_list("created_at", flat=True)
        )
        for user in shop.values()
    }

    # when
    estimates = churn_estimates_python(orders=orders, now=NOW)

    # then
    assert [estimates[user_id] for user_id in sorted(estimates)] == churn_estimates(
        channel_id=channel_USD.pk, now=NOW
    )


def test_a_shop_with_few_intervals_uses_the_default_rhythm(order_generator, channel_USD):
    # given: one customer with intervals, four short of the shop's own typical interval
    customers = {
        "eve": _customer(order_generator, channel_USD, "eve", 50, 40, 30, 20, 10),
        "fay": _customer(order_generator, channel_USD, "fay", 45),
    }

    # when
    estimates = churn_estimates(channel_id=channel_USD.pk, now=NOW)

    # then: T = 90 days; Eve's four 10-day intervals pull E to (40 + 180) / 6
    assert _by_name(estimates, customers) == {
        "eve": (4, Decimal("10.00"), Decimal("90.00"), Decimal("36.67"), 26.67, Decimal("0.2387")),
        "fay": (0, None, Decimal("90.00"), Decimal("90.00"), 45, Decimal("0.3935")),
    }


def test_risk_rises_with_time_since_the_last_order(shop, channel_USD):
    # when
    risks = [
        churn_estimates(channel_id=channel_USD.pk, now=NOW + days * DAY)[0].churn_risk
        for days in (0, 10, 45, 200, 5000)
    ]

    # then: Ann's (E = 45 days, last order 30 days ago) rises to 1
    assert risks == [
        Decimal("0.4866"),
        Decimal("0.5889"),
        Decimal("0.8111"),
        Decimal("0.9940"),
        Decimal("1.0000"),
    ]


def test_the_estimate_reads_only_orders_up_to_its_moment(shop, channel_USD):
    # when: 50 days ago, Cid's last order (40 days ago) had not happened yet
    estimates = churn_estimates(channel_id=channel_USD.pk, now=NOW - 50 * DAY)

    # then: Ann (orders 90 and 60 days ago), Ben, Cid (130 days ago), Eli and Flo (one
    # order each); no Dee yet
    by_name = _by_name(estimates, shop)
    assert set(by_name) == {"ann", "ben", "cid", "eli", "flo"}
    assert by_name["cid"][0] == 1


def test_the_daily_run_stores_the_estimates_on_the_rfm_rows(shop, channel_USD):
    # when
    with freeze_time(NOW):
        rfm_daily_task()

    # then
    row = CustomerRfm.objects.get(user=shop["cid"], channel=channel_USD)
    assert (
        row.churn_risk,
        row.expected_interval_days,
        row.expected_next_order_at,
        row.interval_count,
        row.own_interval_days,
        row.shop_interval_days,
        row.computed_at,
    ) == (
        Decimal("0.4134"),
        Decimal("75.00"),
        NOW + 35 * DAY,
        2,
        Decimal("90.00"),
        Decimal("60.00"),
        NOW,
    )
    assert churn_risk_for(user_id=shop["dee"].pk, channel_id=channel_USD.pk) == Decimal("0.5276")
    assert [
        r.user_id for r in at_churn_risk_qs(channel_id=channel_USD.pk, min_risk=Decimal("0.5"))
    ] == [
        shop["ben"].pk,
        shop["dee"].pk,
    ]


def test_no_risk_for_a_customer_without_a_row(customer_user, channel_USD):
    # when
    risk = churn_risk_for(user_id=customer_user.pk, channel_id=channel_USD.pk)

    # then
    assert risk is None


@pytest.mark.parametrize(
    ("condition", "members"),
    [
        ({"field": "churn_risk", "op": "gte", "value": "0.5"}, {"ben", "dee"}),
        (
            {"field": "churn_risk", "op": "between", "value": [0.4134, 0.4866]},
            {"ann", "cid", "eli"},
        ),
        ({"field": "days_until_expected_order", "op": "lte", "value": 0}, {"ben"}),
        ({"field": "days_until_expected_order", "op": "eq", "value": 15}, {"ann", "dee"}),
    ],
)
def test_segment_fields_read_the_stored_estimates(shop, channel_USD, condition, members):
    # given
    with freeze_time(NOW):
        rfm_daily_task()

    # when: a day later the stored estimate (as of the daily run) still decides
    with freeze_time(NOW + DAY):
        segment = customer_segment_create(
            name="Churn", definition=condition, channel_id=channel_USD.pk
        )

    # then
    names = {user.pk: name for name, user in shop.items()}
    joined = SegmentMembership.objects.filter(segment=segment).values_list("user_id", flat=True)
    assert {names[user_id] for user_id in joined} == members


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"field": "churn_risk", "op": "gt", "value": 1.5}, "The value must be from 0 to 1."),
        (
            {"field": "churn_risk", "op": "gt", "value": "0.12345"},
            "The value has at most 4 decimal places.",
        ),
        (
            {"field": "days_until_expected_order", "op": "lt", "value": 0.5},
            "The value must be a whole number.",
        ),
        (
            {"field": "days_until_expected_order", "op": "lt", "value": -36501},
            "A number of days must be from -36500 to 36500.",
        ),
    ],
)
def test_bad_values_are_refused(channel_USD, condition, message):
    # when
    with pytest.raises(SegmentError) as error:
        customer_segment_create(name="Churn", definition=condition, channel_id=channel_USD.pk)

    # then
    assert (error.value.code, error.value.message) == (
        CustomerSegmentErrorCode.INVALID_VALUE,
        message,
    )
    assert not SegmentMembership.objects.exists()
