"""Reads for the GraphQL layer: each takes many ids and costs one query."""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from .models import CustomerRfm, CustomerTag, SegmentMembership, SegmentMembershipEvent

User = get_user_model()


def customer_tags(*, user_ids: list[int]) -> dict[int, list[str]]:
    """Each customer's tags (manual and automatic, each once), sorted."""
    result: dict[int, set[str]] = defaultdict(set)
    rows = CustomerTag.objects.filter(user_id__in=user_ids).values_list("user_id", "tag")
    for user_id, tag in rows:
        result[user_id].add(tag)
    return {user_id: sorted(result.get(user_id, ())) for user_id in user_ids}


def customer_segment_ids(*, user_ids: list[int]) -> dict[int, list[int]]:
    """The ids of the segments each customer is a member of, ascending."""
    result: dict[int, list[int]] = defaultdict(list)
    rows = (
        SegmentMembership.objects.filter(user_id__in=user_ids)
        .order_by("segment_id")
        .values_list("user_id", "segment_id")
    )
    for user_id, segment_id in rows:
        result[user_id].append(segment_id)
    return {user_id: result.get(user_id, []) for user_id in user_ids}


def customer_rfm(*, user_ids: list[int], channel_id: int | None) -> dict[int, list[CustomerRfm]]:
    """Each customer's RFM rows (one per channel, or only ``channel_id``'s)."""
    rows = CustomerRfm.objects.filter(user_id__in=user_ids).order_by("channel_id")
    if channel_id is not None:
        rows = rows.filter(channel_id=channel_id)
    result: dict[int, list[CustomerRfm]] = defaultdict(list)
    for row in rows:
        result[row.user_id].append(row)
    return {user_id: result.get(user_id, []) for user_id in user_ids}


def segment_members_qs(*, segment_id: int) -> QuerySet:
    """The segment's members by user id (stable for cursors), with ``segment_joined_at``."""
    memberships = SegmentMembership.objects.filter(segment_id=segment_id, user_id=OuterRef("pk"))
    return (
        User.objects.filter(Exists(memberships))
        .annotate(segment_joined_at=Subquery(memberships.values("joined_at")[:1]))
        .order_by("pk")
    )


def segment_history_qs(*, segment_id: int) -> QuerySet:
    """Joined / left events of the segment, newest first."""
    return SegmentMembershipEvent.objects.filter(segment_id=segment_id).order_by(
        "-occurred_at", "-pk"
    )


def users_with_tags_qs(*, tags: list[str]) -> QuerySet:
    """Customers having every one of ``tags`` (already normalised)."""
    qs = User.objects.all()
    for tag in tags:
        qs = qs.filter(Exists(CustomerTag.objects.filter(user_id=OuterRef("pk"), tag=tag)))
    return qs
