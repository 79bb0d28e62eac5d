"""Tiers per channel: thresholds on spend or points in a rolling window, multipliers."""

import datetime
from decimal import Decimal

from django.utils import timezone
from freezegun import freeze_time

from saleor_crm_plugin.config import load_channel_program
from saleor_crm_plugin.loyalty.orders import order_points_sync
from saleor_crm_plugin.loyalty.tiers import tiers_reevaluate, tier_basis_value
from saleor_crm_plugin.loyalty.models import (
    EntryType,
    LoyaltyAccount,
    LoyaltyEntry,
    LoyaltyTierChange,
)
from saleor_crm_plugin.tasks import daily_loyalty_task
from tests.fixtures.plugin import configure_crm

TIERS = "Silver | 50 | 1.5\nGold | 150 | 2"


def _earned(order) -> int:
    return LoyaltyEntry.objects.get(order_id=order.pk, type=EntryType.EARN).points


def _changes(account) -> list[tuple[str, str, Decimal, str]]:
    return list(
        LoyaltyTierChange.objects.filter(account=account)
        .order_by("pk")
        .values_list("from_tier", "to_tier", "basis_value", "reason")
    )


def test_paid_orders_move_the_customer_up_and_the_tier_multiplies_later_orders(
    channel_USD, crm_order, order_payments, customer_user
):
    # given
    configure_crm(channel_USD, pending_period="0", tiers=TIERS)
    first = crm_order(channel_USD, [(Decimal("60.00"), 1)])
    second = crm_order(channel_USD, [(Decimal("40.00"), 1)])
    third = crm_order(channel_USD, [(Decimal("55.00"), 1)])

    # when
    for order in (first, second, third):
        order_payments.charge(order, psp=f"charge-{order.number}")

    # then: each order earns at the tier the customer had when it was paid
    assert [_earned(first), _earned(second), _earned(third)] == [60, 60, 82]
    account = LoyaltyAccount.objects.get(user=customer_user, channel=channel_USD)
    assert account.tier_name == "Gold"
    assert _changes(account) == [
        ("", "Silver", Decimal("60.000"), f"order {first.number} paid"),
        ("Silver", "Gold", Decimal("155.000"), f"order {third.number} paid"),
    ]


def test_refund_moves_the_customer_down_with_the_reason(
    channel_USD, crm_order, order_payments, customer_user
):
    # given
    configure_crm(channel_USD, pending_period="0", tiers=TIERS)
    order = crm_order(channel_USD, [(Decimal("20.00"), 1), (Decimal("40.00"), 1)])
    transaction = order_payments.charge(order)

    # when
    line = order.lines.get(unit_price_net_amount=Decimal("20.00"))
    order_payments.refund_lines_with_grant(order, transaction, [(line, 1)])

    # then
    account = LoyaltyAccount.objects.get(user=customer_user, channel=channel_USD)
    assert account.tier_name == ""
    assert _changes(account)[-1] == (
        "Silver",
        "",
        Decimal("40.000"),
        f"order {order.number} refunded",
    )


def test_daily_review_moves_customers_down_when_spend_leaves_the_window(
    channel_USD, crm_order, order_payments, customer_user
):
    # given: Silver on a 60.00 order
    configure_crm(channel_USD, pending_period="0", tiers=TIERS, tier_window="365d")
    order_payments.charge(crm_order(channel_USD, [(Decimal("60.00"), 1)]))
    account = LoyaltyAccount.objects.get(user=customer_user, channel=channel_USD)

    # when: the daily task runs within the year, then after it
    with freeze_time(timezone.now() + datetime.timedelta(days=364)):
        daily_loyalty_task()
    tier_within_year = LoyaltyAccount.objects.get(pk=account.pk).tier_name
    with freeze_time(timezone.now() + datetime.timedelta(days=366)):
        daily_loyalty_task()

    # then
    account.refresh_from_db()
    assert (tier_within_year, account.tier_name) == ("Silver", "")
    assert _changes(account)[-1] == ("Silver", "", Decimal("0.000"), "daily review")


def test_points_basis_counts_points_earned_in_the_window(
    channel_USD, crm_order, order_payments, customer_user
):
    # given: 2 points per 1.00; Silver from 100 points
    configure_crm(
        channel_USD,
        pending_period="0",
        earn_points="2",
        tier_basis="points",
        tiers="Silver | 100 | 1.5",
    )

    first = crm_order(channel_USD, [(Decimal("30.00"), 1)])
    second = crm_order(channel_USD, [(Decimal("20.00"), 1)])

    # when
    order_payments.charge(first, psp="c-1")
    account = LoyaltyAccount.objects.get(user=customer_user, channel=channel_USD)
    tier_after_60_points = account.tier_name
    order_payments.charge(second, psp="c-2")

    # then
    account.refresh_from_db()
    assert (tier_after_60_points, account.tier_name) == ("", "Silver")
    assert _changes(account) == [("", "Silver", Decimal("100.000"), f"order {second.number} paid")]


def test_tiers_belong_to_each_channel(
    channel_USD, channel_JPY, crm_order, order_payments, customer_user
):
    # given: tiers in USD only
    configure_crm(channel_USD, pending_period="0", tiers=TIERS)
    configure_crm(channel_JPY, pending_period="0", earn_amount="100")

    # when
    order_payments.charge(crm_order(channel_USD, [(Decimal("200.00"), 1)]), psp="usd")
    order_payments.charge(crm_order(channel_JPY, [(Decimal(20000), 1)]), psp="jpy")

    # then
    tiers = dict(
        LoyaltyAccount.objects.filter(user=customer_user).values_list("channel__slug", "tier_name")
    )
    assert tiers == {channel_USD.slug: "Gold", channel_JPY.slug: ""}


def test_refund_of_an_order_older_than_the_window_keeps_the_window_spend(
    channel_USD, crm_order, order_payments, customer_user
):
    # given: an order paid 400 days ago (earned then) and one paid now
    configure_crm(channel_USD, pending_period="0", tiers=TIERS, tier_window="365d", active=False)
    old = crm_order(channel_USD, [(Decimal("100.00"), 1)])
    old_payment = order_payments.charge(old, psp="old")
    configure_crm(channel_USD, pending_period="0", tiers=TIERS, tier_window="365d")
    long_ago = timezone.now() - datetime.timedelta(days=400)
    order_points_sync(order_id=old.pk, now=long_ago, paid_at=long_ago)
    order_payments.charge(crm_order(channel_USD, [(Decimal("60.00"), 1)]), psp="new")

    # when: the old order is refunded in full today
    order_payments.report(old_payment, "REFUND_SUCCESS", old.total_gross_amount, psp="refund-old")

    # then: the reversal leaves the window with its order; the customer stays Silver
    account = LoyaltyAccount.objects.get(user=customer_user, channel=channel_USD)
    program = load_channel_program(channel_USD.pk)
    assert tier_basis_value(account, program, timezone.now()) == Decimal("60.000")
    assert account.tier_name == "Silver"
    assert tiers_reevaluate(now=timezone.now()) == 0
