"""Property: whatever the sequence of postings, the ledger explains itself.

Hypothesis draws sequences of credits (expiring or not, some already past expiry),
pending earns and their maturing, redemptions and releases of any part of them,
reversals and staff debits running into debt, and expiry runs, all through the real
writer and PostgreSQL. After every step ``ledger_audit`` finds nothing: the stored
totals equal the entries, Σ remaining equals the spendable balance, and every batch's
``remaining`` equals what its allocations leave. A reservation released in full gives
every batch back exactly what it took.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_crm_plugin.loyalty.exceptions import InsufficientPoints
from saleor_crm_plugin.loyalty.ledger import mature_batch, post_entry, release_debit
from saleor_crm_plugin.loyalty.models import EntryStatus, EntryType, LoyaltyEntry
from saleor_crm_plugin.loyalty.points_lifecycle import due_points_expire
from tests.fixtures.loyalty import ledger_problems

EXPIRIES = [None, -3, 10, 300]  # days from now; -3: already past when posted

_credit = st.tuples(st.just("credit"), st.integers(1, 400), st.sampled_from(EXPIRIES))
_redeem = st.tuples(st.just("redeem"), st.integers(1, 100), st.none())  # % of balance
_release = st.tuples(st.just("release"), st.integers(0, 10), st.integers(1, 100))
_debit = st.tuples(st.just("debit"), st.integers(1, 300), st.none())
# Reservations and their releases drawn more often: they are what allocations serve.
step_st = st.one_of(
    _credit,
    _credit,
    _redeem,
    _redeem,
    _release,
    _release,
    _release,
    _debit,
    st.tuples(st.just("earn"), st.integers(1, 400), st.none()),
    st.tuples(st.just("mature"), st.integers(0, 10), st.none()),
    st.tuples(st.just("reverse"), st.integers(0, 10), st.integers(1, 400)),
    st.tuples(st.just("expire"), st.none(), st.none()),
)


class _Rollback(Exception):
    pass


def _held(redeem: LoyaltyEntry) -> int:
    released = sum(LoyaltyEntry.objects.filter(restores=redeem).values_list("points", flat=True))
    return -redeem.points - released


def _step_credit(account, now, key, first, second):
    expires_at = None if second is None else now + datetime.timedelta(days=second)
    post_entry(
        account=account,
        points=first,
        entry_type=EntryType.BONUS,
        idempotency_key=key,
        expires_at=expires_at,
    )


def _step_earn(account, now, key, first, second):
    post_entry(
        account=account,
        points=first,
        entry_type=EntryType.EARN,
        idempotency_key=key,
        status=EntryStatus.PENDING,
    )


def _step_mature(account, now, key, first, second):
    earns = list(LoyaltyEntry.objects.filter(type=EntryType.EARN).order_by("pk"))
    if earns:
        mature_batch(batch_id=earns[first % len(earns)].pk, now=now)


def _step_redeem(account, now, key, first, second):
    account.refresh_from_db()
    points = account.balance * first // 100
    if points > 0:
        post_entry(
            account=account,
            points=-points,
            entry_type=EntryType.REDEEM,
            idempotency_key=key,
        )


def _step_release(account, now, key, first, second):
    redeems = list(LoyaltyEntry.objects.filter(type=EntryType.REDEEM).order_by("pk"))
    if redeems:
        redeem = redeems[first % len(redeems)]
        points = _held(redeem) * second // 100
        if points > 0:
            release_debit(
                account=account,
                debit=redeem,
                points=points,
                idempotency_key=key,
                now=now,
            )


def _step_reverse(account, now, key, first, second):
    earns = list(LoyaltyEntry.objects.filter(type=EntryType.EARN).order_by("pk"))
    if earns:
        earn = earns[first % len(earns)]
        try:
            post_entry(
                account=account,
                points=-second,
                entry_type=EntryType.REVERSE,
                idempotency_key=key,
                batch=earn,
            )
        except InsufficientPoints:  # more than is left of a pending batch
            assert earn.status == EntryStatus.PENDING
            assert not LoyaltyEntry.objects.filter(idempotency_key=key).exists()


def _step_debit(account, now, key, first, second):
    post_entry(account=account, points=-first, entry_type=EntryType.ADJUST, idempotency_key=key)


def _step_expire(account, now, key, first, second):
    due_points_expire(now=now)


STEPS = {
    "credit": _step_credit,
    "earn": _step_earn,
    "mature": _step_mature,
    "redeem": _step_redeem,
    "release": _step_release,
    "reverse": _step_reverse,
    "debit": _step_debit,
    "expire": _step_expire,
}


def _apply(step, account, now, counter):
    kind, first, second = step
    key = f"{kind}:{next(counter)}"
    STEPS[kind](account, now, key, first, second)


def test_any_sequence_of_postings_keeps_every_batch_explained(usd_account):
    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        database=None,
    )
    @given(steps=st.lists(step_st, min_size=1, max_size=20))
    def check(steps):
        now = timezone.now()
        counter = iter(range(1000))
        try:
            with transaction.atomic():
                for step in steps:
                    # when
                    _apply(step, usd_account, now, counter)
                    # then
                    assert ledger_problems() == [], steps
                raise _Rollback
        except _Rollback:
            pass

    check()


def test_a_reservation_released_in_full_gives_every_batch_back_what_it_took(
    usd_account,
):
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        database=None,
    )
    @given(
        batches=st.lists(
            st.tuples(st.integers(1, 400), st.sampled_from([None, 10, 300, 20])),
            min_size=1,
            max_size=6,
        ),
        share=st.integers(1, 100),
    )
    def check(batches, share):
        now = timezone.now()
        try:
            with transaction.atomic():
                # given
                for index, (points, days) in enumerate(batches):
                    post_entry(
                        account=usd_account,
                        points=points,
                        entry_type=EntryType.BONUS,
                        idempotency_key=f"batch:{index}",
                        expires_at=None if days is None else now + datetime.timedelta(days=days),
                    )
                before = list(
                    LoyaltyEntry.objects.order_by("pk").values_list("pk", "remaining", "expires_at")
                )
                points = sum(points for points, _days in batches) * share // 100
                if points == 0:
                    raise _Rollback
                redeem = post_entry(
                    account=usd_account,
                    points=-points,
                    entry_type=EntryType.REDEEM,
                    idempotency_key="redeem",
                ).entry

                # when: released in two parts
                half = points // 2
                if half:
                    release_debit(
                        account=usd_account, debit=redeem, points=half, idempotency_key="r1"
                    )
                release_debit(
                    account=usd_account,
                    debit=redeem,
                    points=points - half,
                    idempotency_key="r2",
                )

                # then
                after = list(
                    LoyaltyEntry.objects.filter(pk__in=[pk for pk, *_rest in before])
                    .order_by("pk")
                    .values_list("pk", "remaining", "expires_at")
                )
                assert after == before
                assert ledger_problems() == []
                raise _Rollback
        except _Rollback:
            pass

    check()
