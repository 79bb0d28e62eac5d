"""Refreshes and recomputes under real concurrency: counts and history stay exact."""

import threading

import pytest
from django.db import connection
from saleor.account.models import User

from saleor_crm_plugin.segments.actions import (
    customer_segment_create,
    customer_tags_add,
    customer_tags_remove,
    segment_recompute,
)
from saleor_crm_plugin.segments.models import (
    CustomerSegment,
    MembershipEventKind,
    SegmentMembership,
    SegmentMembershipEvent,
)

THREADS = 8
ROUNDS = 6


def _in_thread(work, start: threading.Barrier, errors: list[BaseException]):
    """Run ``work`` once every thread is ready; collect what it raises."""

    def run():
        try:
            start.wait()
            work()
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    return threading.Thread(target=run)


def _toggle(thread: int, users):
    for round_ in range(ROUNDS):
        for user in users:
            if (thread + round_) % 2:
                customer_tags_add(user=user, tags=["vip"])
            else:
                customer_tags_remove(user=user, tags=["vip"])


def _recompute(segments):
    for _ in range(ROUNDS * 2):
        for segment in segments:
            segment_recompute(segment_id=segment.pk, reason="recompute")


def _history_kinds(segment, user) -> list[str]:
    return list(
        SegmentMembershipEvent.objects.filter(segment=segment, user=user)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def _members(segment) -> set[int]:
    return set(SegmentMembership.objects.filter(segment=segment).values_list("user_id", flat=True))


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_and_recomputes_keep_counts_and_history_exact():
    # given: six customers (every thread toggles all of them) and two segments
    users = [User.objects.create(email=f"c{index}@example.com") for index in range(6)]
    vip = customer_segment_create(
        name="VIP", definition={"field": "tags", "op": "has", "value": "vip"}, channel_id=None
    )
    not_vip = customer_segment_create(
        name="Not VIP",
        definition={"field": "tags", "op": "has_none", "value": ["vip"]},
        channel_id=None,
    )
    start = threading.Barrier(THREADS + 1)
    errors: list[BaseException] = []

    # when
    threads = [
        _in_thread(lambda index=index: _toggle(index, users), start, errors)
        for index in range(THREADS)
    ]
    threads.append(_in_thread(lambda: _recompute([vip, not_vip]), start, errors))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    # then: no deadlock or error
    assert [thread.is_alive() for thread in threads] == [False] * (THREADS + 1)
    assert errors == []
    # a final recompute finds nothing to fix: every refresh saw its own commit
    for segment in (vip, not_vip):
        change = segment_recompute(segment_id=segment.pk, reason="check")
        assert (change.joined, change.left) == (0, 0)
        members = _members(segment)
        assert CustomerSegment.objects.get(pk=segment.pk).member_count == len(members)
        # history alternates joined / left per customer and ends in the current state
        for user in users:
            kinds = _history_kinds(segment, user)
            assert all(a != b for a, b in zip(kinds, kinds[1:])), kinds
            last = kinds[-1] if kinds else MembershipEventKind.LEFT
            assert (last == MembershipEventKind.JOINED) == (user.pk in members)
    # the two segments partition the customers
    vip_members, other = _members(vip), _members(not_vip)
    assert vip_members | other == {user.pk for user in users}
    assert vip_members & other == set()
