"""Staff edit a paid unconfirmed order: the points follow what the order finally sold.

Saleor lets staff delete lines of an unconfirmed order and change their quantities
(``orderLineDelete``, ``orderLineUpdate``) after it was paid; the money the order no
longer asks for is an overpayment that staff refund. The points the removed units
earned are taken back, once, whether or not the overpayment was refunded yet.
"""

from decimal import Decimal

import graphene
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order import OrderStatus

from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyEntry
from tests.fixtures.loyalty import balance_of, ledger_problems
from tests.fixtures.orders import THREE_LINES

ORDER_LINE_DELETE = """
mutation LineDelete($id: ID!) {
  orderLineDelete(id: $id) {
    order { total { gross { amount } } }
    errors { field code message }
  }
}
"""

ORDER_LINE_UPDATE = """
mutation LineUpdate($id: ID!, $quantity: Int!) {
  orderLineUpdate(id: $id, input: {quantity: $quantity}) {
    order { total { gross { amount } } }
    errors { field code message }
  }
}
"""


def _order_points(order) -> list[tuple[str, int]]:
    return list(
        LoyaltyEntry.objects.filter(order_id=order.pk).order_by("pk").values_list("type", "points")
    )


def _unconfirmed(order):
    """``order`` waiting for staff to confirm it (the channel does not confirm paid
    orders by itself), so staff may still edit it."""
    order.channel.automatically_confirm_all_new_orders = False
    order.channel.save(update_fields=["automatically_confirm_all_new_orders"])
    order.status = OrderStatus.UNCONFIRMED
    order.save(update_fields=["status"])
    return order


def _edit(staff_client, query, name, variables) -> Decimal:
    """Run an order-line mutation; the order's new total (Saleor recalculates it)."""
    response = staff_client.post_graphql(query, variables)
    data = get_graphql_content(response)["data"][name]
    assert data["errors"] == []
    return Decimal(str(data["order"]["total"]["gross"]["amount"]))


def _lower_quantity_and_refund(order_payments, transaction_item, line, *, quantity):
    """Staff lower ``line`` to ``quantity``; the payment app refunds the overpayment."""
    total = _edit(
        order_payments.staff_client,
        ORDER_LINE_UPDATE,
        "orderLineUpdate",
        {"id": graphene.Node.to_global_id("OrderLine", line.pk), "quantity": quantity},
    )
    order_payments.report(
        transaction_item,
        "REFUND_SUCCESS",
        transaction_item.charged_value - total,
        psp="over-1",
    )


def test_deleted_line_of_a_paid_order_takes_back_its_points_once(
    crm_usd, crm_order, order_payments, customer_user
):
    # given: a paid unconfirmed order of 10.00 + 20.00 + 30.00 net that earned 60
    order = _unconfirmed(crm_order(crm_usd, THREE_LINES, shipping=Decimal("5.00")))
    transaction_item = order_payments.charge(order)
    assert _order_points(order) == [(EntryType.EARN, 60)]
    line = order.lines.get(unit_price_net_amount=Decimal("20.00"))

    # when: staff delete the 20.00 line
    total = _edit(
        order_payments.staff_client,
        ORDER_LINE_DELETE,
        "orderLineDelete",
        {"id": graphene.Node.to_global_id("OrderLine", line.pk)},
    )

    # then: the line's points go
    assert _order_points(order) == [(EntryType.EARN, 60), (EntryType.REVERSE, -20)]

    # when: the payment app refunds the overpayment
    # (Saleor recalculated the edited order: 40.00 of lines and 5.00 of shipping
    # under the test channel's tax configuration)
    overpaid = transaction_item.charged_value - total
    assert (total, overpaid) == (Decimal("45.00"), Decimal("34.95"))
    order_payments.report(transaction_item, "REFUND_SUCCESS", overpaid, psp="over-1")

    # then: nothing more is taken back; the order earned for what it charged
    assert _order_points(order) == [(EntryType.EARN, 60), (EntryType.REVERSE, -20)]
    assert balance_of(customer_user, crm_usd) == 40
    assert ledger_problems() == []


def test_lower_quantity_of_a_paid_order_takes_back_the_removed_units(
    crm_usd, crm_order, order_payments, customer_user
):
    # given: a paid unconfirmed order of 3 × 10.00 net that earned 30
    order = _unconfirmed(crm_order(crm_usd, [(Decimal("10.00"), 3)]))
    transaction_item = order_payments.charge(order)
    line = order.lines.get()

    # when: staff lower the quantity to 1 and the overpayment is refunded
    _lower_quantity_and_refund(order_payments, transaction_item, line, quantity=1)

    # then: two of the three units' points go
    assert _order_points(order) == [(EntryType.EARN, 30), (EntryType.REVERSE, -20)]
    assert balance_of(customer_user, crm_usd) == 10
    assert ledger_problems() == []


def test_refund_after_an_edit_counts_the_edited_line_once(
    crm_usd, crm_order, order_payments, customer_user
):
    # given: 3 × 10.00 paid and earned 30, lowered to 2, the overpayment refunded
    order = _unconfirmed(crm_order(crm_usd, [(Decimal("10.00"), 3)]))
    transaction_item = order_payments.charge(order)
    line = order.lines.get()
    _lower_quantity_and_refund(order_payments, transaction_item, line, quantity=2)
    transaction_item.refresh_from_db()
    order_payments.own_transaction(transaction_item)

    # when: one of the two remaining units is refunded
    order_payments.refund_lines_with_grant(order, transaction_item, [(line, 1)])

    # then: one unit for the edit, one for the refund; one unit's points stay
    assert _order_points(order) == [
        (EntryType.EARN, 30),
        (EntryType.REVERSE, -10),
        (EntryType.REVERSE, -10),
    ]
    assert balance_of(customer_user, crm_usd) == 10
    assert ledger_problems() == []
