"""Settling a redemption through Saleor's real checkout: spent once, or released,
when the order is created, the points removed, or the checkout abandoned, changed or late.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from saleor.checkout.models import Checkout
from saleor.giftcard import GiftCardEvents
from saleor.giftcard.models import GiftCard, GiftCardEvent

from saleor_crm_plugin.loyalty import checkout_points, redemption
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
from tests.fixtures.plugin import configure_crm
from tests.graphql.loyalty.checkout_utils import (
    replay_order_tasks,
    apply_points,
    customer_checkout,
    set_line_quantity,
)


def test_completing_the_checkout_spends_the_points_once(points_order, crm_usd, customer_user):
    # when: the order is created (order_created -> task), and Saleor replays events
    order = points_order()
    sync_order_points_task(str(order.pk))
    release_abandoned_redemptions_task()

    # then: the gift card paid 5.00, the points were spent once
    card = GiftCard.objects.get()
    assert list(order.gift_cards.all()) == [card]
    assert (card.current_balance_amount, card.is_active) == (Decimal("0.000"), False)
    event = GiftCardEvent.objects.get(type=GiftCardEvents.USED_IN_ORDER)
    assert event.order_id == order.pk
    assert list(LoyaltyRedemption.objects.values_list("status", "spent_points", "order_id")) == [
        ("spent", 500, order.pk)
    ]
    # 30.00 + shipping, 5.00 paid with points: only the 25.00 of lines earns
    assert ledger_entries() == [
        (EntryType.ADJUST, 1000),
        (EntryType.REDEEM, -500),
        (EntryType.EARN, 25),
    ]
    assert balance_of(customer_user, crm_usd) == 525
    assert ledger_problems() == []


def test_removing_the_card_through_saleor_releases_the_points(
    user_api_client, crm_usd, checkout_with_item, customer_user
):
    # given: the shopper took the card off with Saleor's checkoutRemovePromoCode
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    apply_points(user_api_client, checkout, 400)
    checkout.gift_cards.clear()

    # when
    release_abandoned_redemptions_task()
    release_abandoned_redemptions_task()

    # then
    assert ledger_entries()[-1] == (EntryType.RELEASE, 400)
    assert balance_of(customer_user, crm_usd) == 1000
    assert GiftCard.objects.get().is_active is False


def test_abandoned_checkout_is_released_after_the_hold(
    user_api_client, channel_USD, checkout_with_item, customer_user
):
    # given: a hold of one hour, the checkout untouched for two (and one fresh)
    configure_crm(channel_USD, pending_period="0", redemption_hold="1h")
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    apply_points(user_api_client, checkout, 300)
    now = timezone.now()

    # when: before and after the hold
    early = redemption.redemptions_release_abandoned(now=now)
    Checkout.objects.filter(pk=checkout.pk).update(last_change=now - datetime.timedelta(hours=2))
    late = redemption.redemptions_release_abandoned(now=now)
    replay = redemption.redemptions_release_abandoned(now=now)

    # then
    assert (early, late, replay) == (0, 1, 0)
    assert balance_of(customer_user, channel_USD) == 1000
    checkout.refresh_from_db()
    assert checkout.gift_cards.count() == 0
    assert GiftCard.objects.get().is_active is False
    assert ledger_problems() == []


def test_deleted_checkout_releases_the_points(
    user_api_client, crm_usd, checkout_with_item, customer_user
):
    # given
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    apply_points(user_api_client, checkout, 300)
    checkout.delete()

    # when
    release_abandoned_redemptions_task()

    # then
    assert ledger_entries()[-1] == (EntryType.RELEASE, 300)
    assert balance_of(customer_user, crm_usd) == 1000


def test_release_keeps_the_expiry_of_the_points_it_gives_back(
    user_api_client, crm_usd, checkout_with_item, customer_user
):
    # given: the points came from a batch expiring at a known time
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    credit = LoyaltyEntry.objects.get(type=EntryType.ADJUST)
    apply_points(user_api_client, checkout, 600)

    # when
    checkout_points.checkout_points_remove(checkout=checkout)

    # then
    release = LoyaltyEntry.objects.get(type=EntryType.RELEASE)
    redeem = LoyaltyEntry.objects.get(type=EntryType.REDEEM)
    assert list(redeem.allocations.values_list("batch", "points")) == [(credit.pk, 600)]
    assert list(release.allocations.values_list("batch", "points")) == [(credit.pk, -600)]
    # the points are back in the batch they came from, which keeps its expiry
    assert (release.points, release.remaining, release.restores_id) == (600, 0, redeem.pk)
    assert LoyaltyEntry.objects.values_list("remaining", "expires_at").get(pk=credit.pk) == (
        1000,
        credit.expires_at,
    )


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
    replay_order_tasks(order)

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
    assert redemption.redemptions_release_abandoned(now=now) == 1
    checkout.refresh_from_db()

    # when: the shopper comes back and completes the checkout
    order = paid_order(checkout)
    replay_order_tasks(order)

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
