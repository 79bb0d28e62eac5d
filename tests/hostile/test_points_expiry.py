"""Item 11a: points whose batch expires while they are reserved on a checkout.

Decision: a reservation holds the points it took, so expiry (which takes what is left
of a batch) never takes them while reserved. If the reservation is then spent, they
were spent in time: nothing expires. If it is released after their batch's expiry,
those points expire at the release (an ``expire`` entry of their batch right after
the ``release``), and never come back spendable; the other released points go back
to their own batch, with its expiry.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from freezegun import freeze_time
from saleor.giftcard.models import GiftCard
from saleor.graphql.tests.fixtures import ApiClient

from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.ledger import post_entry
from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyEntry, LoyaltyRedemption
from saleor_crm_plugin.loyalty.tasks import expire_points_task
from tests.fixtures.loyalty import balance_of, ledger_entries
from tests.graphql.loyalty.checkout_utils import (
    apply_points,
    query_checkout,
    remove_points,
)
from tests.hostile.points import (
    add_promo_code,
    assert_ledger_agrees_with_cards,
    checkout_total,
    complete,
    pay_by_card,
)


def _points_expiring(customer, channel, *batches) -> None:
    """Bonus batches of (points, days until they expire) for ``customer``."""
    account = account_get_or_create(user_id=customer.pk, channel_id=channel.pk)
    now = timezone.now()
    for index, (points, days) in enumerate(batches):
        post_entry(
            account=account,
            points=points,
            entry_type=EntryType.BONUS,
            idempotency_key=f"bonus:{index}",
            expires_at=now + datetime.timedelta(days=days),
        )


def test_points_released_after_their_expiry_expire_instead_of_coming_back(
    user_api_client, crm_usd, shopper_checkout, customer_user
):
    # given: 300 points expiring in 10 days and 700 in 300 days on top of the
    # shopper's 1000 (no expiry), 1300 of them reserved on the checkout
    _points_expiring(customer_user, crm_usd, (300, 10), (700, 300))
    checkout = shopper_checkout
    assert apply_points(user_api_client, checkout, 1300)["errors"] == []
    later = timezone.now() + datetime.timedelta(days=11)

    # when: 11 days later the expiry runs, then the shopper removes the points
    with freeze_time(later):
        shopper = ApiClient(user=customer_user)  # signed in again, 11 days later
        expire_points_task()
        removed = remove_points(shopper, checkout)
        right_after = query_checkout(shopper, checkout)["loyalty"]["availablePoints"]
        expire_points_task()
        loyalty = query_checkout(shopper, checkout)["loyalty"]

    # then: the 300 expired at the release, never spendable again; the other 1000
    # are back and keep their own expiry
    assert removed["errors"] == []
    assert right_after == 1700
    assert ledger_entries()[-2:] == [
        (EntryType.RELEASE, 1300),
        (EntryType.EXPIRE, -300),
    ]
    assert balance_of(customer_user, crm_usd) == 1700
    assert loyalty["availablePoints"] == 1700
    assert LoyaltyEntry.objects.filter(type=EntryType.EXPIRE).count() == 1
    assert_ledger_agrees_with_cards()


def test_points_spent_after_their_batch_expired_stay_spent(
    user_api_client, crm_usd, shopper_checkout, customer_user
):
    # given: 300 points expiring in 10 days, all 1300 reserved on the checkout
    _points_expiring(customer_user, crm_usd, (300, 10))
    checkout = shopper_checkout
    assert apply_points(user_api_client, checkout, 1300)["errors"] == []

    # when: 11 days later the expiry runs, then the order is completed with the card
    with freeze_time(timezone.now() + datetime.timedelta(days=11)):
        shopper = ApiClient(user=customer_user)  # signed in again, 11 days later
        expire_points_task()
        pay_by_card(checkout, checkout_total(checkout))
        data = complete(shopper, checkout)
        expire_points_task()

    # then: the points paid 13.00 of the order; nothing expired
    assert data["errors"] == []
    assert list(LoyaltyRedemption.objects.values_list("status", "spent_points")) == [
        ("spent", 1300)
    ]
    assert LoyaltyEntry.objects.filter(type=EntryType.EXPIRE).count() == 0
    assert GiftCard.objects.get().current_balance_amount == Decimal(0)
    # 30.00 of lines, 13.00 of them paid with points: 17 points earned
    assert balance_of(customer_user, crm_usd) == 17
    assert_ledger_agrees_with_cards()


def test_points_spent_in_part_take_the_expired_batch_first(
    user_api_client, crm_usd, shopper_checkout, customer_user, voucher
):
    # given: 300 points expiring in 10 days, all 1300 reserved on the checkout;
    # 11 days later a 30.00 voucher leaves 10.00 (the shipping) for the card to pay
    _points_expiring(customer_user, crm_usd, (300, 10))
    voucher.channel_listings.update(discount_value=Decimal(30))
    checkout = shopper_checkout
    assert apply_points(user_api_client, checkout, 1300)["errors"] == []

    # when
    with freeze_time(timezone.now() + datetime.timedelta(days=11)):
        shopper = ApiClient(user=customer_user)  # signed in again, 11 days later
        assert add_promo_code(shopper, checkout, "mirumee")["errors"] == []
        data = complete(shopper, checkout)
        expire_points_task()

    # then: the 1000 points spent took the expiring 300 first; the 300 released went
    # back to the shopper's later batch and keep its expiry, so nothing expired
    assert data["errors"] == []
    assert list(LoyaltyRedemption.objects.values_list("status", "spent_points")) == [
        ("spent", 1000)
    ]
    assert ledger_entries()[-1] == (EntryType.RELEASE, 300)
    release = LoyaltyEntry.objects.get(type=EntryType.RELEASE)
    adjust = LoyaltyEntry.objects.get(type=EntryType.ADJUST)
    assert list(release.allocations.values_list("batch", "points")) == [(adjust.pk, -300)]
    assert release.remaining == 0
    assert LoyaltyEntry.objects.values_list("remaining", "expires_at").get(pk=adjust.pk) == (
        300,
        adjust.expires_at,
    )
    assert LoyaltyEntry.objects.get(type=EntryType.BONUS).remaining == 0
    assert LoyaltyEntry.objects.filter(type=EntryType.EXPIRE).count() == 0
    assert balance_of(customer_user, crm_usd) == 300
    assert_ledger_agrees_with_cards()
