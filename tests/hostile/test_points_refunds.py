"""Refunds of an order paid partly with points, through Saleor's refund paths.

Money and points returned together never exceed what the shopper paid, and the
points card keeps what it paid: the ledger and the card still agree.
"""

from decimal import Decimal

import graphene
from saleor.giftcard.models import GiftCard
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order.models import Order, OrderGrantedRefund
from saleor.payment import TransactionEventType
from saleor.payment.models import TransactionEvent, TransactionItem
from saleor.payment.utils import (
    create_transaction_event_from_request_and_webhook_response,
)

from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyEntry
from tests.fixtures.loyalty import balance_of
from tests.fixtures.orders import (
    ORDER_GRANT_REFUND_CREATE,
    REQUEST_REFUND_FOR_GRANTED_REFUND,
)
from tests.graphql.loyalty.checkout_utils import apply_points
from tests.hostile.points import (
    assert_ledger_agrees_with_cards,
    checkout_total,
    complete,
    pay_by_card,
)


def _refund_money(order_payments, order, transaction, amount) -> None:
    """Staff grant and request a refund of ``amount``; the payment app confirms it."""
    staff = order_payments.staff_client
    response = staff.post_graphql(
        ORDER_GRANT_REFUND_CREATE,
        {
            "id": graphene.Node.to_global_id("Order", order.pk),
            "input": {
                "amount": str(amount),
                "transactionId": graphene.Node.to_global_id("TransactionItem", transaction.token),
            },
        },
    )
    data = get_graphql_content(response)["data"]["orderGrantRefundCreate"]
    assert data["errors"] == []
    grant_id = data["grantedRefund"]["id"]
    response = staff.post_graphql(
        REQUEST_REFUND_FOR_GRANTED_REFUND,
        {
            "grantedRefundId": grant_id,
            "id": graphene.Node.to_global_id("TransactionItem", transaction.token),
        },
    )
    errors = get_graphql_content(response)["data"]["transactionRequestRefundForGrantedRefund"][
        "errors"
    ]
    assert errors == []
    grant = OrderGrantedRefund.objects.get(pk=graphene.Node.from_global_id(grant_id)[1])
    request = TransactionEvent.objects.get(
        related_granted_refund=grant, type=TransactionEventType.REFUND_REQUEST
    )
    with order_payments.capture_on_commit(execute=True):
        create_transaction_event_from_request_and_webhook_response(
            request,
            transaction.app,
            {
                "pspReference": "refund-1",
                "result": TransactionEventType.REFUND_SUCCESS.upper(),
                "amount": str(amount),
            },
        )


def test_refund_of_all_the_money_returns_the_points_once(
    user_api_client, order_payments, crm_usd, shopper_checkout, customer_user
):
    # given: 30.00 + 10.00 shipping, 10.00 paid with 1000 points, 30.00 by card
    checkout = shopper_checkout
    assert apply_points(user_api_client, checkout, 1000)["errors"] == []
    pay_by_card(checkout, checkout_total(checkout), app=order_payments.app_client.app)
    assert complete(user_api_client, checkout)["errors"] == []
    order = Order.objects.get()
    money = TransactionItem.objects.get(order_id=order.pk)
    assert money.charged_value == Decimal(30)

    # when: staff refund all the money
    _refund_money(order_payments, order, money, Decimal(30))

    # then: 30.00 back in money and the 1000 points (10.00): what was paid, once
    money.refresh_from_db()
    assert money.refunded_value == Decimal(30)
    returned = LoyaltyEntry.objects.filter(order_id=order.pk, type=EntryType.RELEASE).values_list(
        "points", flat=True
    )
    assert list(returned) == [1000]
    assert GiftCard.objects.get().current_balance_amount == Decimal(0)
    # the 20 points earned on the order were reversed with it
    assert balance_of(customer_user, crm_usd) == 1000
    assert_ledger_agrees_with_cards()
