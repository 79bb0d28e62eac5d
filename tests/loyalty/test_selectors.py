"""Read-side selectors: an order's points as the ledger tells them."""

import datetime
from decimal import Decimal

from django.utils import timezone

from saleor_crm_plugin.loyalty.models import LoyaltyRedemption, RedemptionStatus
from saleor_crm_plugin.loyalty.selectors import order_points_by_order_id, redemption_spent_value
from tests.fixtures.loyalty import order_earn, order_reverse


def _redemption(points, spent, value, currency="USD"):
    return LoyaltyRedemption(
        points=points,
        spent_points=spent,
        value=Decimal(value),
        currency=currency,
        status=RedemptionStatus.SPENT,
    )


def test_all_points_spent_paid_the_whole_value():
    assert redemption_spent_value(_redemption(500, 500, "5.000")) == Decimal("5.000")


def test_part_spent_pays_its_share_rounded_down_to_the_currency_unit():
    # 333 of 1000 points worth 10.00: 3.33; of 7 JPY, 2.331 is 2 yen
    assert redemption_spent_value(_redemption(1000, 333, "10.000")) == Decimal("3.33")
    assert redemption_spent_value(_redemption(1000, 333, "7", "JPY")) == Decimal(2)


def test_fully_reversed_pending_points_leave_nothing_pending(crm_usd, crm_order, customer_user):
    # given
    order = crm_order(crm_usd, [(Decimal("10.00"), 1)], user=customer_user)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    order_reverse(order, order_earn(order, 10, available_at=tomorrow), 10)

    # when
    found = order_points_by_order_id([order.pk], using="default")

    # then
    points = found[order.pk]
    assert (points.earned, points.pending, points.pending_until, points.reversed) == (
        10,
        0,
        None,
        10,
    )


def test_an_order_the_ledger_does_not_know_is_missing(crm_usd, crm_order, customer_user):
    # given
    order = crm_order(crm_usd, [(Decimal("10.00"), 1)], user=customer_user)

    # when / then
    assert order_points_by_order_id([order.pk], using="default") == {}
