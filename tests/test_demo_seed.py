"""The demo's CRM seeding (demo.seed) on a small shop: data in every view, and only once."""

from decimal import Decimal

import pytest
from django.db.models import F
from saleor.account.models import User
from saleor.checkout.models import Checkout
from saleor.order import OrderChargeStatus
from saleor.order.models import Order

from demo.prepare import activate_crm
from demo import seed_carts
from demo.seed import crm_seed
from saleor_crm_plugin.carts.models import (
    AbandonedCheckout,
    AbandonedStatus,
    CartReminder,
    ReminderStatus,
)
from saleor_crm_plugin.consent.models import MarketingConsent
from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyAccount, LoyaltyEntry
from saleor_crm_plugin.segments.models import CustomerRfm, CustomerSegment, SegmentMembership
from saleor_crm_plugin.segments.tags import user_tags

# What each customer of the small shop paid for their orders (net; 23 % tax on top).
SPENDING = [(400, 250, 90), (120, 60), (300,), (80, 80, 80, 80), (45,), (700, 20), (150, 150)]


@pytest.fixture
def small_shop(channel_USD, address, product, shipping_zone, crm_order):
    """channel_USD with the demo programme, seven customers and their paid orders."""
    activate_crm(channel_USD.slug)
    for number, amounts in enumerate(SPENDING):
        user = User.objects.create(
            email=f"customer{number}@example.com",
            default_shipping_address=address.get_copy(),
            default_billing_address=address.get_copy(),
        )
        for amount in amounts:
            crm_order(channel_USD, [(Decimal(amount), 1)], user=user)
    # Paid in full, as the sample data's orders are.
    Order.objects.update(
        charge_status=OrderChargeStatus.FULL, total_charged_amount=F("total_gross_amount")
    )
    return channel_USD


def crm_counts() -> dict[str, int]:
    return {
        "entries": LoyaltyEntry.objects.count(),
        "accounts": LoyaltyAccount.objects.count(),
        "segments": CustomerSegment.objects.count(),
        "members": SegmentMembership.objects.count(),
        "rfm": CustomerRfm.objects.count(),
        "abandoned": AbandonedCheckout.objects.count(),
        "reminders": CartReminder.objects.count(),
        "consents": MarketingConsent.objects.count(),
        "orders": Order.objects.count(),
        "checkouts": Checkout.objects.count(),
    }


def test_seed_fills_every_view_of_the_crm(small_shop, capsys):
    # when
    crm_seed(small_shop.slug)

    # then: points, with their history
    accounts = LoyaltyAccount.objects.filter(channel=small_shop)
    assert accounts.count() == len(SPENDING)
    assert accounts.filter(balance__gt=0).count() >= 3
    assert accounts.exclude(tier_name="").exists()
    entry_types = set(LoyaltyEntry.objects.values_list("type", flat=True))
    assert {EntryType.EARN, EntryType.EXPIRE, EntryType.REDEEM} <= entry_types
    # segments with members, tags and RFM scores
    segments = dict(CustomerSegment.objects.values_list("name", "member_count"))
    assert len(segments) == 6
    assert segments["Top spenders"] > 0
    assert segments["Lapsed (no order for 90 days)"] > 0
    assert CustomerRfm.objects.filter(channel=small_shop).count() == len(SPENDING)
    tagged = [user_tags(user_id=user_id) for user_id in accounts.values_list("user_id", flat=True)]
    assert sum("vip" in tags for tags in tagged) == 2
    # abandoned checkouts, reminded, one recovered
    abandoned = AbandonedCheckout.objects.filter(channel=small_shop)
    assert abandoned.count() == 9
    assert CartReminder.objects.filter(status=ReminderStatus.SENT).count() >= 8
    assert abandoned.filter(status=AbandonedStatus.SUPPRESSED).count() == 2
    recovered = abandoned.get(status=AbandonedStatus.RECOVERED)
    assert Order.objects.get(pk=recovered.order_id).checkout_token == str(recovered.token)
    assert MarketingConsent.objects.filter(granted=False).count() == 1
    # progress: a line a step
    output = capsys.readouterr().out.splitlines()
    assert output[0].startswith(f"Backfilling 15 customer orders of {small_shop.slug} into points")
    assert [line.split("...")[0] for line in output] == [
        f"Backfilling 15 customer orders of {small_shop.slug} into points",
        "Abandoned checkouts and their reminders",
        "Tags, RFM scores and example segments",
    ]


def test_seed_a_second_time_changes_nothing(small_shop, capsys):
    # given
    crm_seed(small_shop.slug)
    before = crm_counts()
    balances = dict(LoyaltyAccount.objects.values_list("user_id", "balance"))
    capsys.readouterr()

    # when
    crm_seed(small_shop.slug)

    # then
    assert crm_counts() == before
    assert dict(LoyaltyAccount.objects.values_list("user_id", "balance")) == balances
    output = capsys.readouterr().out.splitlines()
    assert output[:2] == [
        "Loyalty history: already in the ledger.",
        "Abandoned checkouts and their reminders... already there (or cart recovery is off).",
    ]
    assert "0 segments created" in output[2]


def test_seed_interrupted_before_the_recovery_recovers_on_the_next_run(
    small_shop, monkeypatch, capsys
):
    # given: the first run stopped when the shopper came back
    def interrupted(*args, **kwargs):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(seed_carts, "_come_back", interrupted)
    with pytest.raises(RuntimeError):
        crm_seed(small_shop.slug)
    monkeypatch.undo()
    reminders = CartReminder.objects.count()
    capsys.readouterr()

    # when
    crm_seed(small_shop.slug)

    # then
    assert AbandonedCheckout.objects.count() == 9
    assert CartReminder.objects.count() == reminders
    assert AbandonedCheckout.objects.filter(status=AbandonedStatus.RECOVERED).count() == 1
    output = capsys.readouterr().out.splitlines()
    assert output[1].startswith("Abandoned checkouts and their reminders... done: order #")
    assert output[1].endswith(" recovered.")
