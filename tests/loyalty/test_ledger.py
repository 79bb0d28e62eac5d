"""The ledger writer: invariants over a scripted sequence, idempotency, bad input."""

import datetime

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saleor_crm_plugin.loyalty.error_codes import LoyaltyErrorCode
from saleor_crm_plugin.loyalty.exceptions import InsufficientPoints, InvalidPoints
from saleor_crm_plugin.loyalty.ledger_sql import FIRST_READ
from saleor_crm_plugin.loyalty.ledger import (
    MAX_ENTRY_POINTS,
    EntrySource,
    mature_batch,
    post_entry,
)
from saleor_crm_plugin.loyalty.models import (
    EntryStatus,
    EntryType,
    LoyaltyAccount,
    LoyaltyAllocation,
    LoyaltyEntry,
)
from tests.fixtures.perf import statement_text
from tests.fixtures.loyalty import LoyaltyEntryFactory, account_state, ledger_problems

NOW = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)


def _days(days: int) -> datetime.datetime:
    return NOW + datetime.timedelta(days=days)


def _remaining(*keys: str) -> list[int]:
    by_key = dict(LoyaltyEntry.objects.values_list("idempotency_key", "remaining"))
    return [by_key[key] for key in keys]


def test_scripted_sequence_keeps_balances_equal_to_entries(usd_account):
    # given
    account = usd_account

    def post(points, entry_type, key, **kwargs):
        post_entry(
            account=account,
            points=points,
            entry_type=entry_type,
            idempotency_key=key,
            **kwargs,
        )
        assert ledger_problems() == []

    # when / then: each step keeps the invariants; the totals are exact
    post(100, EntryType.EARN, "earn-1", expires_at=_days(365))
    post(50, EntryType.BONUS, "bonus-1", expires_at=_days(400))
    assert account_state(account) == (150, 0, 150)

    post(-120, EntryType.REDEEM, "redeem-1")  # FIFO: the earlier-expiring batch first
    assert account_state(account) == (30, 0, 150)
    assert _remaining("earn-1", "bonus-1") == [0, 30]

    post(40, EntryType.EARN, "earn-2", status=EntryStatus.PENDING, available_at=_days(14))
    assert account_state(account) == (30, 40, 190)

    earn_1 = LoyaltyEntry.objects.get(idempotency_key="earn-1")
    post(-100, EntryType.REVERSE, "reverse-1", batch=earn_1)  # spent points: a debt
    assert account_state(account) == (-70, 40, 90)
    assert _remaining("earn-1", "bonus-1") == [0, 0]

    with pytest.raises(InsufficientPoints):
        post_entry(
            account=account,
            points=-10,
            entry_type=EntryType.REDEEM,
            idempotency_key="redeem-2",
        )
    assert not LoyaltyEntry.objects.filter(idempotency_key="redeem-2").exists()

    earn_2 = LoyaltyEntry.objects.get(idempotency_key="earn-2")
    assert mature_batch(batch_id=earn_2.pk, now=_days(14)) is True
    assert ledger_problems() == []
    assert account_state(account) == (-30, 0, 90)
    assert _remaining("earn-2") == [0]  # it all went to repay the debt

    post(50, EntryType.EARN, "earn-3", expires_at=_days(365))
    assert account_state(account) == (20, 0, 140)
    assert _remaining("earn-3") == [20]

    post(-20, EntryType.REDEEM, "redeem-3")
    assert account_state(account) == (0, 0, 140)
    assert LoyaltyEntry.objects.filter(account=account).count() == 7


def test_replayed_key_returns_the_first_entry_and_changes_nothing(
    usd_account, django_assert_num_queries
):
    # given
    first = post_entry(
        account=usd_account,
        points=25,
        entry_type=EntryType.BONUS,
        idempotency_key="bonus:x",
    )

    # when: the same key again, even with other points
    with django_assert_num_queries(1):
        replay = post_entry(
            account=usd_account,
            points=99,
            entry_type=EntryType.BONUS,
            idempotency_key="bonus:x",
        )

    # then
    assert first.created is True
    assert replay.created is False
    assert replay.entry.pk == first.entry.pk
    assert replay.entry.points == 25
    assert account_state(usd_account) == (25, 0, 25)


def test_debit_against_a_pending_batch_is_pending_whatever_the_caller_says(usd_account):
    # given: an earn still inside its return window
    earn = post_entry(
        account=usd_account,
        points=80,
        entry_type=EntryType.EARN,
        idempotency_key="earn",
        status=EntryStatus.PENDING,
        available_at=_days(14),
    ).entry

    # when: a reversal posted by a caller that still believes the batch is available
    reversal = post_entry(
        account=usd_account,
        points=-30,
        entry_type=EntryType.REVERSE,
        idempotency_key="reverse",
        status=EntryStatus.AVAILABLE,
        batch=earn,
    ).entry

    # then
    assert reversal.status == EntryStatus.PENDING
    assert account_state(usd_account) == (0, 50, 50)
    assert mature_batch(batch_id=earn.pk, now=_days(14)) is True
    assert account_state(usd_account) == (50, 0, 50)
    assert _remaining("earn") == [50]
    assert ledger_problems() == []


@pytest.mark.parametrize("points", [0, True, 1.5, MAX_ENTRY_POINTS + 1, -MAX_ENTRY_POINTS - 1])
def test_invalid_points_raise_and_write_nothing(usd_account, points):
    # when
    with pytest.raises(InvalidPoints) as error:
        post_entry(
            account=usd_account,
            points=points,
            entry_type=EntryType.BONUS,
            idempotency_key="bad",
        )

    # then
    assert error.value.field == "points"
    assert error.value.code == LoyaltyErrorCode.OUT_OF_RANGE
    assert LoyaltyEntry.objects.count() == 0
    assert account_state(usd_account) == (0, 0, 0)


@pytest.mark.parametrize(
    ("entry_type", "status", "key", "field"),
    [
        ("gift", EntryStatus.AVAILABLE, "k", "type"),
        (EntryType.BONUS, "frozen", "k", "status"),
        (EntryType.BONUS, EntryStatus.AVAILABLE, "", None),
        (EntryType.BONUS, EntryStatus.AVAILABLE, "k" * 256, None),
    ],
)
def test_invalid_type_status_or_key_raise_and_write_nothing(
    usd_account, entry_type, status, key, field
):
    # when
    with pytest.raises(InvalidPoints) as error:
        post_entry(
            account=usd_account,
            points=5,
            entry_type=entry_type,
            status=status,
            idempotency_key=key,
        )

    # then
    assert error.value.field == field
    assert LoyaltyEntry.objects.count() == 0
    assert account_state(usd_account) == (0, 0, 0)


def test_redeeming_more_than_the_balance_raises_and_writes_nothing(usd_account):
    # given
    post_entry(account=usd_account, points=30, entry_type=EntryType.BONUS, idempotency_key="b")

    # when
    with pytest.raises(InsufficientPoints) as error:
        post_entry(
            account=usd_account,
            points=-31,
            entry_type=EntryType.REDEEM,
            idempotency_key="r",
        )

    # then
    assert error.value.code == LoyaltyErrorCode.INSUFFICIENT_POINTS
    assert list(LoyaltyEntry.objects.values_list("idempotency_key", flat=True)) == ["b"]
    assert account_state(usd_account) == (30, 0, 30)
    assert _remaining("b") == [30]


def test_entry_keeps_its_source_and_when_it_happened(usd_account, staff_user):
    # when
    entry = post_entry(
        account=usd_account,
        points=-5,
        entry_type=EntryType.ADJUST,
        idempotency_key="adjust",
        source=EntrySource(reason="goodwill", actor_user_id=staff_user.pk),
        occurred_at=NOW,
    ).entry

    # then
    entry.refresh_from_db()
    assert (entry.reason, entry.actor_user_id, entry.occurred_at) == (
        "goodwill",
        staff_user.pk,
        NOW,
    )
    assert entry.created_at > NOW
    assert account_state(usd_account) == (-5, 0, 0)


@pytest.mark.crm_audit_skip
def test_database_refuses_a_batch_holding_more_than_it_brought(usd_account):
    # when / then: the constraint is the backstop behind the writer
    with pytest.raises(IntegrityError):
        LoyaltyEntryFactory(account=usd_account, points=10, remaining=11, created_at=timezone.now())


def _credit_batches(account, count: int, prefix: str) -> None:
    for number in range(count):
        post_entry(
            account=account,
            points=1,
            entry_type=EntryType.BONUS,
            idempotency_key=f"{prefix}-{number}",
            expires_at=_days(100 + number),
        )


def _one_point_redemption(account, key) -> list[str]:
    """The SQL of redeeming one point."""
    with CaptureQueriesContext(connection) as captured:
        post_entry(account=account, points=-1, entry_type=EntryType.REDEEM, idempotency_key=key)
    return [statement_text(query["sql"], connection) for query in captured.captured_queries]


def test_redemption_reads_only_the_batches_it_needs(usd_account, customer_user2, channel_USD):
    # given: two accounts, one with 3 open batches and one with 120
    few = usd_account
    many = LoyaltyAccount.objects.create(user=customer_user2, channel=channel_USD)
    _credit_batches(few, 3, "few")
    _credit_batches(many, 120, "many")

    # when
    sql_few = _one_point_redemption(few, "redeem-few")
    sql_many = _one_point_redemption(many, "redeem-many")

    # then: the account's lock, then one statement with one bounded, unlocked read of
    # the batches, whatever the number of open batches
    assert len(sql_few) == len(sql_many) == 2
    assert sql_many[0].endswith("FOR UPDATE")
    assert f"LIMIT {FIRST_READ}" in sql_many[1]
    assert "FOR UPDATE" not in sql_many[1]
    assert _remaining("many-0", "many-1") == [0, 1]


def test_postings_take_one_statement_and_a_debit_its_lock_first(
    usd_account, django_assert_num_queries
):
    # given: a balance to redeem from (the test runs in a transaction: no BEGIN/COMMIT,
    # which a debit outside one adds)
    post_entry(account=usd_account, points=10, entry_type=EntryType.EARN, idempotency_key="e-1")

    # when / then
    with django_assert_num_queries(1):
        post_entry(account=usd_account, points=10, entry_type=EntryType.EARN, idempotency_key="e-2")
    with django_assert_num_queries(1):
        replay = post_entry(
            account=usd_account, points=10, entry_type=EntryType.EARN, idempotency_key="e-2"
        )
    with django_assert_num_queries(2):
        post_entry(
            account=usd_account, points=-15, entry_type=EntryType.REDEEM, idempotency_key="r"
        )
    with django_assert_num_queries(2):
        post_entry(
            account=usd_account,
            points=-5,
            entry_type=EntryType.REDEEM,
            idempotency_key="r-2",
            source=EntrySource(reason="all of it", details={"why": "test"}),
        )
    assert replay.created is False
    assert account_state(usd_account) == (0, 0, 20)
    assert ledger_problems() == []


def test_redemption_larger_than_one_read_takes_batches_oldest_first(usd_account):
    # given: more batches than one read brings
    _credit_batches(usd_account, 120, "batch")

    # when
    post_entry(
        account=usd_account, points=-110, entry_type=EntryType.REDEEM, idempotency_key="redeem"
    )

    # then
    remaining = _remaining(*(f"batch-{number}" for number in range(120)))
    assert remaining == [0] * 110 + [1] * 10
    assert account_state(usd_account) == (10, 0, 120)
    redeem = LoyaltyEntry.objects.get(idempotency_key="redeem")
    assert list(LoyaltyAllocation.objects.filter(entry=redeem).values_list("batch", "points")) == [
        (LoyaltyEntry.objects.get(idempotency_key=f"batch-{n}").pk, 1) for n in range(110)
    ]
    assert ledger_problems() == []
