"""Reads for the GraphQL layer: each takes many ids and costs one query.

Each function takes the database alias to read from (``using``, the writer by
default), so GraphQL resolvers and dataloaders read from Saleor's replica as Saleor's
own do; functions returning a queryset bind it (and its subqueries) to that alias.
"""

from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from .models import (
    CustomerRfm,
    CustomerSegment,
    CustomerTag,
    SegmentMembership,
    SegmentMembershipEvent,
)

User = get_user_model()

DEFAULT_DB = settings.DATABASE_CONNECTION_DEFAULT_NAME


def customer_tags(*, user_ids: list[int], using: str = DEFAULT_DB) -> dict[int, list[str]]:
    """Each customer's tags (manual and automatic, each once), sorted."""
    result: dict[int, set[str]] = defaultdict(set)
    rows = (
        CustomerTag.objects.using(using).filter(user_id__in=user_ids).values_list("user_id", "tag")
    )
    for user_id, tag in rows:
        result[user_id].add(tag)
    return {user_id: sorted(result.get(user_id, ())) for user_id in user_ids}


def customer_segment_ids(*, user_ids: list[int], using: str = DEFAULT_DB) -> dict[int, list[int]]:
    """The ids of the segments each customer is a member of, ascending."""
    result: dict[int, list[int]] = defaultdict(list)
    rows = (
        SegmentMembership.objects.using(using)
        .filter(user_id__in=user_ids)
        .order_by("segment_id")
        .values_list("user_id", "segment_id")
    )
    for user_id, segment_id in rows:
        result[user_id].append(segment_id)
    return {user_id: result.get(user_id, []) for user_id in user_ids}


def customer_segments(
    *, user_ids: list[int], using: str = DEFAULT_DB
) -> dict[int, list[CustomerSegment]]:
    """The segments each customer is a member of, by name, in one query."""
    result: dict[int, list[CustomerSegment]] = defaultdict(list)
    memberships = (
        SegmentMembership.objects.using(using)
        .filter(user_id__in=user_ids)
        .select_related("segment")
    )
    for membership in memberships:
        result[membership.user_id].append(membership.segment)
    return {
        user_id: sorted(result.get(user_id, []), key=lambda segment: (segment.name, segment.pk))
        for user_id in user_ids
    }


def customer_rfm(
    *, user_ids: list[int], channel_id: int | None, using: str = DEFAULT_DB
) -> dict[int, list[CustomerRfm]]:
    """Each customer's RFM rows (one per channel, or only ``channel_id``'s)."""
    rows = CustomerRfm.objects.using(using).filter(user_id__in=user_ids).order_by("channel_id")
    if channel_id is not None:
        rows = rows.filter(channel_id=channel_id)
    result: dict[int, list[CustomerRfm]] = defaultdict(list)
    for row in rows:
        result[row.user_id].append(row)
    return {user_id: result.get(user_id, []) for user_id in user_ids}


def segment_members_qs(*, segment_id: int, using: str = DEFAULT_DB) -> QuerySet:
    """The segment's members by user id (stable for cursors), with ``segment_joined_at``."""
    memberships = SegmentMembership.objects.using(using).filter(
        segment_id=segment_id, user_id=OuterRef("pk")
    )
    return (
        User.objects.using(using)
        .filter(Exists(memberships))
        .annotate(segment_joined_at=Subquery(memberships.values("joined_at")[:1]))
        .order_by("pk")
    )


def segment_history_qs(*, segment_id: int, using: str = DEFAULT_DB) -> QuerySet:
    """Joined / left events of the segment, newest first."""
    return (
        SegmentMembershipEvent.objects.using(using)
        .filter(segment_id=segment_id)
        .order_by("-occurred_at", "-pk")
    )


def users_with_tags_qs(*, tags: list[str], using: str = DEFAULT_DB) -> QuerySet:
    """Customers having every one of ``tags`` (already normalised)."""
    qs = User.objects.using(using).all()
    for tag in tags:
        tagged = CustomerTag.objects.using(using).filter(user_id=OuterRef("pk"), tag=tag)
        qs = qs.filter(Exists(tagged))
    return qs
