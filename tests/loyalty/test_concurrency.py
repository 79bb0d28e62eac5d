"""The ledger under real concurrency: 16 threads, each with its own PostgreSQL connection."""

import threading

import pytest
from django.db import connection, transaction
from saleor.account.models import User

from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.ledger import post_entry
from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyAccount, LoyaltyEntry
from tests.fixtures.concurrency import wait_for_a_blocked_backend
from tests.fixtures.loyalty import ledger_problems
from tests.fixtures.plugin import configure_crm

THREADS = 16
CREDITS = 10  # +5 each to the thread's own account (4 threads share one), +3 to the hot one
HOT_DEBITS = 5  # -2 each to the hot account, the one every thread writes to
SHARED_KEYS = 5  # +7 each, the same keys in every thread: one entry per key
CROSS_KEYS = 2  # +11 each, the same keys posted to different accounts


def _postings(thread: int, accounts: list[LoyaltyAccount]):
    """(account, points, type, key) that one thread posts, in its order."""
    hot, own = accounts[0], accounts[1 + thread % 4]
    for index in range(CREDITS):
        yield own, 5, EntryType.BONUS, f"own:{thread}:{index}"
        yield hot, 3, EntryType.BONUS, f"hot:{thread}:{index}"
        if index < HOT_DEBITS:
            yield hot, -2, EntryType.ADJUST, f"debit:{thread}:{index}"
        if index < SHARED_KEYS:
            yield hot, 7, EntryType.BONUS, f"shared:{index}"
        if index < CROSS_KEYS:
            yield own, 11, EntryType.BONUS, f"cross:{index}"


@pytest.mark.django_db(transaction=True)
def test_concurrent_postings_lose_nothing_and_keep_keys_unique(channel_USD):
    # given: five accounts in an active programme
    configure_crm(channel_USD, pending_period="0")
    accounts = [
        account_get_or_create(
            user_id=User.objects.create(email=f"shopper{index}@example.com").pk,
            channel_id=channel_USD.pk,
        )
        for index in range(5)
    ]
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def run(thread: int):
        try:
            start.wait()
            for account, points, entry_type, key in _postings(thread, accounts):
                post_entry(
                    account=account,
                    points=points,
                    entry_type=entry_type,
                    idempotency_key=key,
                )
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=run, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # then: every thread finished without an error (a deadlock would raise one)
    assert [thread.is_alive() for thread in threads] == [False] * THREADS
    assert errors == []
    assert ledger_problems() == []
    balances = dict(LoyaltyAccount.objects.values_list("pk", "balance"))
    assert balances[accounts[0].pk] == THREADS * (CREDITS * 3 - HOT_DEBITS * 2) + SHARED_KEYS * 7
    own_totals = [balances[account.pk] for account in accounts[1:]]
    assert sum(own_totals) == THREADS * CREDITS * 5 + CROSS_KEYS * 11
    assert sorted(own_totals)[:2] == [4 * CREDITS * 5] * 2  # cross keys went to at most two
    assert LoyaltyEntry.objects.count() == (
        THREADS * (2 * CREDITS + HOT_DEBITS) + SHARED_KEYS + CROSS_KEYS
    )
    assert LoyaltyEntry.objects.filter(idempotency_key__startswith="shared:").count() == SHARED_KEYS


@pytest.mark.django_db(transaction=True)
def test_debit_losing_a_key_race_to_another_account_leaves_its_batches_alone(
    channel_USD,
):
    # given: two accounts; the second holds a batch of 50
    configure_crm(channel_USD, pending_period="0")
    first, second = (
        account_get_or_create(
            user_id=User.objects.create(email=f"racer{index}@example.com").pk,
            channel_id=channel_USD.pk,
        )
        for index in range(2)
    )
    post_entry(account=second, points=50, entry_type=EntryType.BONUS, idempotency_key="batch")
    winner_posted, loser_blocked = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    results = {}

    def winner():
        try:
            with transaction.atomic():
                results["winner"] = post_entry(
                    account=first, points=5, entry_type=EntryType.BONUS, idempotency_key="k"
                )
                winner_posted.set()
                loser_blocked.wait(timeout=60)
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    def loser():
        try:
            winner_posted.wait(timeout=60)
            results["loser"] = post_entry(
                account=second, points=-10, entry_type=EntryType.ADJUST, idempotency_key="k"
            )
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    # when: the loser writes the same key while the winner's insert is uncommitted
    threads = [threading.Thread(target=winner), threading.Thread(target=loser)]
    for thread in threads:
        thread.start()
    winner_posted.wait(timeout=60)
    wait_for_a_blocked_backend()
    loser_blocked.set()
    for thread in threads:
        thread.join(timeout=60)

    # then: the loser got the winner's entry and changed nothing
    assert errors == []
    assert results["loser"].created is False
    assert results["loser"].entry.pk == results["winner"].entry.pk
    assert ledger_problems() == []
    assert list(
        LoyaltyEntry.objects.filter(account=second).values_list("idempotency_key", "remaining")
    ) == [("batch", 50)]
    assert LoyaltyAccount.objects.get(pk=second.pk).balance == 50
