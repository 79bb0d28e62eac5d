"""Allocations: which batches a debit took its points from, and releases giving them back."""

import datetime
import importlib

import pytest
from django.db import connection
from django.utils import timezone

from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.error_codes import LoyaltyErrorCode
from saleor_crm_plugin.loyalty.exceptions import InsufficientPoints, InvalidPoints
from saleor_crm_plugin.loyalty.audit import ledger_audit
from saleor_crm_plugin.loyalty.ledger import (
    EntrySource,
    mature_batch,
    post_entry,
    release_debit,
)
from saleor_crm_plugin.loyalty.models import (
    EntryStatus,
    EntryType,
    LoyaltyAccount,
    LoyaltyAllocation,
    LoyaltyEntry,
)
from saleor_crm_plugin.loyalty.points_lifecycle import due_points_expire
from tests.fixtures.loyalty import (
    LoyaltyEntryFactory,
    account_state,
    ledger_problems,
    ledger_triggers_disabled,
)
from tests.graphql.loyalty.checkout_utils import (
    apply_points,
    customer_checkout,
    remove_points,
)


def _batch(account, points, key, expires_at):
    return post_entry(
        account=account,
        points=points,
        entry_type=EntryType.ADJUST,
        idempotency_key=key,
        expires_at=expires_at,
    ).entry


def _soon_and_late(now):
    """Expiry dates 10 and 300 days after ``now``."""
    return now + datetime.timedelta(days=10), now + datetime.timedelta(days=300)


def _reserve_two_batches(account, *, soon, late):
    """300 points expiring ``soon`` and 700 ``late``, all reserved by one redemption."""
    _batch(account, 300, "soon", soon)
    _batch(account, 700, "late", late)
    return post_entry(
        account=account, points=-1000, entry_type=EntryType.REDEEM, idempotency_key="r"
    ).entry


def _remaining_and_expiry(*keys):
    rows = {
        key: (remaining, expires_at)
        for key, remaining, expires_at in LoyaltyEntry.objects.values_list(
            "idempotency_key", "remaining", "expires_at"
        )
    }
    return [rows[key] for key in keys]


def _allocations():
    """(entry key, batch key, points) of every allocation, in writing order."""
    return list(
        LoyaltyAllocation.objects.order_by("pk").values_list(
            "entry__idempotency_key", "batch__idempotency_key", "points"
        )
    )


def test_removed_points_go_back_to_their_batches_with_their_own_expiry(
    user_api_client, crm_usd, checkout_with_item, customer_user
):
    # given: 300 points expiring in 10 days and 700 in 300 days, all applied
    now = timezone.now()
    soon, late = _soon_and_late(now)
    checkout = customer_checkout(checkout_with_item, customer_user)
    account = account_get_or_create(user_id=customer_user.pk, channel_id=crm_usd.pk)
    _batch(account, 300, "soon", soon)
    _batch(account, 700, "late", late)
    assert apply_points(user_api_client, checkout, 1000)["errors"] == []
    redeem_key = LoyaltyEntry.objects.get(type=EntryType.REDEEM).idempotency_key

    # when: the shopper removes them
    assert remove_points(user_api_client, checkout)["errors"] == []

    # then: each batch holds its points again, expiring when it always did
    assert _remaining_and_expiry("soon", "late") == [(300, soon), (700, late)]
    release = LoyaltyEntry.objects.get(type=EntryType.RELEASE)
    assert (release.points, release.remaining, release.expires_at) == (1000, 0, None)
    assert _allocations() == [
        (redeem_key, "soon", 300),
        (redeem_key, "late", 700),
        (release.idempotency_key, "late", -700),
        (release.idempotency_key, "soon", -300),
    ]
    assert account_state(account) == (1000, 0, 1000)
    assert ledger_problems() == []


def test_partly_spent_redemption_gives_back_the_latest_expiring_points(usd_account):
    # given: 1000 points reserved from two batches
    now = timezone.now()
    soon, late = _soon_and_late(now)
    redeem = _reserve_two_batches(usd_account, soon=soon, late=late)

    # when: 200 were spent, 800 are released (twice: a replay)
    first = release_debit(
        account=usd_account, debit=redeem, points=800, idempotency_key="rel", now=now
    )
    replay = release_debit(
        account=usd_account, debit=redeem, points=800, idempotency_key="rel", now=now
    )

    # then: the spent points are the ones that expire first
    assert (first.created, replay.created, replay.entry.pk) == (True, False, first.entry.pk)
    assert _remaining_and_expiry("soon", "late") == [(100, soon), (700, late)]
    assert account_state(usd_account) == (800, 0, 1000)
    assert ledger_problems() == []


def test_share_of_a_batch_that_expired_meanwhile_expires_on_release(usd_account):
    # given: 300 points of a batch that expired while reserved, and 700 still valid
    # (the ledger's dates never change: time passes instead, to ``later``)
    now = timezone.now()
    expired_at, late = now + datetime.timedelta(days=10), now + datetime.timedelta(days=300)
    later = now + datetime.timedelta(days=11)
    _batch(usd_account, 300, "expired", expired_at)
    _batch(usd_account, 700, "late", late)
    redeem = post_entry(
        account=usd_account, points=-1000, entry_type=EntryType.REDEEM, idempotency_key="r"
    ).entry
    assert due_points_expire(now=later) == 0  # nothing left in it to expire

    # when
    release_debit(account=usd_account, debit=redeem, points=1000, idempotency_key="rel", now=later)

    # then: the expired batch's share comes back and expires at once, never spendable
    assert _remaining_and_expiry("expired", "late") == [(0, expired_at), (700, late)]
    expiry = LoyaltyEntry.objects.get(type=EntryType.EXPIRE)
    assert (expiry.points, expiry.batch.idempotency_key, expiry.occurred_at) == (
        -300,
        "expired",
        expired_at,
    )
    assert account_state(usd_account) == (700, 0, 1000)
    assert due_points_expire(now=later) == 0
    assert ledger_problems() == []


def test_batch_expired_twice_gets_a_key_per_expiry(usd_account):
    # given: a batch partly reserved when it expired; the rest expired on schedule
    now = timezone.now()
    later = now + datetime.timedelta(days=11)
    _batch(usd_account, 500, "batch", now + datetime.timedelta(days=10))
    redeem = post_entry(
        account=usd_account, points=-200, entry_type=EntryType.REDEEM, idempotency_key="r"
    ).entry
    assert due_points_expire(now=later) == 1

    # when: the reservation is released after the expiry
    release_debit(account=usd_account, debit=redeem, points=200, idempotency_key="rel", now=later)

    # then
    batch_pk = LoyaltyEntry.objects.get(idempotency_key="batch").pk
    assert list(
        LoyaltyEntry.objects.filter(type=EntryType.EXPIRE)
        .order_by("pk")
        .values_list("idempotency_key", "points")
    ) == [(f"expire:{batch_pk}", -300), (f"expire:{batch_pk}:1", -200)]
    assert account_state(usd_account) == (0, 0, 500)
    assert ledger_problems() == []


def test_release_of_more_than_the_debit_holds_raises_and_writes_nothing(usd_account):
    # given
    _batch(usd_account, 100, "b", None)
    redeem = post_entry(
        account=usd_account, points=-60, entry_type=EntryType.REDEEM, idempotency_key="r"
    ).entry
    release_debit(account=usd_account, debit=redeem, points=50, idempotency_key="rel-1")

    # when / then
    with pytest.raises(InvalidPoints) as error:
        release_debit(account=usd_account, debit=redeem, points=11, idempotency_key="rel-2")
    assert (error.value.field, error.value.code) == ("points", LoyaltyErrorCode.OUT_OF_RANGE)
    assert not LoyaltyEntry.objects.filter(idempotency_key="rel-2").exists()
    assert account_state(usd_account) == (90, 0, 100)


def test_every_debit_records_the_batches_it_took_and_credits_the_debt_they_repaid(
    usd_account,
):
    # given: a batch partly spent, then reversed into debt
    earn = post_entry(
        account=usd_account, points=100, entry_type=EntryType.EARN, idempotency_key="earn"
    ).entry
    post_entry(account=usd_account, points=-70, entry_type=EntryType.ADJUST, idempotency_key="adj")

    # when: the earn is reversed (30 left in it, 70 become debt), then a credit repays
    post_entry(
        account=usd_account,
        points=-100,
        entry_type=EntryType.REVERSE,
        idempotency_key="rev",
        batch=earn,
    )
    post_entry(account=usd_account, points=90, entry_type=EntryType.BONUS, idempotency_key="bonus")

    # then
    assert _allocations() == [
        ("adj", "earn", 70),
        ("rev", "earn", 30),
        ("bonus", "bonus", 70),
    ]
    assert _remaining_and_expiry("earn", "bonus") == [(0, None), (20, None)]
    assert account_state(usd_account) == (20, 0, 90)
    assert ledger_problems() == []


@pytest.mark.crm_audit_skip
def test_audit_finds_a_batch_whose_remaining_its_allocations_do_not_explain(
    usd_account, customer_user2, channel_USD
):
    # given: two accounts, each with two batches, balances matching their entries
    other = LoyaltyAccount.objects.create(user=customer_user2, channel=channel_USD)
    for account in (usd_account, other):
        _batch(account, 50, f"a:{account.pk}", None)
        _batch(account, 50, f"b:{account.pk}", None)
        post_entry(
            account=account,
            points=-30,
            entry_type=EntryType.REDEEM,
            idempotency_key=f"r:{account.pk}",
            source=EntrySource(reason="test"),
        )
    assert ledger_audit() == (2, [])

    # when: one account's points move between its batches behind the writer's back
    # (sum of remaining and balances still agree)
    LoyaltyEntry.objects.filter(idempotency_key=f"a:{usd_account.pk}").update(remaining=50)
    LoyaltyEntry.objects.filter(idempotency_key=f"b:{usd_account.pk}").update(remaining=20)

    # then
    checked, mismatches = ledger_audit()
    assert checked == 2
    assert [(audit.account_id, audit.problems) for audit in mismatches] == [
        (usd_account.pk, ["2 batch(es) with remaining != points - allocations"])
    ]


def test_migration_backfills_the_allocations_of_a_ledger_written_before_them(
    usd_account,
):
    # given: entries as the previous writer left them: a redemption of 1000 recording
    # what it consumed, its release as a new batch (400, 50 of them spent since), and
    # a pending earn with a pending reversal; no allocations
    now = timezone.now()
    soon, late = _soon_and_late(now)
    raw = dict(account=usd_account, created_at=now, type=EntryType.ADJUST)
    first = LoyaltyEntryFactory(**raw, points=300, expires_at=soon, idempotency_key="a")
    second = LoyaltyEntryFactory(**raw, points=700, expires_at=late, idempotency_key="b")
    redeem = LoyaltyEntryFactory(
        **{**raw, "type": EntryType.REDEEM},
        points=-1000,
        idempotency_key="redeem:7",
        details={
            "consumed": [
                {"batch": first.pk, "points": 300, "expires_at": soon.isoformat()},
                {"batch": second.pk, "points": 700, "expires_at": late.isoformat()},
            ]
        },
    )
    release = LoyaltyEntryFactory(
        **{**raw, "type": EntryType.RELEASE},
        points=400,
        remaining=350,
        expires_at=soon,
        idempotency_key="release:7",
    )
    LoyaltyEntryFactory(**raw, points=-50, idempotency_key="spent")
    earn = LoyaltyEntryFactory(
        **{**raw, "type": EntryType.EARN},
        points=80,
        status=EntryStatus.PENDING,
        idempotency_key="earn",
    )
    LoyaltyEntryFactory(
        **{**raw, "type": EntryType.REVERSE},
        points=-30,
        status=EntryStatus.PENDING,
        batch=earn,
        idempotency_key="reverse",
    )
    LoyaltyAccount.objects.filter(pk=usd_account.pk).update(balance=350, pending=50)
    migration = importlib.import_module("saleor_crm_plugin.migrations.0009_loyalty_allocations")

    # when: the backfill runs as the migration ran it, before the ledger's triggers
    with ledger_triggers_disabled(), connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL_ALLOCATIONS)

    # then: every batch's remaining is explained, the release names its redemption
    assert _allocations() == [
        ("redeem:7", "a", 300),
        ("redeem:7", "b", 700),
        ("reverse", "earn", 30),
        ("release:7", "release:7", 50),
    ]
    release.refresh_from_db()
    assert release.restores_id == redeem.pk
    assert ledger_problems() == []
    # and the ledger goes on from there: maturing, then releasing what the redemption
    # still holds (the 400 released before came from the earliest-expiring batch)
    assert mature_batch(batch_id=earn.pk, now=now) is True
    release_debit(account=usd_account, debit=redeem, points=600, idempotency_key="rest", now=now)
    assert _remaining_and_expiry("a", "b") == [(0, soon), (600, late)]
    assert account_state(usd_account) == (1000, 0, 0)
    assert ledger_problems() == []


def test_pending_reversal_cannot_take_more_than_is_left_of_its_batch(usd_account):
    # given: two pending earns of 10 points; 6 of the first already reversed
    first, _second = (
        post_entry(
            account=usd_account,
            points=10,
            entry_type=EntryType.EARN,
            idempotency_key=key,
            status=EntryStatus.PENDING,
        ).entry
        for key in ("earn-1", "earn-2")
    )
    post_entry(
        account=usd_account,
        points=-6,
        entry_type=EntryType.REVERSE,
        idempotency_key="reverse-1",
        batch=first,
    )

    # when: a reversal of more than the 4 left of the first batch (the account has 14)
    with pytest.raises(InsufficientPoints):
        post_entry(
            account=usd_account,
            points=-5,
            entry_type=EntryType.REVERSE,
            idempotency_key="reverse-2",
            batch=first,
        )

    # then: nothing written; the batch matures with what is left of it
    assert not LoyaltyEntry.objects.filter(idempotency_key="reverse-2").exists()
    assert account_state(usd_account) == (0, 14, 14)
    assert mature_batch(batch_id=first.pk, now=timezone.now()) is True
    assert account_state(usd_account) == (4, 10, 14)
    assert ledger_problems() == []


def test_release_during_a_debt_repays_it_from_the_points_expiring_first(usd_account):
    # given: 300 + 700 points reserved, then a staff debit of 200 makes a debt
    now = timezone.now()
    soon, late = _soon_and_late(now)
    redeem = _reserve_two_batches(usd_account, soon=soon, late=late)
    post_entry(account=usd_account, points=-200, entry_type=EntryType.ADJUST, idempotency_key="adj")
    assert account_state(usd_account) == (-200, 0, 1000)

    # when: the reservation is released
    release = release_debit(
        account=usd_account, debit=redeem, points=1000, idempotency_key="rel", now=now
    ).entry

    # then: the debt took 200 of the points expiring first
    assert _remaining_and_expiry("soon", "late") == [(100, soon), (700, late)]
    assert list(release.allocations.values_list("batch__idempotency_key", "points")) == [
        ("late", -700),
        ("soon", -100),
        ("rel", 200),
    ]
    assert account_state(usd_account) == (800, 0, 1000)
    assert ledger_problems() == []
