"""RFM scores by quintiles per channel, the named groups, and the customer value report."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from saleor.order import OrderStatus
from saleor.order.models import Order

from saleor_crm_plugin.segments.actions import customer_segment_create
from saleor_crm_plugin.segments.error_codes import CustomerSegmentErrorCode
from saleor_crm_plugin.segments.exceptions import SegmentError
from saleor_crm_plugin.segments.models import CustomerRfm, SegmentMembership
from saleor_crm_plugin.segments.rfm import (
    RFM_GROUPS,
    customer_value_report,
    rfm_compute,
    rfm_group,
)
from saleor_crm_plugin.segments.tasks import rfm_daily_task

User = get_user_model()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def shoppers(order_generator, channel_USD, channel_PLN):
    """Five customers in USD: (days since last order, orders, spent) falling per step.

    Each also has orders that do not count (cancelled, unpaid, another channel).
    """
    now = timezone.now()
    users = []
    for index, (days, count, spent) in enumerate(
        [(1, 5, 500), (10, 4, 400), (20, 3, 300), (30, 2, 200), (40, 1, 100)]
    ):
        user = User.objects.create(email=f"rfm{index}@example.com")
        for order_index in range(count):
            _order(
                order_generator,
                user,
                channel_USD,
                now - (days + order_index) * DAY,
                Decimal(spent) / count,
            )
        _order(order_generator, user, channel_USD, now, Decimal(999), OrderStatus.CANCELED)
        _order(order_generator, user, channel_USD, now, Decimal(0))
        _order(order_generator, user, channel_PLN, now, Decimal(5000))
        users.append(user)
    return users


def _order(order_generator, user, channel, created_at, charged, status=OrderStatus.FULFILLED):
    order = order_generator(
        channel=channel,
        currency=channel.currency_code,
        user=user,
        user_email=user.email,
        status=status,
    )
    Order.objects.filter(pk=order.pk).update(created_at=created_at, total_charged_amount=charged)
    return order


def test_groups_cover_the_whole_grid_once():
    # when
    groups = {rfm_group(r, f, m) for r, f, m in itertools.product(range(1, 6), repeat=3)}

    # then: eleven groups, each reachable
    assert groups == {slug for slug, _label, _rule in RFM_GROUPS}
    assert len(RFM_GROUPS) == 11
    assert (rfm_group(5, 5, 4), rfm_group(5, 1, 1), rfm_group(1, 5, 5), rfm_group(1, 1, 2)) == (
        "champions",
        "new",
        "cannot_lose_them",
        "lost",
    )


def test_rfm_scores_quintiles_and_groups_per_channel(shoppers, channel_USD, channel_PLN):
    # when
    scored = rfm_compute(channel_id=channel_USD.pk)

    # then
    assert scored == 5
    rows = {
        row.user_id: (
            row.recency,
            row.frequency,
            row.monetary,
            row.group,
            row.order_count,
            row.total_spent,
        )
        for row in CustomerRfm.objects.filter(channel=channel_USD)
    }
    assert [rows[user.pk] for user in shoppers] == [
        (5, 5, 5, "champions", 5, Decimal("500.000")),
        (4, 4, 4, "loyal", 4, Decimal("400.000")),
        (3, 3, 3, "needs_attention", 3, Decimal("300.000")),
        (2, 2, 2, "hibernating", 2, Decimal("200.000")),
        (1, 1, 1, "lost", 1, Decimal("100.000")),
    ]
    assert not CustomerRfm.objects.filter(channel=channel_PLN).exists()


def test_equal_values_share_the_lowest_score_and_stale_rows_go(order_generator, channel_USD):
    # given: five one-time buyers of 10.00 and one customer with three orders
    now = timezone.now()
    users = [User.objects.create(email=f"once{i}@example.com") for i in range(6)]
    for index, user in enumerate(users[:5]):
        _order(order_generator, user, channel_USD, now - (index + 1) * DAY, Decimal(10))
    for day in (1, 2, 3):
        _order(order_generator, users[5], channel_USD, now - day * DAY, Decimal(50))
    rfm_compute(channel_id=channel_USD.pk)

    # then: every one-time buyer F = 1 and M = 1 (equal values), the repeat buyer 5
    scores = dict(CustomerRfm.objects.values_list("user_id", "frequency").order_by("user_id"))
    assert [scores[user.pk] for user in users] == [1, 1, 1, 1, 1, 5]

    # when: the repeat buyer's orders are cancelled
    Order.objects.filter(user=users[5]).update(status=OrderStatus.CANCELED)
    assert rfm_compute(channel_id=channel_USD.pk) == 5

    # then
    assert not CustomerRfm.objects.filter(user=users[5]).exists()


def test_daily_task_scores_and_refreshes_rfm_segments(shoppers, channel_USD):
    # given
    segment = customer_segment_create(
        name="Champions",
        definition={"field": "rfm_group", "op": "in", "value": ["champions", "loyal"]},
        channel_id=channel_USD.pk,
    )
    assert segment.member_count == 0

    # when
    rfm_daily_task.delay()

    # then
    members = set(
        SegmentMembership.objects.filter(segment=segment).values_list("user_id", flat=True)
    )
    assert members == {shoppers[0].pk, shoppers[1].pk}


def test_value_report_top_20_and_50_percent(shoppers, channel_USD):
    # when
    top_20 = customer_value_report(channel_id=channel_USD.pk, top_percent=Decimal(20))
    top_50 = customer_value_report(channel_id=channel_USD.pk, top_percent=Decimal(50), limit=2)

    # then: revenues 500, 400, 300, 200, 100 (1500)
    assert (top_20.currency, top_20.customer_count, top_20.total_revenue) == (
        "USD",
        5,
        Decimal("1500.000"),
    )
    assert (top_20.top_customer_count, top_20.top_revenue, top_20.top_share) == (
        1,
        Decimal("500.000"),
        Decimal("0.3333"),
    )
    assert [(c.user_id, c.email, c.revenue, c.order_count) for c in top_20.top_customers] == [
        (shoppers[0].pk, "rfm0@example.com", Decimal("500.000"), 5)
    ]
    # ceil(5 × 50 %) = 3 customers: 1200 of 1500; the list is cut at 2
    assert (top_50.top_customer_count, top_50.top_revenue, top_50.top_share) == (
        3,
        Decimal("1200.000"),
        Decimal("0.8000"),
    )
    assert [c.user_id for c in top_50.top_customers] == [shoppers[0].pk, shoppers[1].pk]


@pytest.mark.parametrize("percent", [Decimal(0), Decimal(-1), Decimal("100.5")])
def test_value_report_refuses_bad_percentages(channel_USD, percent):
    with pytest.raises(SegmentError) as error:
        customer_value_report(channel_id=channel_USD.pk, top_percent=percent)

    assert (error.value.code, error.value.field) == (
        CustomerSegmentErrorCode.INVALID,
        "top_percent",
    )


def test_value_report_of_a_channel_without_orders(channel_PLN):
    report = customer_value_report(channel_id=channel_PLN.pk, top_percent=Decimal(20))

    assert (
        report.customer_count,
        report.total_revenue,
        report.top_customer_count,
        report.top_revenue,
        report.top_share,
        report.top_customers,
    ) == (0, Decimal(0), 0, Decimal(0), Decimal(0), [])


def test_a_lone_customer_who_ordered_today_is_a_recent_champion(order_generator, channel_USD):
    # given: a new shop with one customer and one order placed now
    user = User.objects.create(email="first@example.com")
    _order(order_generator, user, channel_USD, timezone.now(), Decimal(20))

    # when
    rfm_compute(channel_id=channel_USD.pk)

    # then: the most recent, most frequent and biggest customer of the shop
    row = CustomerRfm.objects.get()
    assert (row.user_id, row.recency, row.frequency, row.monetary, row.group) == (
        user.pk,
        5,
        5,
        5,
        "champions",
    )


def test_small_shops_score_by_share_of_customers(order_generator, channel_USD):
    # given: three customers; the last ordered most recently, twice, for the most
    now = timezone.now()
    users = [User.objects.create(email=f"small{i}@example.com") for i in range(3)]
    _order(order_generator, users[0], channel_USD, now - 30 * DAY, Decimal(10))
    _order(order_generator, users[1], channel_USD, now - 20 * DAY, Decimal(10))
    _order(order_generator, users[2], channel_USD, now - 2 * DAY, Decimal(30))
    _order(order_generator, users[2], channel_USD, now - DAY, Decimal(30))

    # when
    rfm_compute(channel_id=channel_USD.pk)

    # then: ceil(5 × rank / 3), ties at their lowest rank (the two one-time buyers
    # of 10.00 share F and M)
    rows = {
        row.user_id: (row.recency, row.frequency, row.monetary) for row in CustomerRfm.objects.all()
    }
    assert [rows[user.pk] for user in users] == [(2, 2, 2), (4, 2, 2), (5, 5, 5)]


def test_staff_are_counted_nowhere_segments_rfm_and_value_report_agree(
    order_generator, channel_USD
):
    # given: a customer and a staff member who both ordered
    now = timezone.now()
    customer = User.objects.create(email="buyer@example.com")
    staff = User.objects.create(email="clerk@example.com", is_staff=True)
    _order(order_generator, customer, channel_USD, now - DAY, Decimal(50))
    _order(order_generator, staff, channel_USD, now, Decimal(900))

    # when
    scored = rfm_compute(channel_id=channel_USD.pk)
    report = customer_value_report(channel_id=channel_USD.pk, top_percent=Decimal(100))
    segment = customer_segment_create(
        name="Buyers",
        definition={"field": "order_count", "op": "gte", "value": 1},
        channel_id=channel_USD.pk,
    )

    # then: the one counted customer everywhere
    assert scored == 1
    assert list(CustomerRfm.objects.values_list("user_id", "recency")) == [(customer.pk, 5)]
    assert (report.customer_count, report.total_revenue, report.top_revenue) == (
        1,
        Decimal("50.000"),
        Decimal("50.000"),
    )
    assert [c.user_id for c in report.top_customers] == [customer.pk]
    assert list(
        SegmentMembership.objects.filter(segment=segment).values_list("user_id", flat=True)
    ) == [customer.pk]
