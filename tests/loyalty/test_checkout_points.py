"""Points applied to a checkout through Saleor's real checkout: what applying reserves,
what it refuses (debts, other currencies), and that it takes what the quote offers.
"""

from decimal import Decimal

import pytest
from saleor.giftcard.models import GiftCard
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.loyalty import checkout_points
from saleor_crm_plugin.loyalty.exceptions import InsufficientPoints, InvalidPoints
from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyEntry, LoyaltyRedemption
from tests.fixtures.loyalty import balance_of, ledger_entries, ledger_problems
from tests.fixtures.plugin import configure_crm
from tests.graphql.loyalty.checkout_utils import (
    apply_points,
    customer_checkout,
    query_checkout,
    replay_order_tasks,
)
from tests.graphql.loyalty.utils import adjust


def _manager():
    return get_plugins_manager(allow_replica=False)


def test_apply_while_in_debt_is_refused_and_writes_nothing(
    crm_usd, checkout_with_item, customer_user
):
    # given: a staff adjustment left the customer 100 points in debt
    checkout = customer_checkout(checkout_with_item, customer_user, points=50)
    adjust(customer_user, crm_usd, -150, "debt")
    entries = ledger_entries()

    # when
    with pytest.raises(InsufficientPoints) as error:
        checkout_points.checkout_points_apply(checkout=checkout, points=10, manager=_manager())

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
    checkout_points.checkout_points_apply(checkout=checkout, points=1000, manager=_manager())
    adjust(customer_user, crm_usd, -600, "debt")

    # when: 1000 again is too many (400 are really the customer's), 400 fit
    with pytest.raises(InsufficientPoints):
        checkout_points.checkout_points_apply(checkout=checkout, points=1000, manager=_manager())
    checkout_points.checkout_points_apply(checkout=checkout, points=400, manager=_manager())

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
    applied = checkout_points.checkout_points_apply(
        checkout=checkout, points=150, manager=_manager()
    )
    card = GiftCard.objects.get()
    order = paid_order(checkout)
    replay_order_tasks(order)

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
        checkout_points.checkout_points_apply(checkout=checkout, points=99, manager=_manager())

    # then
    assert error.value.field == "points"
    assert error.value.message == (
        "These points are worth less than the smallest amount of the currency."
    )
    assert LoyaltyEntry.objects.count() == entries_before
    assert not GiftCard.objects.exists()


def test_points_whose_card_left_the_checkout_are_offered_as_applying_takes_them(
    user_api_client, crm_usd, checkout_with_item, customer_user
):
    # given: 400 of 1000 points applied, then the card taken off the checkout; the
    # redemption stays active until the periodic release
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    assert apply_points(user_api_client, checkout, 400)["errors"] == []
    checkout.gift_cards.clear()

    # when
    loyalty = query_checkout(user_api_client, checkout)["loyalty"]

    # then: applying again gives the 400 back first, so the quote offers all 1000
    # (it offered 600, which applying did not limit itself to), and applying takes them
    assert (
        loyalty["availablePoints"],
        loyalty["appliedPoints"],
        loyalty["maxRedeemablePoints"],
    ) == (600, 0, 1000)
    assert apply_points(user_api_client, checkout, 1000)["errors"] == []
    assert ledger_entries() == [
        (EntryType.ADJUST, 1000),
        (EntryType.REDEEM, -400),
        (EntryType.RELEASE, 400),
        (EntryType.REDEEM, -1000),
    ]
    assert balance_of(customer_user, crm_usd) == 0
    assert ledger_problems() == []
