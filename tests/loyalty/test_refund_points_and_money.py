"""A refund of an order paid partly with points returns money and points together.

The customer paid 40.00 (30.00 of lines, 10.00 of shipping): 5.00 with 500 points and
35.00 in money, so each part of the order was paid 1/8 with points and 7/8 with money.
Whatever Saleor's refund mutations pay back in money, the money plus the value of the
points given back never exceeds what the refunded part cost, and the points given back
never exceed the points' share of it.
"""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from saleor.order.models import Fulfillment
from saleor.payment.models import Payment

from saleor_crm_plugin.loyalty import rules
from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyEntry
from saleor_crm_plugin.loyalty.tasks import (
    sync_order_points_task,
)
from tests.fixtures.loyalty import balance_of, ledger_entries, ledger_problems
from tests.fixtures.orders import complete_checkout
from tests.graphql.loyalty.checkout_utils import apply_points, customer_checkout, replay_order_tasks

POINT_VALUE = Decimal("0.01")


def _returned_points(order) -> int:
    """Points given back to the customer for the order's refunds."""
    return sum(
        LoyaltyEntry.objects.filter(order_id=order.pk, type=EntryType.RELEASE).values_list(
            "points", flat=True
        )
    )


@pytest.fixture
def points_checkout(user_api_client, crm_usd, checkout_with_item, customer_user):
    """customer_user's checkout of 3 × 10.00 + 10.00 shipping with 500 points applied."""
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    assert apply_points(user_api_client, checkout, 500)["errors"] == []
    return checkout


@pytest.fixture
def refundable_points_order(points_checkout, paid_order, order_payments):
    """The points order paid through a transaction of the app that handles refunds."""
    order = paid_order(points_checkout)
    transaction_item = order_payments.own_transaction(order.payment_transactions.get())
    assert order.total_gross_amount == Decimal("35.00")
    return order, transaction_item


@pytest.fixture
def legacy_points_order(
    user_api_client,
    points_checkout,
    address,
    checkout_delivery,
    customer_user,
    crm_usd,
    order_payments,
):
    """The points order, the rest marked as paid by staff (a legacy payment)."""
    crm_usd.allow_unpaid_orders = True
    crm_usd.save(update_fields=["allow_unpaid_orders"])
    order = complete_checkout(
        user_api_client,
        points_checkout,
        address=address,
        delivery=checkout_delivery(points_checkout),
        user=customer_user,
        pay=False,
    )
    order_payments.mark_as_paid(order)
    return order


@pytest.mark.parametrize("quantity", [3, 1])
def test_line_refund_paid_at_full_price_in_money_returns_no_points(
    refundable_points_order, quantity, order_payments, crm_usd, customer_user
):
    # given
    order, transaction_item = refundable_points_order
    line = order.lines.get()
    balance_before = balance_of(customer_user, crm_usd)

    # when: staff grant a refund of the line (Saleor prices it at the line's price)
    # and the payment app refunds it
    grant = order_payments.refund_lines_with_grant(order, transaction_item, [(line, quantity)])

    # then: the money alone already paid back what the refunded units cost
    refunded_cost = line.unit_price_gross_amount * quantity
    assert grant.amount_value == refunded_cost
    assert _returned_points(order) == 0
    reversed_points = {3: -25, 1: -8}[quantity]
    assert ledger_entries() == [
        (EntryType.ADJUST, 1000),
        (EntryType.REDEEM, -500),
        (EntryType.EARN, 25),
        (EntryType.REVERSE, reversed_points),
    ]
    assert balance_of(customer_user, crm_usd) == balance_before + reversed_points
    assert ledger_problems() == []


@pytest.mark.parametrize(("quantity", "money", "points"), [(3, "26.25", 375), (1, "8.75", 125)])
def test_line_refund_split_like_the_payment_returns_the_points_share(
    refundable_points_order, quantity, money, points, order_payments
):
    # given
    order, transaction_item = refundable_points_order
    line = order.lines.get()

    # when: staff grant the money's 7/8 of the refunded units
    grant = order_payments.refund_lines_with_grant(
        order, transaction_item, [(line, quantity)], amount=Decimal(money)
    )
    # and Saleor replays the refund events
    order_payments.report(transaction_item, "REFUND_SUCCESS", grant.amount_value, psp="refund-1")

    # then: the points' 1/8 comes back as points; together exactly the units' price
    assert _returned_points(order) == points
    refunded_cost = line.unit_price_gross_amount * quantity
    assert grant.amount_value + points * POINT_VALUE == refunded_cost
    assert ledger_problems() == []


def test_shipping_refund_returns_its_points_share_and_keeps_the_lines_points(
    refundable_points_order, order_payments
):
    # given
    order, transaction_item = refundable_points_order
    assert order.shipping_price_gross_amount == Decimal("10.00")

    # when: staff grant the shipping back, 7/8 of it in money
    order_payments.refund_lines_with_grant(
        order, transaction_item, [], amount=Decimal("8.75"), shipping=True
    )

    # then: 1.25 comes back as points; shipping earned nothing, so nothing is reversed
    assert _returned_points(order) == 125
    assert not LoyaltyEntry.objects.filter(type=EntryType.REVERSE).exists()
    assert ledger_problems() == []


def test_legacy_line_refund_paid_at_full_price_returns_no_points(
    legacy_points_order, order_payments
):
    # given: an order paid 5.00 with points, the rest marked as paid by staff (a
    # legacy payment)
    order = legacy_points_order
    assert Payment.objects.get(order=order).captured_amount == Decimal("35.00")
    line = order.lines.get()

    # when: staff refund the whole line with Saleor's legacy refund mutation
    order_payments.refund_lines(order, [(line, 3)])

    # then: Saleor paid the line's price in money; no points come back on top
    refund = Fulfillment.objects.get(order=order)
    assert refund.total_refund_amount == Decimal("30.00")
    assert _returned_points(order) == 0
    assert ledger_entries() == [
        (EntryType.ADJUST, 1000),
        (EntryType.REDEEM, -500),
        (EntryType.EARN, 25),
        (EntryType.REVERSE, -25),
    ]
    assert ledger_problems() == []


def test_legacy_refund_of_an_amount_returns_the_same_share_of_the_points(
    legacy_points_order, order_payments
):
    # given
    order = legacy_points_order

    # when: staff refund 14.00 of the 35.00 paid in money (2/5 of it)
    order_payments.refund_amount(order, Decimal("14.00"))

    # then: 2/5 of the order comes back: 14.00 in money and 2.00 in points (16.00 of
    # the 40.00), and 2/5 of the earned points go
    assert _returned_points(order) == 200
    assert ledger_entries()[-2:] == [(EntryType.REVERSE, -10), (EntryType.RELEASE, 200)]
    assert ledger_problems() == []


# --- the rules, pure -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("refunded", "money_refunded", "expected"),
    [
        # the refunded part paid back in full in money: no points on top
        (Decimal("30.00"), Decimal("30.00"), 0),
        # money paid back its 7/8: the points' 1/8 comes back
        (Decimal("30.00"), Decimal("26.25"), 375),
        # money paid back part of its share: still only the points' share
        (Decimal("30.00"), Decimal("10.00"), 375),
        # money paid back more than the refunded part: nothing
        (Decimal("10.00"), Decimal("35.00"), 0),
        # the whole order: every point
        (Decimal("40.00"), Decimal("35.00"), 500),
        # nothing refunded
        (Decimal("0"), Decimal("0"), 0),
    ],
)
def test_points_to_return_never_exceed_the_refunded_part(refunded, money_refunded, expected):
    # when: 500 points paid 5.00 of an order worth 40.00
    points = rules.points_to_return(
        spent_points=500,
        points_paid=Decimal("5.00"),
        whole=Decimal("40.00"),
        refunded=refunded,
        money_refunded=money_refunded,
    )

    # then
    assert points == expected
    assert points == 0 or money_refunded + points * POINT_VALUE <= refunded


def test_refunded_value_counts_refunds_and_removed_units_once():
    # given: two lines of 30.00 (3 units) and 10.00 (1 unit), shipping 5.00
    parts = rules.OrderParts(
        values={"a": Decimal("30.00"), "b": Decimal("10.00"), "shipping": Decimal("5")},
        quantities={"a": 3, "b": 1, "shipping": 1},
        whole=Decimal("45.00"),
    )
    # one unit of "a" removed by an edit, one refunded; "b" deleted and "refunded"
    taken_back = rules.TakenBack(
        quantities={"a": 1, "b": 1},
        money_share=Decimal(0),
        remaining={"a": 2, "shipping": 1},
    )

    # when
    value = rules.refunded_value(parts=parts, taken_back=taken_back)

    # then: 2 of 3 units of "a" and all of "b", never more than a part
    assert value == Decimal("30.00")


def test_refund_gives_back_the_refunded_share_of_the_points(
    points_order, crm_usd, customer_user, order_payments
):
    # given: an order paid 5.00 with points, the rest with a transaction
    order = points_order()
    transaction_item = order.payment_transactions.get()
    balance_before = balance_of(customer_user, crm_usd)

    # when: half of the money is refunded (the app reports it), then replayed
    half = transaction_item.charged_value / 2
    order_payments.report(transaction_item, "REFUND_SUCCESS", half, psp="refund-1")
    sync_order_points_task(str(order.pk))

    # then: half the points come back; half of the earned points go
    assert ledger_entries()[-2:] == [(EntryType.REVERSE, -13), (EntryType.RELEASE, 250)]
    assert balance_of(customer_user, crm_usd) == balance_before - 13 + 250
    assert ledger_problems() == []


def test_line_refund_gives_back_the_lines_share_of_the_whole_order(
    points_order, crm_usd, customer_user, order_payments
):
    # given: an order paid 5.00 with points and the rest with a transaction; Saleor's
    # order total is what remained after the points' gift card
    order = points_order()
    transaction_item = order_payments.own_transaction(order.payment_transactions.get())
    line = order.lines.get()
    whole = order.total_gross_amount + Decimal("5.00")
    returned_before = LoyaltyEntry.objects.filter(type=EntryType.RELEASE).count()

    # when: the line is refunded in full (a granted refund naming it, its money paying
    # back the money's share of the line), then replayed
    money_share = line.total_price_gross_amount * order.total_gross_amount / whole
    order_payments.refund_lines_with_grant(
        order, transaction_item, [(line, line.quantity)], amount=money_share
    )
    sync_order_points_task(str(order.pk))

    # then: the line's share of the whole order's value, not of what money paid
    expected = int(
        (Decimal(500) * line.total_price_gross_amount / whole).to_integral_value(ROUND_HALF_UP)
    )
    returned = LoyaltyEntry.objects.filter(type=EntryType.RELEASE).order_by("pk")
    assert returned.count() == returned_before + 1
    assert returned.last().points == expected
    assert ledger_problems() == []


def test_full_refund_gives_back_every_point_spent_and_reverses_the_earn(
    user_api_client,
    crm_usd,
    checkout_with_item,
    customer_user,
    paid_order,
    order_payments,
):
    # given: an order paid 5.00 with 500 points, the rest in money
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    apply_points(user_api_client, checkout, 500)
    order = paid_order(checkout)
    transaction_item = order.payment_transactions.get()

    # when: all the money is refunded, and every task replayed
    order_payments.report(
        transaction_item,
        "REFUND_SUCCESS",
        transaction_item.charged_value,
        psp="refund-all",
    )
    replay_order_tasks(order)

    # then: the customer is back where they started
    assert ledger_entries() == [
        (EntryType.ADJUST, 1000),
        (EntryType.REDEEM, -500),
        (EntryType.EARN, 25),
        (EntryType.REVERSE, -25),
        (EntryType.RELEASE, 500),
    ]
    assert balance_of(customer_user, crm_usd) == 1000
    assert ledger_problems() == []


def test_cancelling_an_order_paid_only_with_points_gives_them_all_back(
    user_api_client,
    crm_usd,
    checkout_with_item,
    customer_user,
    address,
    checkout_delivery,
    order_payments,
):
    # given: 4000 points (40.00) pay the whole 30.00 + 10.00 shipping
    checkout = customer_checkout(checkout_with_item, customer_user, points=4000)
    delivery = checkout_delivery(checkout)
    checkout.assigned_delivery = delivery
    checkout.save(update_fields=["assigned_delivery"])
    assert apply_points(user_api_client, checkout, 4000)["errors"] == []
    order = complete_checkout(
        user_api_client,
        checkout,
        address=address,
        delivery=delivery,
        user=customer_user,
    )
    assert order.total_gross_amount == Decimal("0.00")

    # when: staff cancel the order, every task replayed
    order_payments.cancel(order)
    replay_order_tasks(order)

    # then
    assert ledger_entries() == [
        (EntryType.ADJUST, 4000),
        (EntryType.REDEEM, -4000),
        (EntryType.RELEASE, 4000),
    ]
    assert balance_of(customer_user, crm_usd) == 4000
    assert ledger_problems() == []
