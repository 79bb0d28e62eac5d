"""What a hostile shopper sends to /graphql/ to get points value twice, and the check
that ends every attempt: the ledger and Saleor's gift cards agree to the cent.

The shopper acts only through the public API with their own client. The payment
service provider's part (money authorised or charged by a card) and the shop's
addresses and delivery are set up as a real storefront's payment app would.
"""

from decimal import Decimal

import graphene
from saleor.checkout import calculations
from saleor.checkout.fetch import fetch_checkout_info, fetch_checkout_lines
from saleor.giftcard import GiftCardEvents
from saleor.giftcard.const import GIFT_CARD_PAYMENT_GATEWAY_ID
from saleor.giftcard.models import GiftCardEvent
from saleor.graphql.tests.utils import get_graphql_content
from saleor.payment.models import TransactionItem
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.config import load_channel_program
from saleor_crm_plugin.loyalty.audit import redemption_audit
from saleor_crm_plugin.loyalty.models import LoyaltyRedemption, RedemptionStatus
from saleor_crm_plugin.loyalty.quote import GIFT_CARD_METADATA_KEY, points_value
from tests.fixtures.loyalty import ledger_problems
from tests.fixtures.orders import checkout_charge
from tests.graphql.loyalty.checkout_utils import checkout_id

CHECKOUT_GIFT_CARDS = """
query CheckoutGiftCards($id: ID!) {
  checkout(id: $id) { giftCards { code currentBalance { amount } } }
}
"""

TRANSACTION_INITIALIZE = """
mutation Initialize($id: ID!, $amount: PositiveDecimal, $gateway: PaymentGatewayToInitialize!) {
  transactionInitialize(id: $id, amount: $amount, paymentGateway: $gateway) {
    transaction { id authorizedAmount { amount } }
    transactionEvent { type }
    errors { field code message }
  }
}
"""

PROMO_CODE = """
mutation PromoCode($id: ID!, $code: String!, $add: Boolean!) {
  add: checkoutAddPromoCode(id: $id, promoCode: $code) @include(if: $add) {
    errors { field code message }
  }
  remove: checkoutRemovePromoCode(id: $id, promoCode: $code) @skip(if: $add) {
    errors { field code message }
  }
}
"""

CHECKOUT_COMPLETE = """
mutation Complete($id: ID!) {
  checkoutComplete(id: $id) {
    order { id number }
    errors { field code message }
  }
}
"""

ORDER_CONFIRM = """
mutation Confirm($id: ID!) {
  orderConfirm(id: $id) { errors { field code message } }
}
"""


def card_codes(client, checkout) -> list[str]:
    """The gift-card codes the shopper reads on their own checkout."""
    response = client.post_graphql(CHECKOUT_GIFT_CARDS, {"id": checkout_id(checkout)})
    cards = get_graphql_content(response)["data"]["checkout"]["giftCards"]
    return [card["code"] for card in cards]


def authorize_gift_card(client, checkout, code: str, amount) -> dict:
    """``transactionInitialize`` on Saleor's built-in gift-card payment gateway."""
    response = client.post_graphql(
        TRANSACTION_INITIALIZE,
        {
            "id": checkout_id(checkout),
            "amount": str(amount),
            "gateway": {"id": GIFT_CARD_PAYMENT_GATEWAY_ID, "data": {"code": code}},
        },
    )
    return get_graphql_content(response)["data"]["transactionInitialize"]


def add_promo_code(client, checkout, code: str) -> dict:
    response = client.post_graphql(
        PROMO_CODE, {"id": checkout_id(checkout), "code": code, "add": True}
    )
    return get_graphql_content(response)["data"]["add"]


def remove_promo_code(client, checkout, code: str) -> dict:
    response = client.post_graphql(
        PROMO_CODE, {"id": checkout_id(checkout), "code": code, "add": False}
    )
    return get_graphql_content(response)["data"]["remove"]


def gateway_transactions():
    """Saleor's gift-card-gateway transactions, oldest first."""
    return TransactionItem.objects.filter(app_identifier=GIFT_CARD_PAYMENT_GATEWAY_ID).order_by(
        "pk"
    )


def prepare_delivery(checkout, *, address, delivery) -> None:
    """Addresses and delivery as the storefront set them before payment."""
    checkout.shipping_address = address
    checkout.billing_address = address
    checkout.assigned_delivery = delivery
    checkout.save()


def checkout_total(checkout) -> Decimal:
    """What the shopper still owes: Saleor's total less the checkout's gift cards."""
    checkout.refresh_from_db()
    manager = get_plugins_manager(allow_replica=False)
    lines, _ = fetch_checkout_lines(checkout)
    checkout_info = fetch_checkout_info(checkout, lines, manager)
    return calculations.calculate_checkout_total_with_gift_cards(
        manager, checkout_info, lines
    ).gross.amount


def pay_by_card(checkout, amount, *, app=None) -> None:
    """The payment app (``app``) records ``amount`` charged by the shopper's card."""
    checkout.refresh_from_db()
    checkout_charge(
        checkout,
        psp_reference=f"PSP-{checkout.payment_transactions.count()}",
        amount=Decimal(amount),
        app=app,
    )


def complete(client, checkout) -> dict:
    response = client.post_graphql(CHECKOUT_COMPLETE, {"id": checkout_id(checkout)})
    return get_graphql_content(response)["data"]["checkoutComplete"]


def confirm_order(staff_client, order) -> dict:
    response = staff_client.post_graphql(
        ORDER_CONFIRM, {"id": graphene.Node.to_global_id("Order", order.pk)}
    )
    return get_graphql_content(response)["data"]["orderConfirm"]


def taken_from_points_cards() -> Decimal:
    """What Saleor took from the points cards in orders, by its own card events."""
    taken = Decimal(0)
    for event in GiftCardEvent.objects.filter(
        type=GiftCardEvents.USED_IN_ORDER,
        gift_card__metadata__has_key=GIFT_CARD_METADATA_KEY,
    ):
        balance = event.parameters["balance"]
        taken += Decimal(str(balance["old_current_balance"])) - Decimal(
            str(balance["current_balance"])
        )
    return taken


def value_of_spent_points() -> Decimal:
    """What the points spent on orders are worth, redemption by redemption."""
    value = Decimal(0)
    for item in LoyaltyRedemption.objects.exclude(status=RedemptionStatus.ACTIVE):
        config = load_channel_program(item.account.channel_id).config
        value += points_value(item.spent_points, config=config, currency=item.currency)
    return value


def assert_ledger_agrees_with_cards() -> None:
    """Points spent and money taken from their cards agree to the cent; audit clean."""
    assert value_of_spent_points() == taken_from_points_cards()
    assert redemption_audit()[1] == []
    assert ledger_problems() == []
