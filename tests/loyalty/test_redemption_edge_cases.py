"""Adversarial cases of points paid at checkout: the checkout changes under the points,
the reservation is settled twice or late, other currencies, debts, full refunds.

Every case goes through Saleor's real checkout, mutations and our real tasks.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from saleor.checkout.models import Checkout
from saleor.giftcard.models import GiftCard
from saleor.order.models import Order
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.loyalty import redemption
from saleor_crm_plugin.loyalty.exceptions import InsufficientPoints, InvalidPoints
from saleor_crm_plugin.loyalty.models import (
    EntryType,
    LoyaltyEntry,
    LoyaltyRedemption,
)
from saleor_crm_plugin.loyalty.tasks import (
    release_abandoned_redemptions_task,
    sync_order_points_task,
)
from tests.fixtures.loyalty import balance_of, ledger_entries, ledger_problems
from tests.fixtures.orders import complete_checkout
from tests.fixtures.plugin import configure_crm
from tests.graphql.loyalty.checkout_utils import (
    apply_points,
    customer_checkout,
    set_line_quantity,
)
from tests.graphql.loyalty.utils import adjust


def _manager():
    return get_plugins_manager(allow_replica=False)


def _replay_every_task(order: Order) -> None:
    sync_order_points_task(str(order.pk))
    release_abandoned_redemptions_task()
    sync_order_points_task(str(order.pk))


def test_lines_removed_below_the_card_value_spend_only_what_was_paid(
    user_api_client,
    crm_usd,
    checkout_with_item,
    customer_user,
    paid_order,
):
    # given: 2500 points (25.00) on 3 x 10.00, then the shopper keeps one item
    checkout = customer_checkout(checkout_with_item, customer_user, points=3000)
    assert apply_points(user_api_client, checkout, 2500)["errors"] == []
    line = checkout.lines.get()
    updated = set_line_quantity(user_api_client, checkout, line, 1)
    assert updated["errors"] == []

    # when: completed (the card pays all of 10.00 + shipping), tasks replayed
    order = paid_order(checkout)
    entries_after_order = ledger_entries()
    _replay_every_task(order)

    # then: the card paid 10.00 + 10.00 shipping: 2000 points spent, 500 released
    assert order.total_gross_amount == Decimal("0.00")
    card = GiftCard.objects.get()
    assert (card.current_balance_amount, card.is_active) == (Decimal("5.000"), False)
    assert list(LoyaltyRedemption.objects.values_list("status", "spent_points", "order_id")) == [
        ("spent", 2000, order.pk)
    ]
    assert entries_after_order == [
        (EntryType.ADJUST, 3000),
        (EntryType.REDEEM, -2500),
        (EntryType.RELEASE, 500),
    ]
    assert ledger_entries() == entries_after_order
    assert balance_of(customer_user, crm_usd) == 1000
    assert ledger_problems() == []


def test_completing_after_the_abandonment_release_does_not_charge_the_card(
    user_api_client,
    channel_USD,
    checkout_with_item,
    customer_user,
    paid_order,
):
    # given: 500 points applied, the checkout left beyond the hold and released
    configure_crm(channel_USD, pending_period="0", redemption_hold="1h")
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    apply_points(user_api_client, checkout, 500)
    now = timezone.now()
    Checkout.objects.filter(pk=checkout.pk).update(last_change=now - datetime.timedelta(hours=2))
    assert redemption.release_abandoned_redemptions(now=now) == 1
    checkout.refresh_from_db()

    # when: the shopper comes back and completes the checkout
    order = paid_order(checkout)
    _replay_every_task(order)

    # then: the card is untouched, the order paid in money earns its 30.00 of lines
    card = GiftCard.objects.get()
    assert (card.current_balance_amount, card.is_active) == (Decimal("5.000"), False)
    assert list(order.gift_cards.all()) == []
    assert list(LoyaltyRedemption.objects.values_list("status", "spent_points", "order_id")) == [
        ("released", 0, None)
    ]
    assert ledger_entries() == [
        (EntryType.ADJUST, 1000),
        (EntryType.REDEEM, -500),
        (EntryType.RELEASE, 500),
        (EntryType.EARN, 30),
    ]
    assert balance_of(customer_user, channel_USD) == 1030
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
    _replay_every_task(order)

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


def test_apply_while_in_debt_is_refused_and_writes_nothing(
    crm_usd, checkout_with_item, customer_user
):
    # given: a staff adjustment left the customer 100 points in debt
    checkout = customer_checkout(checkout_with_item, customer_user, points=50)
    adjust(customer_user, crm_usd, -150, "debt")
    entries = ledger_entries()

    # when
    with pytest.raises(InsufficientPoints) as error:
        redemption.apply_checkout_points(checkout=checkout, points=10, manager=_manager())

    # then
    assert (error.value.field, error.value.message) == (
        "points",
        "The customer has 0 points to redeem.",
    )
    assert ledger_entries() == entries
    assert (LoyaltyRedemption.objects.count(), GiftCard.objects.count()) == (0, 0)
    assert balance_of(customer_user, crm_usd) == -100


def test_debt_after_applying_limits_a_new_apply_to_what_is_left(
    crm_usd, checkout_with_item, customer_user
):
    # given: 1000 points applied, then a 600 point debt is booked
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    redemption.apply_checkout_points(checkout=checkout, points=1000, manager=_manager())
    adjust(customer_user, crm_usd, -600, "debt")

    # when: 1000 again is too many (400 are really the customer's), 400 fit
    with pytest.raises(InsufficientPoints):
        redemption.apply_checkout_points(checkout=checkout, points=1000, manager=_manager())
    redemption.apply_checkout_points(checkout=checkout, points=400, manager=_manager())

    # then
    assert ledger_entries() == [
        (EntryType.ADJUST, 1000),
        (EntryType.REDEEM, -1000),
        (EntryType.ADJUST, -600),
        (EntryType.RELEASE, 1000),
        (EntryType.REDEEM, -400),
    ]
    assert balance_of(customer_user, crm_usd) == 0
    assert [card.current_balance_amount for card in checkout.gift_cards.all()] == [Decimal("4.000")]
    assert ledger_problems() == []


def test_points_in_jpy_reserve_only_what_whole_yen_can_pay(
    user_api_client,
    channel_JPY,
    checkout_JPY_with_item,
    customer_user,
    paid_order,
):
    # given: a point is worth 0.01 JPY, so 150 points are worth 1.5 JPY
    configure_crm(channel_JPY, pending_period="0")
    checkout = customer_checkout(checkout_JPY_with_item, customer_user, points=1000)

    # when: the shopper applies 150 points and the order uses the 1 JPY card
    applied = redemption.apply_checkout_points(checkout=checkout, points=150, manager=_manager())
    card = GiftCard.objects.get()
    order = paid_order(checkout)
    _replay_every_task(order)

    # then: 100 points pay the 1 JPY card; the 50 that would buy nothing were never taken
    assert applied.points == 100
    assert (card.currency, card.initial_balance_amount) == ("JPY", Decimal("1.000"))
    assert list(LoyaltyRedemption.objects.values_list("points", "spent_points")) == [(100, 100)]
    assert LoyaltyEntry.objects.filter(type=EntryType.REDEEM).get().points == -100
    assert not LoyaltyEntry.objects.filter(type=EntryType.RELEASE).exists()
    assert ledger_problems() == []


def test_points_worth_less_than_one_yen_are_refused_and_nothing_written(
    channel_JPY, checkout_JPY_with_item, customer_user
):
    # given
    configure_crm(channel_JPY, pending_period="0")
    checkout = customer_checkout(checkout_JPY_with_item, customer_user, points=1000)
    entries_before = LoyaltyEntry.objects.count()

    # when
    with pytest.raises(InvalidPoints) as error:
        redemption.apply_checkout_points(checkout=checkout, points=99, manager=_manager())

    # then
    assert error.value.field == "points"
    assert error.value.message == (
        "These points are worth less than the smallest amount of the currency."
    )
    assert LoyaltyEntry.objects.count() == entries_before
    assert not GiftCard.objects.exists()


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
    _replay_every_task(order)

    # then
    assert ledger_entries() == [
        (EntryType.ADJUST, 4000),
        (EntryType.REDEEM, -4000),
        (EntryType.RELEASE, 4000),
    ]
    assert balance_of(customer_user, crm_usd) == 4000
    assert ledger_problems() == []
