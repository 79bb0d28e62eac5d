"""Deleting a customer or a channel through Saleor's mutations, whatever their points history.

A deleted customer's accounts stay, pseudonymised (no user, ``anonymised_at`` set), so
the points liability and every report keep their sums; deleting a channel purges its
accounts with their entries.
"""

import datetime

import graphene
from django.db.models import Sum
from django.utils import timezone
from saleor.account.models import User
from saleor.core.tokens import account_delete_token_generator
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.audit import ledger_audit
from saleor_crm_plugin.loyalty.ledger import post_entry
from saleor_crm_plugin.loyalty.models import (
    EntryType,
    LoyaltyAccount,
    LoyaltyAllocation,
    LoyaltyEntry,
    LoyaltyNotice,
    LoyaltyTierChange,
)
from saleor_crm_plugin.loyalty.notifications import expiry_warnings_send
from saleor_crm_plugin.loyalty.points_lifecycle import due_points_expire
from saleor_crm_plugin.loyalty.tiers import tiers_reevaluate
from tests.fixtures.plugin import configure_crm

CUSTOMER_DELETE = """
mutation CustomerDelete($id: ID!) {
  customerDelete(id: $id) { errors { field code message } }
}
"""

ACCOUNT_DELETE = """
mutation AccountDelete($token: String!) {
  accountDelete(token: $token) { errors { field code message } }
}
"""

CHANNEL_DELETE = """
mutation ChannelDelete($id: ID!, $input: ChannelDeleteInput) {
  channelDelete(id: $id, input: $input) { errors { field code message } }
}
"""


def _history_with_reversal_and_expiry(user, channel) -> LoyaltyAccount:
    """An account whose entries point to other entries: a reversal and an expiry."""
    account = account_get_or_create(user_id=user.pk, channel_id=channel.pk)
    now = timezone.now()
    earn = post_entry(
        account=account, points=100, entry_type=EntryType.EARN, idempotency_key=f"e:{user.pk}"
    ).entry
    post_entry(
        account=account,
        points=-30,
        entry_type=EntryType.REVERSE,
        idempotency_key=f"r:{user.pk}",
        batch=earn,
    )
    post_entry(
        account=account,
        points=50,
        entry_type=EntryType.BONUS,
        idempotency_key=f"b:{user.pk}",
        expires_at=now - datetime.timedelta(days=1),
    )
    post_entry(
        account=account, points=-20, entry_type=EntryType.REDEEM, idempotency_key=f"x:{user.pk}"
    )
    assert due_points_expire(now=now) == 1
    return account


def _liability(channel) -> tuple[int, int, int]:
    """(accounts, Σ balance, Σ entry points) of the channel."""
    accounts = LoyaltyAccount.objects.filter(channel=channel)
    return (
        accounts.count(),
        accounts.aggregate(total=Sum("balance"))["total"],
        LoyaltyEntry.objects.filter(account__channel=channel).aggregate(total=Sum("points"))[
            "total"
        ],
    )


def test_staff_deletes_a_customer_with_reversals_and_expiries(
    staff_api_client, permission_manage_users, crm_usd, customer_user, customer_user2
):
    # given: two customers with the same kind of history
    account = _history_with_reversal_and_expiry(customer_user, crm_usd)
    _history_with_reversal_and_expiry(customer_user2, crm_usd)
    liability_before = _liability(crm_usd)
    entries_before = LoyaltyEntry.objects.filter(account=account).count()

    # when
    response = staff_api_client.post_graphql(
        CUSTOMER_DELETE,
        {"id": graphene.Node.to_global_id("User", customer_user.pk)},
        permissions=[permission_manage_users],
    )

    # then: the customer is gone, their account stays without them
    assert get_graphql_content(response)["data"]["customerDelete"]["errors"] == []
    assert not User.objects.filter(pk=customer_user.pk).exists()
    account.refresh_from_db()
    assert account.user_id is None
    assert account.anonymised_at is not None
    assert (account.balance, account.lifetime_points) == (70, 120)
    assert LoyaltyEntry.objects.filter(account=account).count() == entries_before
    other = LoyaltyAccount.objects.get(user=customer_user2)
    assert other.anonymised_at is None
    assert _liability(crm_usd) == liability_before == (2, 140, 140)
    assert ledger_audit() == (2, [])


def test_customer_deletes_their_own_account_with_reversals_and_expiries(
    user_api_client, crm_usd, customer_user
):
    # given
    account = _history_with_reversal_and_expiry(customer_user, crm_usd)
    liability_before = _liability(crm_usd)
    customer_user.last_login = timezone.now()
    customer_user.save(update_fields=["last_login"])
    token = account_delete_token_generator.make_token(customer_user)

    # when: the customer confirms the deletion with the token Saleor e-mailed
    response = user_api_client.post_graphql(ACCOUNT_DELETE, {"token": token})

    # then
    assert get_graphql_content(response)["data"]["accountDelete"]["errors"] == []
    assert not User.objects.filter(pk=customer_user.pk).exists()
    account.refresh_from_db()
    assert (account.user_id, account.anonymised_at is not None) == (None, True)
    assert _liability(crm_usd) == liability_before == (1, 70, 70)
    assert ledger_audit() == (1, [])


def test_deleting_a_channel_purges_its_accounts_and_keeps_the_others(
    staff_api_client,
    permission_manage_channels,
    crm_usd,
    other_channel_USD,
    customer_user,
):
    # given: the customer has a history in both channels
    configure_crm(other_channel_USD, pending_period="0")
    _history_with_reversal_and_expiry(customer_user, crm_usd)
    kept = account_get_or_create(user_id=customer_user.pk, channel_id=other_channel_USD.pk)
    post_entry(account=kept, points=10, entry_type=EntryType.BONUS, idempotency_key="kept")

    # when
    response = staff_api_client.post_graphql(
        CHANNEL_DELETE,
        {
            "id": graphene.Node.to_global_id("Channel", crm_usd.pk),
            "input": {"channelId": graphene.Node.to_global_id("Channel", other_channel_USD.pk)},
        },
        permissions=[permission_manage_channels],
    )

    # then: the channel's ledger is gone with it; the other channel's is untouched
    assert get_graphql_content(response)["data"]["channelDelete"]["errors"] == []
    assert list(LoyaltyAccount.objects.values_list("pk", "balance")) == [(kept.pk, 10)]
    assert list(LoyaltyEntry.objects.values_list("idempotency_key", flat=True)) == ["kept"]
    assert LoyaltyAllocation.objects.count() == 0
    assert ledger_audit() == (1, [])


LOYALTY_ACCOUNTS = """
query($channel: String!) {
  loyaltyAccounts(channel: $channel, first: 10) {
    totalCount
    edges { node { balance user { email } } }
  }
}
"""


def test_a_deleted_customers_account_is_left_out_of_lists_warnings_and_tier_reviews(
    staff_api_client,
    permission_manage_users,
    channel_USD,
    customer_user,
    customer_user2,
):
    # given: points expiring within the warning window and a tier reached, for two
    # customers; then one of them is deleted
    configure_crm(
        channel_USD,
        pending_period="0",
        points_expire_after="365d",
        expiry_warning_before="30d",
        tier_basis="points",
        tiers="Silver | 50 | 1",
    )
    now = timezone.now()
    for customer in (customer_user, customer_user2):
        account = account_get_or_create(user_id=customer.pk, channel_id=channel_USD.pk)
        post_entry(
            account=account,
            points=100,
            entry_type=EntryType.BONUS,
            idempotency_key=f"soon:{customer.pk}",
            expires_at=now + datetime.timedelta(days=5),
        )
    deleted = LoyaltyAccount.objects.get(user=customer_user)
    response = staff_api_client.post_graphql(
        CUSTOMER_DELETE,
        {"id": graphene.Node.to_global_id("User", customer_user.pk)},
        permissions=[permission_manage_users],
    )
    assert get_graphql_content(response)["data"]["customerDelete"]["errors"] == []

    # when
    listed = get_graphql_content(
        staff_api_client.post_graphql(LOYALTY_ACCOUNTS, {"channel": channel_USD.slug})
    )["data"]["loyaltyAccounts"]
    warned = expiry_warnings_send(now=now)
    reviewed = tiers_reevaluate(now=now)

    # then: only the remaining customer is listed, warned and reviewed
    assert listed == {
        "totalCount": 1,
        "edges": [{"node": {"balance": 100, "user": {"email": customer_user2.email}}}],
    }
    assert warned == 1
    assert list(LoyaltyNotice.objects.values_list("account__user", flat=True)) == [
        customer_user2.pk
    ]
    assert reviewed == 1
    assert LoyaltyTierChange.objects.filter(account=deleted).count() == 0
    assert due_points_expire(now=now + datetime.timedelta(days=6)) == 2
    assert ledger_audit() == (2, [])


CUSTOMER_BULK_DELETE = """
mutation CustomerBulkDelete($ids: [ID!]!) {
  customerBulkDelete(ids: $ids) { count errors { field code message } }
}
"""


def test_bulk_deletion_pseudonymises_every_deleted_customers_account(
    staff_api_client, permission_manage_users, crm_usd, other_channel_USD, customer_users
):
    # given: three customers with histories, two of them in two channels
    configure_crm(other_channel_USD, pending_period="0")
    for customer in customer_users:
        _history_with_reversal_and_expiry(customer, crm_usd)
    for customer in customer_users[:2]:
        account = account_get_or_create(user_id=customer.pk, channel_id=other_channel_USD.pk)
        post_entry(
            account=account,
            points=5,
            entry_type=EntryType.BONUS,
            idempotency_key=f"other:{customer.pk}",
        )
    kept = customer_users[2]

    # when: two of them are deleted in one bulk deletion
    response = staff_api_client.post_graphql(
        CUSTOMER_BULK_DELETE,
        {
            "ids": [
                graphene.Node.to_global_id("User", customer.pk) for customer in customer_users[:2]
            ]
        },
        permissions=[permission_manage_users],
    )

    # then: their four accounts are kept without them; the third customer's is intact
    data = get_graphql_content(response)["data"]["customerBulkDelete"]
    assert (data["count"], data["errors"]) == (2, [])
    rows = LoyaltyAccount.objects.order_by("channel_id", "pk").values_list(
        "channel_id", "user_id", "anonymised_at", "balance"
    )
    assert [
        (channel_id, user, anonymised_at is not None, balance)
        for channel_id, user, anonymised_at, balance in rows
    ] == [
        (crm_usd.pk, None, True, 70),
        (crm_usd.pk, None, True, 70),
        (crm_usd.pk, kept.pk, False, 70),
        (other_channel_USD.pk, None, True, 5),
        (other_channel_USD.pk, None, True, 5),
    ]
    assert ledger_audit() == (5, [])
