"""The ledger under real concurrency: 16 threads, each with its own PostgreSQL connection."""

import threading

import pytest
from django.db import connection
from saleor.account.models import User

from saleor_crm_plugin.loyalty.accounts import get_or_create_account
from saleor_crm_plugin.loyalty.ledger import post_entry
from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyAccount, LoyaltyEntry
from tests.fixtures.loyalty import ledger_problems
from tests.fixtures.plugin import configure_crm

THREADS = 16
CREDITS = (
    10  # +5 each to the thread's own account (4 threads share one), +3 to the hot one
)
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
        get_or_create_account(
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
    assert (
        balances[accounts[0].pk]
        == THREADS * (CREDITS * 3 - HOT_DEBITS * 2) + SHARED_KEYS * 7
    )
    own_totals = [balances[account.pk] for account in accounts[1:]]
    assert sum(own_totals) == THREADS * CREDITS * 5 + CROSS_KEYS * 11
    assert (
        sorted(own_totals)[:2] == [4 * CREDITS * 5] * 2
    )  # cross keys went to at most two
    assert LoyaltyEntry.objects.count() == (
        THREADS * (2 * CREDITS + HOT_DEBITS) + SHARED_KEYS + CROSS_KEYS
    )
    assert (
        LoyaltyEntry.objects.filter(idempotency_key__startswith="shared:").count()
        == SHARED_KEYS
    )
