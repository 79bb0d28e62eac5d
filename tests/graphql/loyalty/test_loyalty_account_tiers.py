"""`LoyaltyAccount.tier / nextTier / progressToNextTier` from the channel's configuration."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.config import load_channel_program
from saleor_crm_plugin.loyalty import tiers
from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyAccount

from ...fixtures.loyalty import LoyaltyAccountFactory, LoyaltyEntryFactory
from ...fixtures.plugin import configure_crm
from .utils import written_rows

ME_TIER = """
query($channel: String!) {
  me {
    loyalty(channel: $channel) {
      tier { name multiplier } nextTier { name threshold } progressToNextTier
    }
  }
}
"""
TIERS = "Silver | 100 | 1.5\nGold | 500 | 2"


@pytest.fixture
def spend_account(customer_user, channel_USD):
    """An account with 250 spent inside the tier window and 1000 spent before it."""
    configure_crm(channel_USD, pending_period="0", tiers=TIERS, tier_window="365d")
    account = LoyaltyAccountFactory(user=customer_user, channel=channel_USD, balance=1250)
    LoyaltyEntryFactory(account=account, type=EntryType.EARN, points=250, spend_amount=250)
    LoyaltyEntryFactory(
        account=account,
        type=EntryType.EARN,
        points=1000,
        spend_amount=1000,
        occurred_at=timezone.now() - datetime.timedelta(days=400),
    )
    return account


SILVER = {"name": "Silver", "threshold": 100.0}
GOLD = {"name": "Gold", "threshold": 500.0}


@pytest.mark.crm_audit_skip
@pytest.mark.parametrize(
    ("tier_name", "expected"),
    [
        # not yet evaluated (the daily review would move it up)
        ("", {"tier": None, "nextTier": SILVER, "progressToNextTier": 1.0}),
        (
            "Silver",
            {
                "tier": {"name": "Silver", "multiplier": 1.5},
                "nextTier": GOLD,
                "progressToNextTier": 0.5,
            },
        ),
        (
            "Gold",
            {
                "tier": {"name": "Gold", "multiplier": 2.0},
                "nextTier": None,
                "progressToNextTier": 1.0,
            },
        ),
        # a tier renamed in the configuration since the account reached it
        ("Platinum", {"tier": None, "nextTier": SILVER, "progressToNextTier": 1.0}),
    ],
)
def test_tier_and_progress_on_spend(user_api_client, spend_account, tier_name, expected):
    # given: the stored tier; progress counts only the 250 spent inside the window
    LoyaltyAccount.objects.filter(pk=spend_account.pk).update(tier_name=tier_name)
    rows = written_rows()

    # when
    response = user_api_client.post_graphql(ME_TIER, {"channel": spend_account.channel.slug})

    # then
    assert get_graphql_content(response)["data"]["me"]["loyalty"] == expected
    assert written_rows() == rows


@pytest.mark.crm_audit_skip
def test_progress_below_first_tier(user_api_client, customer_user, channel_USD):
    # given
    configure_crm(channel_USD, pending_period="0", tiers=TIERS)
    account = LoyaltyAccountFactory(user=customer_user, channel=channel_USD, balance=25)
    LoyaltyEntryFactory(account=account, type=EntryType.EARN, points=25, spend_amount=25)

    # when
    response = user_api_client.post_graphql(ME_TIER, {"channel": channel_USD.slug})

    # then
    assert get_graphql_content(response)["data"]["me"]["loyalty"] == {
        "tier": None,
        "nextTier": SILVER,
        "progressToNextTier": 0.25,
    }


def test_points_basis_after_a_paid_order_matches_the_domain(
    user_api_client, customer_user, crm_usd, paid_order
):
    # given: the order's points reach Silver; Gold is far away
    configure_crm(
        crm_usd,
        pending_period="0",
        tier_basis="points",
        tiers="Silver | 1 | 1.5\nGold | 1000000 | 2",
    )
    paid_order()
    account = LoyaltyAccount.objects.get(user=customer_user, channel=crm_usd)
    basis = tiers.tier_basis_value(account, load_channel_program(crm_usd.pk), timezone.now())

    # when
    response = user_api_client.post_graphql(ME_TIER, {"channel": crm_usd.slug})

    # then
    assert basis == Decimal(account.lifetime_points)
    assert get_graphql_content(response)["data"]["me"]["loyalty"] == {
        "tier": {"name": "Silver", "multiplier": 1.5},
        "nextTier": {"name": "Gold", "threshold": 1000000.0},
        "progressToNextTier": float(basis / 1000000),
    }
