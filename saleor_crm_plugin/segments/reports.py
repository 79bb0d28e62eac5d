"""Staff reports of the segments domain, for the Dashboard's charts and pickers.

Each report is one query, whatever the number of customers, tags or events, and only
reads, on the alias given as ``using`` (the replica for GraphQL queries):

* ``rfm_grid``: the channel's customers per R × FM cell as last scored (``rfm.py``),
  FM = (F + M + 1) div 2 as there; all 25 cells, empty ones with zeros;
* ``tags_in_use``: each tag customers carry, with how many carry it and whether a
  segment rule sets it (some customer has it as an automatic tag);
* ``member_count_history``: each segment's members at the end of each of the last
  ``days`` days (UTC), walked back from the current ``member_count`` through the
  joined / left events of ``SegmentMembershipEvent``: members at the end of day D =
  members now − joins after D + leaves after D. Days without a move repeat the day
  after; anchoring on the current count (rather than summing from the first event)
  keeps the series right when old events are gone.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.conf import settings
from django.db import connections
from django.db.models import Count, F, IntegerField, Max, Q, Sum
from django.db.models.expressions import ExpressionWrapper

from .models import (
    CustomerRfm,
    CustomerSegment,
    CustomerTag,
    MembershipEventKind,
    SegmentMembershipEvent,
    TagSource,
)
from .tags import TAG_MAX_LENGTH, fold_tag

DEFAULT_DB = settings.DATABASE_CONNECTION_DEFAULT_NAME
SCORES = range(1, 6)


@dataclasses.dataclass(frozen=True)
class RfmGridCell:
    recency: int
    fm: int
    customer_count: int
    revenue: Decimal  # the cell's customers' spend in the channel


@dataclasses.dataclass(frozen=True)
class RfmGrid:
    computed_at: datetime.datetime | None  # the latest scoring; None: never scored
    cells: list[RfmGridCell]  # recency 5 → 1, then FM 1 → 5


def rfm_grid(*, channel_id: int, using: str = DEFAULT_DB) -> RfmGrid:
    """Customers and their spend per (R, FM) cell of the channel, in one query."""
    fm = ExpressionWrapper((F("frequency") + F("monetary") + 1) / 2, output_field=IntegerField())
    rows = (
        CustomerRfm.objects.using(using)
        .filter(channel_id=channel_id)
        .annotate(fm=fm)
        .values("recency", "fm")
        .annotate(customers=Count("pk"), revenue=Sum("total_spent"), at=Max("computed_at"))
        .order_by()
    )
    found = {(row["recency"], row["fm"]): row for row in rows}
    cells = [
        RfmGridCell(
            recency=recency,
            fm=fm_score,
            customer_count=found.get((recency, fm_score), {}).get("customers", 0),
            revenue=found.get((recency, fm_score), {}).get("revenue") or Decimal(0),
        )
        for recency in reversed(SCORES)
        for fm_score in SCORES
    ]
    computed = [row["at"] for row in found.values()]
    return RfmGrid(computed_at=max(computed) if computed else None, cells=cells)


@dataclasses.dataclass(frozen=True)
class TagCount:
    tag: str
    customer_count: int
    automatic: bool  # a segment rule sets it on some customer


def tags_in_use(
    *, search: str | None = None, limit: int, using: str = DEFAULT_DB
) -> list[TagCount]:
    """Tags customers carry, most carried first (then by tag), at most ``limit``.

    ``search`` keeps the tags containing it, compared as tags are stored (lower case,
    inner whitespace collapsed); one that no tag could contain selects nothing.
    """
    tags = CustomerTag.objects.using(using).all()
    if search is not None:
        needle = fold_tag(search)
        if len(needle) > TAG_MAX_LENGTH or "\x00" in needle:
            return []
        tags = tags.filter(tag__contains=needle)
    rows = (
        tags.values("tag")
        .annotate(
            customers=Count("user_id", distinct=True),
            automatic=Count("pk", filter=Q(source=TagSource.AUTOMATIC)),
        )
        .order_by("-customers", "tag")[: max(limit, 0)]
    )
    return [
        TagCount(tag=row["tag"], customer_count=row["customers"], automatic=row["automatic"] > 0)
        for row in rows
    ]


@dataclasses.dataclass(frozen=True)
class DailyCount:
    date: datetime.date
    member_count: int


_HISTORY_SQL = f"""
WITH days AS (
    SELECT generate_series(%(first)s::date, %(last)s::date, interval '1 day')::date AS day
),
segments AS (
    SELECT id, member_count FROM {CustomerSegment._meta.db_table} WHERE id = ANY(%(ids)s)
),
moves AS (
    SELECT segment_id, (occurred_at AT TIME ZONE 'UTC')::date AS day,
        SUM(CASE WHEN kind = %(joined)s THEN 1 ELSE -1 END) AS delta
    FROM {SegmentMembershipEvent._meta.db_table}
    WHERE segment_id = ANY(%(ids)s) AND occurred_at >= %(first)s::date AT TIME ZONE 'UTC'
    GROUP BY 1, 2
)
SELECT segments.id, days.day,
    segments.member_count - COALESCE(SUM(moves.delta) OVER (
        PARTITION BY segments.id ORDER BY days.day DESC
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ), 0)
FROM segments
CROSS JOIN days
LEFT JOIN moves ON moves.segment_id = segments.id AND moves.day = days.day
ORDER BY segments.id, days.day
"""


def member_count_history(
    *, segment_ids: list[int], days: int, today: datetime.date, using: str = DEFAULT_DB
) -> dict[int, list[DailyCount]]:
    """Each segment's members at the end of each day from ``today - days + 1`` to
    ``today`` (UTC), oldest first; ``today``'s is the current count. One query.

    Moves dated after ``today`` are left out; unknown segment ids get an empty list.
    """
    history: dict[int, list[DailyCount]] = {segment_id: [] for segment_id in segment_ids}
    if days < 1 or not segment_ids:
        return history
    params = {
        "ids": list(segment_ids),
        "first": today - datetime.timedelta(days=days - 1),
        "last": today,
        "joined": MembershipEventKind.JOINED,
    }
    with connections[using].cursor() as cursor:
        cursor.execute(_HISTORY_SQL, params)
        for segment_id, day, count in cursor.fetchall():
            history[segment_id].append(DailyCount(date=day, member_count=int(count)))
    return history
