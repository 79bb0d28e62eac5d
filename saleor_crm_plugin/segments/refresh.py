"""Keep time-relative conditions right without rescanning every customer.

A condition such as "spent over 500 in the last 365 days" or "no order for 60 days"
changes for a customer only when one of their orders (or their join date) reaches an
age the definition names: an order leaves a 365-day window when it turns 365 days
old; "days since last order > 60" flips when the order turns 61 days old. So between
two runs only customers with an order created in ``[last run − W, now − W)`` for some
such age ``W`` can change (``conditions.order_windows`` / ``join_windows``). Those are
found by range scans on ``order_order.created_at`` and ``account_user.date_joined``
(both indexed), and refreshed with the segment's own query restricted to them. Each
segment records up to when it has been checked (``boundaries_checked_at``); a full
recompute sets it too.

The same run also catches what a missed event would leave stale: customers whose
country or marketing consent may have changed (``account_user.updated_at`` and the
consent row's ``updated_at`` since the last check) for segments reading those. Saleor
calls ``customer_updated`` on a per-channel plugin only when the request happened to load
that channel's plugins, so that hook alone is not enough.

Everything else that changes membership is an event (orders, customers, tags, tiers)
or the daily RFM recompute.
"""

import dataclasses
import datetime

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from saleor.order.models import Order

from ..consent.models import MarketingConsent
from .actions import tag_readers_refresh
from .conditions import iter_leaves, join_windows, order_windows
from .membership import SegmentChange, membership_apply, segment_failed
from .models import CustomerSegment

User = get_user_model()

REASON = "refreshed: time passed"


@dataclasses.dataclass(frozen=True)
class TimeRefresh:
    segment_id: int
    checked_user_ids: list[int]
    change: SegmentChange | None


def boundary_crossers(
    *,
    definition: dict,
    channel_id: int | None,
    since: datetime.datetime,
    now: datetime.datetime,
) -> list[int]:
    """Customers whose orders or join date crossed a time boundary in ``[since, now)``."""
    clauses, params = [], []
    windows = sorted(order_windows(definition))
    if windows:
        ranges = " OR ".join("(o.created_at >= %s AND o.created_at < %s)" for _ in windows)
        channel = ""
        if channel_id is not None:
            channel = " AND o.channel_id = %s"
        clauses.append(
            f"SELECT o.user_id FROM {Order._meta.db_table} o "
            f"WHERE o.user_id IS NOT NULL{channel} AND ({ranges})"
        )
        if channel_id is not None:
            params.append(channel_id)
        for window in windows:
            params += [since - window, now - window]
    windows = sorted(join_windows(definition))
    if windows:
        ranges = " OR ".join("(u.date_joined >= %s AND u.date_joined < %s)" for _ in windows)
        clauses.append(f"SELECT u.id FROM {User._meta.db_table} u WHERE {ranges}")
        for window in windows:
            params += [since - window, now - window]
    fields = {leaf.field.name for leaf in iter_leaves(definition)}
    if "country" in fields:
        clauses.append(
            f"SELECT u.id FROM {User._meta.db_table} u "
            "WHERE u.updated_at >= %s AND u.updated_at < %s"
        )
        params += [since, now]
    if "marketing_consent" in fields:
        consent_table = MarketingConsent._meta.db_table
        clauses.append(
            f"SELECT c.user_id FROM {consent_table} c WHERE c.user_id IS NOT NULL "
            "AND c.updated_at >= %s AND c.updated_at < %s"
        )
        clauses.append(
            f"SELECT u.id FROM {consent_table} c JOIN {User._meta.db_table} u "
            "ON u.email = c.email WHERE c.updated_at >= %s AND c.updated_at < %s"
        )
        params += [since, now, since, now]
    if not clauses:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ".join(clauses) + " ORDER BY 1", params)
        return [row[0] for row in cursor.fetchall()]


PROFILE_FIELDS = frozenset({"country", "marketing_consent"})


def watches_time_or_profile(definition: dict) -> bool:
    return bool(
        order_windows(definition)
        or join_windows(definition)
        or PROFILE_FIELDS & {leaf.field.name for leaf in iter_leaves(definition)}
    )


def segments_time_refresh(*, now: datetime.datetime) -> list[TimeRefresh]:
    """Refresh, in every segment with time-relative conditions, only the customers who
    crossed one of its boundaries since its last check.

    Segments are isolated: one that fails is logged and skipped (its check time stays,
    so the next run tries it again) and the others go on.
    """
    results = []
    for segment in CustomerSegment.objects.order_by("pk"):
        try:
            with transaction.atomic():
                result = _segment_time_refresh(segment, now=now)
        except Exception:
            segment_failed(segment.pk)
            continue
        if result is not None:
            results.append(result)
    return results


def _segment_time_refresh(segment: CustomerSegment, *, now) -> TimeRefresh | None:
    if not watches_time_or_profile(segment.definition):
        return None
    since = segment.boundaries_checked_at or segment.computed_at or segment.created_at
    if since >= now:
        return None
    user_ids = boundary_crossers(
        definition=segment.definition, channel_id=segment.channel_id, since=since, now=now
    )
    change = None
    if user_ids:
        change = membership_apply(segment_id=segment.pk, reason=REASON, now=now, user_ids=user_ids)
        if segment.auto_tag and (change.joined or change.left):
            tag_readers_refresh(tag=segment.auto_tag, reason=REASON, now=now, done={segment.pk})
    CustomerSegment.objects.filter(pk=segment.pk).update(boundaries_checked_at=now)
    return TimeRefresh(segment.pk, user_ids, change)
