"""Points applied at checkout through Saleor's real checkout: spent once, or released."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone
from saleor.checkout.models import Checkout
from saleor.giftcard import GiftCardEvents
from saleor.giftcard.models import GiftCard, GiftCardEvent

from saleor_crm_plugin.loyalty import redemption
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
from tests.graphql.loyalty.checkout_utils import apply_points, customer_checkout


@pytest.fixture
def points_order(user_api_client, crm_usd, checkout_with_item, customer_user, paid_order):
    """An order of customer_user paid with 500 of their 1000 points and money."""

    def create(points=500):
        checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
        assert apply_points(user_api_client, checkout, points)["errors"] == []
        return paid_order(checkout)

    return create


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
    early = redemption.release_abandoned_redemptions(now=now)
    Checkout.objects.filter(pk=checkout.pk).update(last_change=now - datetime.timedelta(hours=2))
    late = redemption.release_abandoned_redemptions(now=now)
    replay = redemption.release_abandoned_redemptions(now=now)

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
    redemption.remove_checkout_points(checkout=checkout)

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


def test_completion_check_of_a_checkout_no_points_card_touches_costs_one_query(
    checkout_with_item, gift_card, django_assert_num_queries
):
    # given: an ordinary checkout, even one paying with a shop gift card
    checkout_with_item.gift_cards.add(gift_card)

    # when / then: one query, whatever the checkout carries (checkoutComplete is hot)
    with django_assert_num_queries(1):
        redemption.checkout_points_check_completion(checkout=checkout_with_item, now=timezone.now())
