"""Item 1: the points card authorised through Saleor's built-in gift-card gateway.

The shopper owns the points card and reads its code on their checkout; Saleor's
gift-card gateway authorises any active card the customer may use, and charges an
order's authorisation at confirmation whether the card is still active or not.
"""

import datetime
from decimal import Decimal

import graphene
from django.utils import timezone
from saleor.checkout.models import Checkout
from saleor.giftcard.models import GiftCard
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order.models import Order

from saleor_crm_plugin.loyalty.models import LoyaltyRedemption
from saleor_crm_plugin.loyalty.tasks import release_abandoned_redemptions_task
from tests.fixtures.loyalty import balance_of
from tests.fixtures.plugin import configure_crm
from tests.graphql.loyalty.checkout_utils import apply_points, remove_points
from tests.hostile.points import (
    assert_ledger_agrees_with_cards,
    authorize_gift_card,
    card_codes,
    checkout_total,
    complete,
    confirm_order,
    gateway_transactions,
    pay_by_card,
    remove_promo_code,
)


def test_points_removed_after_a_gateway_authorisation_cannot_be_charged(
    user_api_client, shopper_checkout, customer_user, crm_usd
):
    # given: 1000 points (10.00) applied; the shopper authorises the card's 10.00
    # through the gift-card gateway, then removes the points
    checkout = shopper_checkout
    assert apply_points(user_api_client, checkout, 1000)["errors"] == []
    [code] = card_codes(user_api_client, checkout)
    authorized = authorize_gift_card(user_api_client, checkout, code, "10.00")
    assert authorized["transaction"]["authorizedAmount"] == {"amount": 10.0}
    assert remove_points(user_api_client, checkout)["errors"] == []

    # when: the shopper pays only the rest by card and completes
    pay_by_card(checkout, checkout_total(checkout) - Decimal(10))
    data = complete(user_api_client, checkout)

    # then: the card's authorisation was voided with the release: no order
    assert data["order"] is None
    assert [(error["field"], error["code"]) for error in data["errors"]] == [
        ("id", "CHECKOUT_NOT_FULLY_PAID")
    ]
    card = GiftCard.objects.get()
    assert (card.current_balance_amount, card.is_active) == (Decimal("10.000"), False)
    [gateway] = gateway_transactions()
    assert gateway.gift_card_id is None
    assert (gateway.authorized_value, gateway.canceled_value) == (
        Decimal(0),
        Decimal(10),
    )
    assert balance_of(customer_user, crm_usd) == 1000
    assert Order.objects.count() == 0
    assert_ledger_agrees_with_cards()


def test_points_lapsing_after_a_gateway_authorisation_cannot_be_charged(
    user_api_client, channel_USD, shopper_checkout, customer_user
):
    # given: the card authorised through the gateway, the checkout left past the hold
    configure_crm(channel_USD, pending_period="0", redemption_hold="1h")
    checkout = shopper_checkout
    assert apply_points(user_api_client, checkout, 1000)["errors"] == []
    [code] = card_codes(user_api_client, checkout)
    assert authorize_gift_card(user_api_client, checkout, code, "10.00")["errors"] == []
    Checkout.objects.filter(pk=checkout.pk).update(
        last_change=timezone.now() - datetime.timedelta(hours=2)
    )
    release_abandoned_redemptions_task()

    # when: the shopper comes back, pays the rest by card and completes
    checkout.refresh_from_db()
    pay_by_card(checkout, checkout_total(checkout) - Decimal(10))
    data = complete(user_api_client, checkout)

    # then
    assert [error["code"] for error in data["errors"]] == ["CHECKOUT_NOT_FULLY_PAID"]
    card = GiftCard.objects.get()
    assert card.current_balance_amount == Decimal("10.000")
    assert balance_of(customer_user, channel_USD) == 1000
    assert_ledger_agrees_with_cards()


def test_card_paying_through_the_gateway_of_an_unconfirmed_order_spends_the_points(
    user_api_client,
    order_payments,
    shopper_checkout,
    customer_user,
    crm_usd,
):
    # given: orders wait for staff confirmation; the shopper takes the points card off
    # the checkout with Saleor's promo-code mutation and pays with it through the
    # gateway instead, the rest by card
    crm_usd.automatically_confirm_all_new_orders = False
    crm_usd.save(update_fields=["automatically_confirm_all_new_orders"])
    checkout = shopper_checkout
    assert apply_points(user_api_client, checkout, 1000)["errors"] == []
    [code] = card_codes(user_api_client, checkout)
    assert remove_promo_code(user_api_client, checkout, code)["errors"] == []
    assert authorize_gift_card(user_api_client, checkout, code, "10.00")["errors"] == []
    pay_by_card(checkout, checkout_total(checkout) - Decimal(10))

    # when: the order is created (the redemption settles), then staff confirm it
    data = complete(user_api_client, checkout)
    assert data["errors"] == []
    order = Order.objects.get()
    assert confirm_order(order_payments.staff_client, order)["errors"] == []

    # then: Saleor charged the card at confirmation: the points were spent for it
    card = GiftCard.objects.get()
    assert card.current_balance_amount == Decimal("0.000")
    assert list(LoyaltyRedemption.objects.values_list("status", "spent_points", "order_id")) == [
        ("spent", 1000, order.pk)
    ]
    # 30.00 of lines, 10.00 of them paid by the points card: 20 points earned
    assert balance_of(customer_user, crm_usd) == 20
    assert_ledger_agrees_with_cards()


REQUEST_ACTION = """
mutation RequestAction($id: ID!, $action: TransactionActionEnum!, $amount: PositiveDecimal) {
  transactionRequestAction(id: $id, actionType: $action, amount: $amount) {
    errors { field code message }
  }
}
"""


def test_card_paying_through_the_gateway_then_refunded_to_it_cannot_pay_again(
    user_api_client, order_payments, shopper_checkout, customer_user, crm_usd
):
    # given: the shopper takes the points card off the checkout and pays its 10.00
    # through the gateway instead, the rest by card; the periodic release runs
    checkout = shopper_checkout
    assert apply_points(user_api_client, checkout, 1000)["errors"] == []
    [code] = card_codes(user_api_client, checkout)
    assert remove_promo_code(user_api_client, checkout, code)["errors"] == []
    assert authorize_gift_card(user_api_client, checkout, code, "10.00")["errors"] == []
    release_abandoned_redemptions_task()
    pay_by_card(checkout, checkout_total(checkout) - Decimal(10))
    assert complete(user_api_client, checkout)["errors"] == []
    order = Order.objects.get()
    [gateway] = gateway_transactions()

    # when: staff refund the gift-card transaction (Saleor puts 10.00 back on the
    # card), and the shopper tries the card again on a new checkout of theirs
    response = order_payments.staff_client.post_graphql(
        REQUEST_ACTION,
        {
            "id": graphene.Node.to_global_id("TransactionItem", gateway.token),
            "action": "REFUND",
            "amount": "10.00",
        },
    )
    refunded = get_graphql_content(response)["data"]["transactionRequestAction"]
    again = Checkout.objects.create(
        user=customer_user, email=customer_user.email, channel=crm_usd, currency="USD"
    )
    retry = authorize_gift_card(user_api_client, again, code, "10.00")

    # then: the order spent the points for the card's 10.00; the refund gave back the
    # points' share, and the card's restored balance stays unusable
    assert refunded["errors"] == []
    card = GiftCard.objects.get()
    assert (card.current_balance_amount, card.is_active) == (Decimal("10.000"), False)
    assert list(LoyaltyRedemption.objects.values_list("status", "spent_points", "order_id")) == [
        ("spent", 1000, order.pk)
    ]
    assert retry["transaction"]["authorizedAmount"] == {"amount": 0.0}
    assert_ledger_agrees_with_cards()
