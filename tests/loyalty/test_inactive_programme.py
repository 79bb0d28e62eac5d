"""A programme deactivated in a channel still takes back what its orders earned.

Saleor calls no hook of a plugin that is deactivated in the order's channel, so a
refund or cancellation there is not heard; the periodic scan of orders that earned or
spent points finds them. Nothing new is earned while the programme is off.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from saleor.order.models import Order

from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyEntry, LoyaltyOrderScan
from saleor_crm_plugin.loyalty.reconcile import inactive_program_orders_reconcile
from saleor_crm_plugin.loyalty.tasks import (
    reconcile_inactive_programme_orders_task,
    sync_order_points_task,
)
from tests.fixtures.loyalty import balance_of, ledger_problems
from tests.fixtures.orders import THREE_LINES
from tests.fixtures.plugin import configure_crm


def _order_points(order) -> list[tuple[str, int]]:
    return list(
        LoyaltyEntry.objects.filter(order_id=order.pk).order_by("pk").values_list("type", "points")
    )


def test_refunds_after_deactivation_are_reversed_and_nothing_new_is_earned(
    crm_usd, crm_order, order_payments, customer_user
):
    # given: two orders that earned while the programme was on, then staff deactivate
    # it in the channel (as pluginUpdate saves it)
    cancelled = crm_order(crm_usd, THREE_LINES)
    order_payments.charge(cancelled, psp="charge-1")
    refunded = crm_order(crm_usd, THREE_LINES)
    refunded_payment = order_payments.own_transaction(
        order_payments.charge(refunded, psp="charge-2")
    )
    assert balance_of(customer_user, crm_usd) == 120
    configure_crm(crm_usd, active=False, pending_period="0")

    # when: one is cancelled, the other's 30.00 line refunded, a third one paid
    order_payments.cancel(cancelled)
    order_payments.refund_lines_with_grant(
        refunded,
        refunded_payment,
        [(refunded.lines.get(unit_price_net_amount=Decimal("30.00")), 1)],
    )
    unearned = crm_order(crm_usd, THREE_LINES)
    order_payments.charge(unearned, psp="charge-3")

    # then: Saleor did not tell the deactivated plugin
    assert _order_points(cancelled) == [(EntryType.EARN, 60)]
    assert _order_points(refunded) == [(EntryType.EARN, 60)]

    # when: the periodic scan runs, twice
    reconcile_inactive_programme_orders_task()
    reconcile_inactive_programme_orders_task()

    # then: what the programme gave is taken back, once; the new order earns nothing
    assert _order_points(cancelled) == [(EntryType.EARN, 60), (EntryType.REVERSE, -60)]
    assert _order_points(refunded) == [(EntryType.EARN, 60), (EntryType.REVERSE, -30)]
    assert _order_points(unearned) == []
    assert balance_of(customer_user, crm_usd) == 30
    assert ledger_problems() == []


def test_an_order_synced_while_the_programme_is_off_earns_nothing(
    crm_usd, crm_order, order_payments, customer_user
):
    # given: the programme is off when the order is paid
    configure_crm(crm_usd, active=False, pending_period="0")
    order = crm_order(crm_usd, THREE_LINES)
    order_payments.charge(order)

    # when: its sync runs anyway (an earlier event's task, a replay) and the scan
    sync_order_points_task(str(order.pk))
    reconcile_inactive_programme_orders_task()

    # then
    assert LoyaltyEntry.objects.count() == 0


def test_the_scan_reads_only_orders_changed_since_it_last_ran(
    crm_usd, crm_order, order_payments, customer_user
):
    # given: an order that earned, the programme then switched off, a first scan
    order = crm_order(crm_usd, THREE_LINES)
    order_payments.charge(order)
    configure_crm(crm_usd, active=False, pending_period="0")
    start = timezone.now()
    first = inactive_program_orders_reconcile(now=start)
    Order.objects.filter(pk=order.pk).update(updated_at=start - timedelta(days=1))

    # when: an hour later, nothing changed
    unchanged = inactive_program_orders_reconcile(now=start + timedelta(hours=1))

    # and: staff cancel the order two hours later, the scan runs after
    order_payments.cancel(order)
    Order.objects.filter(pk=order.pk).update(updated_at=start + timedelta(hours=2))
    changed = inactive_program_orders_reconcile(now=start + timedelta(hours=3))

    # then
    assert (first, unchanged, changed) == (1, 0, 1)
    assert LoyaltyOrderScan.objects.get().scanned_until == start + timedelta(hours=3)
    assert _order_points(order) == [(EntryType.EARN, 60), (EntryType.REVERSE, -60)]
