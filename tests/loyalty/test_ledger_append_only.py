"""The database keeps the ledger append-only, whoever writes to it.

The triggers of the ``ledger_append_only`` migration refuse to change what an entry
records and to delete an entry or an allocation, except in the purge of a deleted
channel; a deleted customer's account stays, pseudonymised.
"""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from saleor.account.models import User

from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.audit import ledger_audit
from saleor_crm_plugin.loyalty.ledger import EntrySource, mature_batch, post_entry
from saleor_crm_plugin.loyalty.models import (
    EntryStatus,
    EntryType,
    LoyaltyAccount,
    LoyaltyAllocation,
    LoyaltyEntry,
)
from tests.fixtures.loyalty import account_state
from tests.fixtures.plugin import configure_crm


def _spent_batch(account) -> tuple[LoyaltyEntry, LoyaltyEntry]:
    """A batch of 100 points, 30 of them redeemed: (the batch, the redemption)."""
    batch = post_entry(
        account=account, points=100, entry_type=EntryType.BONUS, idempotency_key="batch"
    ).entry
    redeem = post_entry(
        account=account, points=-30, entry_type=EntryType.REDEEM, idempotency_key="redeem"
    ).entry
    return batch, redeem


def _entry_rows() -> list[tuple]:
    return list(
        LoyaltyEntry.objects.order_by("pk").values_list(
            "idempotency_key", "account_id", "type", "status", "points", "remaining"
        )
    )


def test_database_refuses_an_update_of_an_entrys_points(usd_account):
    # given
    batch, _redeem = _spent_batch(usd_account)
    rows = _entry_rows()

    # when / then
    with pytest.raises(IntegrityError, match="cannot change what it records"):
        with transaction.atomic():
            LoyaltyEntry.objects.filter(pk=batch.pk).update(points=1000)
    assert _entry_rows() == rows
    assert account_state(usd_account) == (70, 0, 100)


def test_database_refuses_raw_sql_changing_an_entrys_points(usd_account):
    # given
    batch, _redeem = _spent_batch(usd_account)
    rows = _entry_rows()

    # when / then: not only the ORM, any SQL
    with pytest.raises(IntegrityError, match="cannot change what it records"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {LoyaltyEntry._meta.db_table} SET points = points + 1 WHERE id = %s",
                [batch.pk],
            )
    assert _entry_rows() == rows


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("type", EntryType.EARN),
        ("idempotency_key", "forged"),
        ("order_id", "7f5c1a47-a2a4-4b6e-9f7d-3b1f2b1f6f00"),
        ("source_reference", "forged"),
        ("spend_amount", 5),
        ("details", {"forged": True}),
        ("expires_at", datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)),
        ("reason", "forged"),
        ("created_at", datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)),
        ("occurred_at", datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)),
    ],
)
def test_database_refuses_an_update_of_what_an_entry_records(usd_account, column, value):
    # given
    batch, _redeem = _spent_batch(usd_account)
    rows = _entry_rows()

    # when / then
    with pytest.raises(IntegrityError, match="cannot change what it records"):
        with transaction.atomic():
            LoyaltyEntry.objects.filter(pk=batch.pk).update(**{column: value})
    assert _entry_rows() == rows


def test_database_refuses_moving_an_entry_to_another_account(usd_account, customer_user2, crm_usd):
    # given
    batch, _redeem = _spent_batch(usd_account)
    other = account_get_or_create(user_id=customer_user2.pk, channel_id=crm_usd.pk)
    rows = _entry_rows()

    # when / then
    with pytest.raises(IntegrityError, match="cannot change what it records"):
        with transaction.atomic():
            LoyaltyEntry.objects.filter(pk=batch.pk).update(account=other)
    assert _entry_rows() == rows


def test_database_refuses_making_an_available_entry_pending_again(usd_account):
    # given
    batch, _redeem = _spent_batch(usd_account)

    # when / then
    with pytest.raises(IntegrityError, match="cannot go from available to pending"):
        with transaction.atomic():
            LoyaltyEntry.objects.filter(pk=batch.pk).update(status=EntryStatus.PENDING)
    with pytest.raises(IntegrityError, match="its available_at is fixed"):
        with transaction.atomic():
            LoyaltyEntry.objects.filter(pk=batch.pk).update(available_at=timezone.now())
    assert LoyaltyEntry.objects.get(pk=batch.pk).status == EntryStatus.AVAILABLE


def test_database_refuses_a_delete_of_an_entry(usd_account):
    # given
    batch, redeem = _spent_batch(usd_account)
    rows = _entry_rows()

    # when / then: the ORM and raw SQL alike
    with pytest.raises(IntegrityError, match="cannot be deleted: the ledger is append-only"):
        with transaction.atomic():
            LoyaltyEntry.objects.filter(pk=redeem.pk).delete()
    with pytest.raises(IntegrityError, match="cannot be deleted: the ledger is append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {LoyaltyEntry._meta.db_table} WHERE id = %s", [batch.pk])
    assert _entry_rows() == rows
    assert account_state(usd_account) == (70, 0, 100)


def test_database_refuses_changing_or_deleting_an_allocation(usd_account):
    # given
    _batch, redeem = _spent_batch(usd_account)
    allocation = LoyaltyAllocation.objects.get(entry=redeem)

    # when / then
    with pytest.raises(IntegrityError, match="cannot be changed or deleted"):
        with transaction.atomic():
            LoyaltyAllocation.objects.filter(pk=allocation.pk).update(points=1)
    with pytest.raises(IntegrityError, match="cannot be changed or deleted"):
        with transaction.atomic():
            LoyaltyAllocation.objects.filter(pk=allocation.pk).delete()
    assert list(LoyaltyAllocation.objects.values_list("entry_id", "batch_id", "points")) == [
        (redeem.pk, allocation.batch_id, 30)
    ]


def test_database_refuses_deleting_an_account_with_its_ledger(usd_account):
    # given
    _spent_batch(usd_account)

    # when / then: an account goes only with its channel
    with pytest.raises(IntegrityError, match="cannot be deleted: its ledger is kept"):
        with transaction.atomic():
            LoyaltyAccount.objects.filter(pk=usd_account.pk).delete()
    assert account_state(usd_account) == (70, 0, 100)
    assert len(_entry_rows()) == 2


def test_the_writer_still_moves_what_the_design_moves(usd_account):
    # given: a pending earn, partly reversed while pending, then matured and spent
    earn = post_entry(
        account=usd_account,
        points=50,
        entry_type=EntryType.EARN,
        idempotency_key="earn",
        status=EntryStatus.PENDING,
    ).entry
    post_entry(
        account=usd_account,
        points=-10,
        entry_type=EntryType.REVERSE,
        idempotency_key="reverse",
        batch=earn,
    )

    # when: status, available_at and remaining move
    assert mature_batch(batch_id=earn.pk, now=timezone.now()) is True
    post_entry(account=usd_account, points=-15, entry_type=EntryType.REDEEM, idempotency_key="r")

    # then
    earn.refresh_from_db()
    assert (earn.status, earn.available_at is not None, earn.remaining) == (
        EntryStatus.AVAILABLE,
        True,
        25,
    )
    assert account_state(usd_account) == (25, 0, 40)


def test_deleting_a_channel_purges_its_ledger_and_nothing_else(
    usd_account, crm_usd, other_channel_USD, customer_user
):
    # given: the customer's ledger in two channels
    configure_crm(other_channel_USD, pending_period="0")
    _spent_batch(usd_account)
    kept = account_get_or_create(user_id=customer_user.pk, channel_id=other_channel_USD.pk)
    post_entry(account=kept, points=10, entry_type=EntryType.BONUS, idempotency_key="kept")

    # when: the channel is deleted through the ORM (Saleor's mutation: test_customer_deletion)
    crm_usd.delete()

    # then: its accounts, entries and allocations are gone; the other channel's stay
    assert list(LoyaltyAccount.objects.values_list("pk", "purged_at")) == [(kept.pk, None)]
    assert list(LoyaltyEntry.objects.values_list("idempotency_key", flat=True)) == ["kept"]
    assert LoyaltyAllocation.objects.count() == 0
    assert ledger_audit() == (1, [])
    # and the purge does not leave the door open for the rest of the transaction
    with pytest.raises(IntegrityError, match="cannot be deleted: the ledger is append-only"):
        with transaction.atomic():
            LoyaltyEntry.objects.filter(account=kept).delete()


def test_deleting_a_customer_keeps_their_account_pseudonymised(usd_account, customer_user):
    # given
    _spent_batch(usd_account)
    rows = _entry_rows()

    # when
    User.objects.get(pk=customer_user.pk).delete()

    # then: the account, its entries and its sums stay, without the customer
    usd_account.refresh_from_db()
    assert (usd_account.user_id, usd_account.anonymised_at is not None) == (None, True)
    assert _entry_rows() == rows
    assert account_state(usd_account) == (70, 0, 100)
    assert ledger_audit() == (1, [])


def test_deleting_the_staff_member_who_adjusted_keeps_the_entry(usd_account, staff_user):
    # given: a staff adjustment records who made it
    post_entry(
        account=usd_account,
        points=20,
        entry_type=EntryType.ADJUST,
        idempotency_key="adjust",
        source=EntrySource(reason="goodwill", actor_user_id=staff_user.pk),
    )

    # when: Saleor deletes the staff member (the actor becomes unknown, nothing else)
    staff_user.delete()

    # then
    entry = LoyaltyEntry.objects.get(idempotency_key="adjust")
    assert (entry.points, entry.reason, entry.actor_user_id) == (20, "goodwill", None)
    assert ledger_audit() == (1, [])
