"""Materialise a segment's membership by diff, in one SQL statement per segment.

``membership_apply`` locks the segment row (``lock_objects``), runs the compiled members query and, in
the same statement (data-modifying CTEs share one snapshot), inserts the customers who
now match and are not members, deletes the members who no longer match, appends a
joined / left history row for each, and moves the segment's automatic tag with them.
The member count moves by the same difference under the lock. Restricted to some
customers (``user_ids``), the very same statement refreshes only them.

Every statement that evaluates a definition (here and in the preview) runs under a
``statement_timeout`` (``SET LOCAL``, so it ends with the computation): a definition
too slow for the database fails with ``SegmentError(TIMEOUT)`` and writes nothing.
Loops over segments call ``membership_apply_isolated``: one segment that fails (a
timeout, a row broken outside the API) is logged and skipped, the others go on.
"""

import contextlib
import dataclasses
import datetime
import logging

from django.conf import settings
from django.db import OperationalError, connection, connections, transaction
from django.db.models import F
from psycopg.errors import QueryCanceled

from .compiler import Sql, compile_members_query
from .error_codes import CustomerSegmentErrorCode
from .exceptions import SegmentError
from .lock_objects import (
    customer_segment_qs_select_for_update,
    customer_segment_select_for_refresh,
)
from .models import (
    CustomerSegment,
    CustomerTag,
    MembershipEventKind,
    SegmentMembership,
    SegmentMembershipEvent,
    TagSource,
)

logger = logging.getLogger(__name__)

T_MEMBER = SegmentMembership._meta.db_table
T_EVENT = SegmentMembershipEvent._meta.db_table
T_TAG = CustomerTag._meta.db_table

# Default of ``settings.CRM_SEGMENTS_STATEMENT_TIMEOUT_MS``.
STATEMENT_TIMEOUT_MS = 60_000


@contextlib.contextmanager
def statement_timeout(*, using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME):
    """Run the block in a transaction whose statements are cut after the timeout.

    The setting is ``SET LOCAL`` and put back when the block ends, so it never outlives
    the computation (not even in an enclosing transaction); a statement cut by it
    raises ``SegmentError(TIMEOUT)`` after the block's writes are rolled back.
    """
    milliseconds = int(getattr(settings, "CRM_SEGMENTS_STATEMENT_TIMEOUT_MS", STATEMENT_TIMEOUT_MS))
    try:
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            (previous,) = cursor.fetchone()
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)", [f"{milliseconds}ms"]
            )
            yield
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
    except OperationalError as error:
        if not isinstance(error.__cause__, QueryCanceled):
            raise
        raise SegmentError(
            "The definition took too long to compute; make it narrower.",
            code=CustomerSegmentErrorCode.TIMEOUT,
            field="definition",
        ) from error


@dataclasses.dataclass(frozen=True)
class SegmentChange:
    segment_id: int
    joined: int
    left: int
    member_count: int


def membership_apply(
    *,
    segment_id: int,
    reason: str,
    now: datetime.datetime,
    user_ids: list[int] | None = None,
) -> SegmentChange:
    """Bring the segment's membership (of ``user_ids``, or everyone) up to date."""
    with transaction.atomic():
        if user_ids is None:
            segment = customer_segment_qs_select_for_update().filter(pk=segment_id).first()
        else:
            segment = customer_segment_select_for_refresh(segment_id)
        if segment is None:  # deleted meanwhile: nothing to do
            return SegmentChange(segment_id, 0, 0, 0)
        members = compile_members_query(
            segment.definition, channel_id=segment.channel_id, now=now, user_ids=user_ids
        )
        statement = _diff_statement(segment, members, reason=reason, now=now, user_ids=user_ids)
        with statement_timeout(), connection.cursor() as cursor:
            cursor.execute(statement.text, statement.params)
            joined, left = cursor.fetchone()
        updates = {}
        if joined or left:
            updates["member_count"] = F("member_count") + joined - left
        if user_ids is None:
            updates.update(computed_at=now, boundaries_checked_at=now)
        if updates:
            CustomerSegment.objects.filter(pk=segment.pk).update(**updates)
        member_count = segment.member_count + joined - left
    return SegmentChange(segment.pk, joined, left, member_count)


def membership_apply_isolated(
    *,
    segment_id: int,
    reason: str,
    now: datetime.datetime,
    user_ids: list[int] | None = None,
) -> SegmentChange | None:
    """``membership_apply`` for loops over segments: a failure is logged, not raised.

    The segment's work is rolled back (its own savepoint) and ``None`` returned, so one
    broken or too slow segment never stops the refresh of the others.
    """
    try:
        return membership_apply(segment_id=segment_id, reason=reason, now=now, user_ids=user_ids)
    except Exception:
        segment_failed(segment_id)
        return None


def segment_failed(segment_id: int) -> None:
    """Log a segment skipped by a refresh loop (call from an ``except`` block)."""
    logger.exception(
        "Segment %s could not be refreshed and was skipped.",
        segment_id,
        extra={"segment_id": segment_id},
    )


def _diff_statement(
    segment: CustomerSegment,
    members: Sql,
    *,
    reason: str,
    now: datetime.datetime,
    user_ids: list[int] | None,
) -> Sql:
    restrict, restrict_params = "", []
    if user_ids is not None:
        restrict, restrict_params = " AND m.user_id = ANY(%s::bigint[])", [list(user_ids)]
    reason = reason[:255]
    text = f"""
        WITH matched AS ({members.text}),
        joined AS (
            INSERT INTO {T_MEMBER} (segment_id, user_id, joined_at)
            SELECT %s, x.user_id, %s FROM matched x
            WHERE NOT EXISTS (
                SELECT 1 FROM {T_MEMBER} m WHERE m.segment_id = %s AND m.user_id = x.user_id
            )
            ON CONFLICT (segment_id, user_id) DO NOTHING
            RETURNING user_id
        ),
        gone AS (
            DELETE FROM {T_MEMBER} m
            WHERE m.segment_id = %s{restrict}
              AND NOT EXISTS (SELECT 1 FROM matched x WHERE x.user_id = m.user_id)
            RETURNING m.user_id
        ),
        events AS (
            INSERT INTO {T_EVENT} (segment_id, user_id, kind, reason, occurred_at)
            SELECT %s, user_id, %s, %s, %s FROM joined
            UNION ALL
            SELECT %s, user_id, %s, %s, %s FROM gone
            RETURNING kind
        )"""
    params = [
        *members.params,
        segment.pk,
        now,
        segment.pk,
        segment.pk,
        *restrict_params,
        segment.pk,
        MembershipEventKind.JOINED,
        reason,
        now,
        segment.pk,
        MembershipEventKind.LEFT,
        reason,
        now,
    ]
    if segment.auto_tag:
        text += f""",
        tag_added AS (
            INSERT INTO {T_TAG} (user_id, tag, source, segment_id, created_at)
            SELECT user_id, %s, %s, %s, %s FROM joined
            ON CONFLICT (user_id, tag, source) DO NOTHING
        ),
        tag_removed AS (
            DELETE FROM {T_TAG} t USING gone g
            WHERE t.user_id = g.user_id AND t.segment_id = %s AND t.source = %s
        )"""
        params += [
            segment.auto_tag,
            TagSource.AUTOMATIC,
            segment.pk,
            now,
            segment.pk,
            TagSource.AUTOMATIC,
        ]
    text += """
        SELECT count(*) FILTER (WHERE kind = %s), count(*) FILTER (WHERE kind = %s)
        FROM events"""
    params += [MembershipEventKind.JOINED, MembershipEventKind.LEFT]
    return Sql(text, params)


def auto_tag_replace(*, segment: CustomerSegment, now: datetime.datetime) -> None:
    """The segment's automatic tag was renamed: retag its current members."""
    CustomerTag.objects.filter(segment_id=segment.pk, source=TagSource.AUTOMATIC).delete()
    if not segment.auto_tag:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {T_TAG} (user_id, tag, source, segment_id, created_at)
            SELECT m.user_id, %s, %s, %s, %s FROM {T_MEMBER} m WHERE m.segment_id = %s
            ON CONFLICT (user_id, tag, source) DO NOTHING
            """,
            [segment.auto_tag, TagSource.AUTOMATIC, segment.pk, now, segment.pk],
        )
