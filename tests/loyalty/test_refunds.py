"""Reversal: refunds take back exactly their share, cancellation everything, once."""

from decimal import Decimal

from saleor.order import OrderGrantedRefundStatus
from saleor.order.models import OrderGrantedRefund
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.loyalty.orders import order_points_sync
from saleor_crm_plugin.loyalty.ledger import post_entry
from saleor_crm_plugin.loyalty.models import (
    EntryStatus,
    EntryType,
    LoyaltyAccount,
    LoyaltyEntry,
)
from saleor_crm_plugin.loyalty.tasks import sync_order_points_task
from tests.fixtures.loyalty import ledger_problems
from tests.fixtures.orders import THREE_LINES
from tests.fixtures.plugin import configure_crm


def _line(order, unit_net: str):
    return order.lines.get(unit_price_net_amount=Decimal(unit_net))


def _reversals(order) -> list[int]:
    return list(
        LoyaltyEntry.objects.filter(order_id=order.pk, type=EntryType.REVERSE)
        .order_by("pk")
        .values_list("points", flat=True)
    )


def _account(user, channel) -> LoyaltyAccount:
    return LoyaltyAccount.objects.get(user=user, channel=channel)


def test_refund_of_one_line_of_three_reverses_exactly_its_share(
    crm_usd, crm_order, order_payments, customer_user
):
    # given: lines of 10, 20 and 30 (net) earned 60 points
    order = crm_order(crm_usd, THREE_LINES, shipping=Decimal("5.00"))
    transaction = order_payments.charge(order)

    # when: staff grant a refund of the 20.00 line, the payment app refunds it
    grant = order_payments.refund_lines_with_grant(order, transaction, [(_line(order, "20.00"), 1)])

    # then
    assert grant.status == OrderGrantedRefundStatus.SUCCESS
    assert _reversals(order) == [-20]
    assert _account(customer_user, crm_usd).balance == 40
    assert ledger_problems() == []


def test_refund_of_part_of_a_line_reverses_that_part(
    crm_usd, crm_order, order_payments, customer_user
):
    # given: 3 x 7.00 and 1 x 9.00 earned 30 points
    order = crm_order(
        crm_usd, [(Decimal("7.00"), 3), (Decimal("9.00"), 1)], shipping=Decimal("5.00")
    )
    transaction = order_payments.charge(order)

    # when: two of the three 7.00 items come back, one at a time
    line = _line(order, "7.00")
    order_payments.refund_lines_with_grant(order, transaction, [(line, 1)], psp="refund-1")
    order_payments.refund_lines_with_grant(order, transaction, [(line, 1)], psp="refund-2")

    # then
    assert _reversals(order) == [-7, -7]
    assert _account(customer_user, crm_usd).balance == 16


def test_legacy_refund_of_products_reverses_the_lines_share(
    crm_usd, crm_order, order_payments, customer_user
):
    # given
    order = crm_order(crm_usd, THREE_LINES, shipping=Decimal("5.00"))
    order_payments.mark_as_paid(order)

    # when
    order_payments.refund_lines(order, [(_line(order, "30.00"), 1)])

    # then
    assert _reversals(order) == [-30]
    assert _account(customer_user, crm_usd).balance == 30


def test_refund_of_an_amount_reverses_the_same_share_of_the_points(
    crm_usd, crm_order, order_payments, customer_user
):
    # given: gross total 79.95 (60.00 net lines + 5.00 shipping, 23 % tax) earned 60
    order = crm_order(crm_usd, THREE_LINES, shipping=Decimal("5.00"))
    transaction = order_payments.charge(order)

    # when: the payment app refunds a third of the money without naming lines
    order_payments.report(transaction, "REFUND_SUCCESS", Decimal("26.65"), psp="refund-1")

    # then
    assert _reversals(order) == [-20]
    assert _account(customer_user, crm_usd).balance == 40


def test_legacy_refund_of_an_amount_reverses_its_share(
    crm_usd, crm_order, order_payments, customer_user
):
    # given
    order = crm_order(crm_usd, THREE_LINES)
    order_payments.mark_as_paid(order)

    # when: half of the 73.80 paid comes back
    order_payments.refund_amount(order, Decimal("36.90"))

    # then
    assert _reversals(order) == [-30]
    assert _account(customer_user, crm_usd).balance == 30


def test_replayed_refund_events_reverse_once(
    crm_usd,
    crm_order,
    order_payments,
    customer_user,
    django_capture_on_commit_callbacks,
):
    # given
    order = crm_order(crm_usd, THREE_LINES)
    transaction = order_payments.charge(order)
    order_payments.refund_lines_with_grant(order, transaction, [(_line(order, "10.00"), 1)])

    # when: the payment app reports the same refund again, Saleor's events are
    # replayed and the task runs again, three times
    manager = get_plugins_manager(allow_replica=False)
    for _ in range(3):
        reply = order_payments.report(
            transaction, "REFUND_SUCCESS", Decimal("12.30"), psp="refund-1"
        )
        with django_capture_on_commit_callbacks(execute=True):
            manager.order_refunded(order)
            manager.order_fully_paid(order)
        sync_order_points_task(str(order.pk))

    # then
    assert reply["alreadyProcessed"] is True
    assert _reversals(order) == [-10]
    assert LoyaltyEntry.objects.filter(order_id=order.pk, type=EntryType.EARN).count() == 1
    assert _account(customer_user, crm_usd).balance == 50


def test_refund_of_an_overpayment_takes_back_nothing(
    crm_usd, crm_order, order_payments, customer_user
):
    # given: the order was paid twice
    order = crm_order(crm_usd, THREE_LINES)
    order_payments.charge(order, psp="charge-1")
    second = order_payments.charge(order, psp="charge-2")

    # when: the second payment is refunded in full, then 7.38 more (10 %)
    order_payments.report(second, "REFUND_SUCCESS", order.total_gross_amount, psp="refund-1")
    balance_after_overpayment_refund = _account(customer_user, crm_usd).balance
    order_payments.report(second, "REFUND_SUCCESS", Decimal("7.38"), psp="refund-2")

    # then
    assert balance_after_overpayment_refund == 60
    assert _reversals(order) == [-6]


def test_cancelling_a_paid_order_reverses_everything(
    crm_usd, crm_order, order_payments, customer_user
):
    # given: part of it was already refunded
    order = crm_order(crm_usd, THREE_LINES)
    order_payments.mark_as_paid(order)
    order_payments.refund_lines(order, [(_line(order, "20.00"), 1)])

    # when
    order_payments.cancel(order)

    # then
    assert _reversals(order) == [-20, -40]
    account = _account(customer_user, crm_usd)
    assert (account.balance, account.lifetime_points) == (0, 0)
    assert ledger_problems() == []


def test_refund_of_spent_points_leaves_a_debt_that_the_next_earn_repays(
    crm_usd, crm_order, order_payments, customer_user
):
    # given: 60 points earned, 50 of them spent
    order = crm_order(crm_usd, THREE_LINES)
    transaction = order_payments.charge(order)
    account = _account(customer_user, crm_usd)
    post_entry(
        account=account,
        points=-50,
        entry_type=EntryType.REDEEM,
        idempotency_key="redeem-1",
    )

    # when: the whole order is refunded
    order_payments.report(transaction, "REFUND_SUCCESS", order.total_gross_amount, psp="refund-1")

    # then: a debt of 50
    account.refresh_from_db()
    assert account.balance == -50
    assert ledger_problems() == []

    # when: a later order earns 80
    next_order = crm_order(crm_usd, [(Decimal("80.00"), 1)])
    order_payments.charge(next_order, psp="charge-2")

    # then: the debt is repaid first, 30 points are left to spend
    account.refresh_from_db()
    assert account.balance == 30
    earn = LoyaltyEntry.objects.get(order_id=next_order.pk, type=EntryType.EARN)
    assert (earn.points, earn.remaining) == (80, 30)
    assert ledger_problems() == []


def test_refund_inside_the_return_window_reduces_pending_points(
    channel_USD, crm_order, order_payments, customer_user
):
    # given
    configure_crm(channel_USD, pending_period="14d")
    order = crm_order(channel_USD, THREE_LINES)
    transaction = order_payments.charge(order)

    # when
    order_payments.refund_lines_with_grant(order, transaction, [(_line(order, "30.00"), 1)])

    # then
    account = _account(customer_user, channel_USD)
    assert (account.balance, account.pending) == (0, 30)
    reversal = LoyaltyEntry.objects.get(order_id=order.pk, type=EntryType.REVERSE)
    assert (reversal.points, reversal.status) == (-30, EntryStatus.PENDING)


def test_granted_refund_counts_before_saleor_saves_its_status(
    crm_usd, crm_order, order_payments, customer_user
):
    # given: the refund went through; Saleor announced it (order_refunded) before it
    # saved the grant's status, and our task runs in between
    order = crm_order(crm_usd, THREE_LINES, shipping=Decimal("5.00"))
    transaction = order_payments.charge(order)
    grant = order_payments.refund_lines_with_grant(
        order, transaction, [(_line(order, "20.00"), 1)], commit=False
    )
    OrderGrantedRefund.objects.filter(pk=grant.pk).update(status=OrderGrantedRefundStatus.NONE)
    assert _reversals(order) == []

    # when
    result = order_points_sync(order_id=order.pk)

    # then: the refund event linked to the grant decides, as it does for Saleor
    assert (result.earned, result.reversed) == (60, 20)
    assert ledger_problems() == []
