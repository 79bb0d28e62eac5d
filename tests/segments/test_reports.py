"""Staff reports of the segments domain: RFM grid, tags in use, members per day."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from saleor_crm_plugin.segments.models import (
    CustomerRfm,
    CustomerSegment,
    CustomerTag,
    MembershipEventKind,
    SegmentMembershipEvent,
    TagSource,
)
from saleor_crm_plugin.segments.reports import (
    DailyCount,
    RfmGridCell,
    TagCount,
    member_count_history,
    rfm_grid,
    tags_in_use,
)

User = get_user_model()
AT = datetime.datetime(2026, 11, 20, 3, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 20)


def _users(count: int, prefix: str = "c") -> list:
    return User.objects.bulk_create(
        [User(email=f"{prefix}{index}@example.com") for index in range(count)]
    )


def _score(user, channel, recency, frequency, monetary, spent, computed_at=AT):
    return CustomerRfm(
        user=user,
        channel=channel,
        recency=recency,
        frequency=frequency,
        monetary=monetary,
        group="lost",  # not read by the grid
        last_order_at=AT,
        order_count=frequency,
        total_spent=Decimal(spent),
        computed_at=computed_at,
    )


def test_rfm_grid_counts_customers_and_spend_per_cell(channel_USD, channel_PLN):
    # given: R 5 with F 4 / M 5 (FM 5) twice, R 1 with F 1 / M 2 (FM 2), another channel
    first, second, third, other = _users(4)
    CustomerRfm.objects.bulk_create(
        [
            _score(first, channel_USD, 5, 4, 5, "100.50"),
            _score(second, channel_USD, 5, 5, 4, "20.25", computed_at=AT - datetime.timedelta(1)),
            _score(third, channel_USD, 1, 1, 2, "3.00"),
            _score(other, channel_PLN, 3, 3, 3, "999.00"),
        ]
    )

    # when
    grid = rfm_grid(channel_id=channel_USD.pk)

    # then
    assert grid.computed_at == AT
    assert [(cell.recency, cell.fm) for cell in grid.cells] == [
        (recency, fm) for recency in (5, 4, 3, 2, 1) for fm in (1, 2, 3, 4, 5)
    ]
    filled = [cell for cell in grid.cells if cell.customer_count]
    assert filled == [
        RfmGridCell(recency=5, fm=5, customer_count=2, revenue=Decimal("120.750")),
        RfmGridCell(recency=1, fm=2, customer_count=1, revenue=Decimal("3.000")),
    ]
    assert all(cell.revenue == 0 for cell in grid.cells if not cell.customer_count)


def test_rfm_grid_puts_every_score_in_its_fm_cell(channel_USD, django_assert_num_queries):
    # given: one customer per (R, F, M), each spending R·100 + F·10 + M
    combinations = list(itertools.product(range(1, 6), repeat=3))
    users = _users(len(combinations))
    CustomerRfm.objects.bulk_create(
        [
            _score(user, channel_USD, r, f, m, r * 100 + f * 10 + m)
            for user, (r, f, m) in zip(users, combinations, strict=True)
        ]
    )
    expected: dict[tuple[int, int], list[int]] = {}
    for r, f, m in combinations:
        cell = expected.setdefault((r, (f + m + 1) // 2), [0, 0])
        cell[0] += 1
        cell[1] += r * 100 + f * 10 + m

    # when
    with django_assert_num_queries(1):
        grid = rfm_grid(channel_id=channel_USD.pk)

    # then
    assert {
        (cell.recency, cell.fm): [cell.customer_count, cell.revenue] for cell in grid.cells
    } == {key: [count, Decimal(spent)] for key, (count, spent) in expected.items()}
    assert sum(cell.customer_count for cell in grid.cells) == 125


def test_rfm_grid_of_an_unscored_channel_is_empty(channel_USD):
    # when
    grid = rfm_grid(channel_id=channel_USD.pk)

    # then
    assert grid.computed_at is None
    assert len(grid.cells) == 25
    assert {(cell.customer_count, cell.revenue) for cell in grid.cells} == {(0, Decimal(0))}


@pytest.fixture
def tagged(channel_USD):
    """vip: 3 customers (one also automatically); lapsed: 1 automatic; new: 1 manual."""
    first, second, third = _users(3, prefix="t")
    segment = CustomerSegment.objects.create(name="Lapsed", definition={}, auto_tag="lapsed")
    CustomerTag.objects.bulk_create(
        [
            CustomerTag(user=first, tag="vip"),
            CustomerTag(user=second, tag="vip"),
            CustomerTag(user=third, tag="vip"),
            CustomerTag(user=third, tag="vip", source=TagSource.AUTOMATIC, segment=segment),
            CustomerTag(user=first, tag="lapsed", source=TagSource.AUTOMATIC, segment=segment),
            CustomerTag(user=second, tag="new customer"),
        ]
    )


def test_tags_in_use_most_carried_first(tagged, django_assert_num_queries):
    # when
    with django_assert_num_queries(1):
        tags = tags_in_use(limit=10)

    # then
    assert tags == [
        TagCount(tag="vip", customer_count=3, automatic=True),
        TagCount(tag="lapsed", customer_count=1, automatic=True),
        TagCount(tag="new customer", customer_count=1, automatic=False),
    ]


@pytest.mark.parametrize(
    ("search", "limit", "expected"),
    [
        ("V", 10, ["vip"]),
        ("  NEW   cust ", 10, ["new customer"]),
        ("a", 10, ["lapsed"]),
        (None, 2, ["vip", "lapsed"]),
        ("nothing", 10, []),
        ("\x00", 10, []),
        ("x" * 51, 10, []),
    ],
)
def test_tags_in_use_search_and_limit(tagged, search, limit, expected):
    # when
    tags = tags_in_use(search=search, limit=limit)

    # then
    assert [tag.tag for tag in tags] == expected


def _event(segment, user, kind, occurred_at):
    return SegmentMembershipEvent(
        segment=segment, user=user, kind=kind, reason="test", occurred_at=occurred_at
    )


def _at(day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, tzinfo=datetime.UTC)


def test_member_count_history_walks_back_from_the_current_count(django_assert_num_queries):
    # given: 5 members now; on the 16th two joined, on the 18th one left and one joined
    # (same day: no change), on the 19th one left, on the 20th two joined; one old event
    # before the window counts for nothing
    users = _users(3, prefix="m")
    growing = CustomerSegment.objects.create(name="Growing", definition={}, member_count=5)
    quiet = CustomerSegment.objects.create(name="Quiet", definition={}, member_count=7)
    joined, left = MembershipEventKind.JOINED, MembershipEventKind.LEFT
    SegmentMembershipEvent.objects.bulk_create(
        [
            _event(growing, users[0], joined, _at(1)),
            _event(growing, users[0], joined, _at(16, 0)),
            _event(growing, users[1], joined, _at(16, 23)),
            _event(growing, users[1], left, _at(18)),
            _event(growing, users[2], joined, _at(18)),
            _event(growing, users[2], left, _at(19)),
            _event(growing, users[0], joined, _at(20, 0)),
            _event(growing, users[1], joined, _at(20)),
        ]
    )

    # when
    with django_assert_num_queries(1):
        history = member_count_history(segment_ids=[growing.pk, quiet.pk, 0], days=6, today=TODAY)

    # then
    days = [datetime.date(2026, 11, day) for day in range(15, 21)]
    assert history[growing.pk] == [
        DailyCount(day, count) for day, count in zip(days, [2, 4, 4, 4, 3, 5], strict=True)
    ]
    assert history[quiet.pk] == [DailyCount(day, 7) for day in days]
    assert history[0] == []


def test_member_count_history_of_one_day_is_today():
    # given
    segment = CustomerSegment.objects.create(name="S", definition={}, member_count=3)

    # when
    history = member_count_history(segment_ids=[segment.pk], days=1, today=TODAY)

    # then
    assert history == {segment.pk: [DailyCount(TODAY, 3)]}
