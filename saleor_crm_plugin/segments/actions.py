"""Segment and tag actions: the only writers of segments, memberships and manual tags.

* Saving a segment validates its definition (``conditions.validate_definition``) before
  anything is written, then computes its membership at once, set-based
  (``membership.membership_apply``), in the same transaction: if the computation fails
  (a statement timeout), nothing of the save remains.
* Loops over segments (a customer's refresh, the readers of a tag, RFM segments) skip
  and log a segment that fails (``membership.membership_apply_isolated``).
* ``customer_segments_refresh`` re-evaluates one customer against every segment, with
  the same compiled queries restricted to their id; order, customer, tag and tier
  events call it (through ``tasks.customer_segments_refresh_task``, scheduled after
  commit by ``enqueue.enqueue_after_commit``).
* An automatic tag is membership of its segment made visible; when it moves, segments
  whose rules read that tag are brought up to date too (``tag_readers_refresh``). A
  segment may not read its own automatic tag, directly or through other segments'
  tags (``_refuse_tag_cycle``): such a rule would flap (join, leave, join) on one event.
"""

import dataclasses
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone
from saleor.channel.models import Channel

from .compiler import compile_members_query
from .conditions import referenced_tags, tag_conditions, triggers_read, validate_definition
from .error_codes import CustomerSegmentErrorCode
from .exceptions import SegmentError
from .lock_objects import segment_rules_lock
from .membership import (
    SegmentChange,
    auto_tag_replace,
    membership_apply,
    membership_apply_isolated,
    segment_failed,
    statement_timeout,
)
from .models import CustomerSegment, SegmentMembership
from .ownership import order_owners_sync
from .tags import manual_tags_add, manual_tags_remove, normalize_tag, normalize_tags, user_tags
from .triggers import RFM

User = get_user_model()

__all__ = [
    "SegmentChange",
    "SegmentPreview",
    "customer_segment_create",
    "customer_segment_delete",
    "customer_segment_preview",
    "customer_segment_update",
    "customer_segments_refresh",
    "customer_tags_add",
    "customer_tags_remove",
    "rfm_segments_recompute",
    "segment_recompute",
    "tag_readers_refresh",
]

# A customer's refresh repeats while automatic tags move (a rule reading another
# rule's tag); bounded so that rules reading each other's tags cannot loop forever.
MAX_REFRESH_PASSES = 3


@dataclasses.dataclass(frozen=True)
class SegmentPreview:
    count: int
    sample_user_ids: list[int]
    entering: int
    leaving: int


def _clean_name(name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise SegmentError(
            "A segment needs a name.", code=CustomerSegmentErrorCode.REQUIRED, field="name"
        )
    if len(name.strip()) > 255 or "\x00" in name:
        raise SegmentError(
            "A name has at most 255 characters, none of them NUL.",
            code=CustomerSegmentErrorCode.INVALID,
            field="name",
        )
    return name.strip()


def _clean_auto_tag(auto_tag: str) -> str:
    if not auto_tag:
        return ""
    try:
        return normalize_tag(auto_tag)
    except SegmentError as error:
        raise SegmentError(error.message, code=error.code, field="auto_tag") from None


def _auto_tag_taken(auto_tag: str) -> SegmentError:
    return SegmentError(
        f"Another segment already sets the tag '{auto_tag}'.",
        code=CustomerSegmentErrorCode.INVALID,
        field="auto_tag",
    )


def _refuse_tag_cycle(*, segment_id: int | None, definition: dict, auto_tag: str) -> None:
    """Raise SegmentError(TAG_CYCLE) if ``definition`` depends on its own ``auto_tag``.

    The rules form a graph: a segment depends on the segments setting the tags it
    reads. Saving the segment (``segment_id``, ``None`` when new) with ``definition``
    and ``auto_tag`` must leave that graph without a cycle through it; the error names
    the condition of ``definition`` where the cycle starts.
    """
    if not auto_tag:
        return
    reads = _automatic_tag_reads(exclude_segment_id=segment_id)
    for path, tag in tag_conditions(definition):
        if _reaches(tag, auto_tag, reads, set()):
            raise SegmentError(
                f"This condition reads '{tag}', which depends on the segment's own "
                f"automatic tag '{auto_tag}': membership would flip on every change.",
                code=CustomerSegmentErrorCode.TAG_CYCLE,
                field="definition",
                path=path or None,
            )


def _automatic_tag_reads(*, exclude_segment_id: int | None) -> dict[str, set[str]]:
    """Automatic tag -> the tags its segment reads (every other segment)."""
    rows = CustomerSegment.objects.exclude(auto_tag="").values_list("pk", "auto_tag", "definition")
    return {
        other_tag: _tags_read(other_definition)
        for pk, other_tag, other_definition in rows
        if pk != exclude_segment_id
    }


def _reaches(tag: str, target: str, reads: dict[str, set[str]], seen: set[str]) -> bool:
    """Whether membership of ``tag`` depends on ``target``, through the rules ``reads``."""
    if tag == target:
        return True
    if tag in seen or tag not in reads:
        return False
    seen.add(tag)
    return any(_reaches(next_tag, target, reads, seen) for next_tag in reads[tag])


def _tags_read(definition) -> set[str]:
    """Tags a stored definition reads; none when it cannot be read (logged on refresh)."""
    try:
        return referenced_tags(definition)
    except Exception:
        return set()


def customer_segment_create(
    *, name: str, definition: dict, channel_id: int | None, auto_tag: str = ""
) -> CustomerSegment:
    """Validate, save and compute membership at once; raises SegmentError, writes nothing then."""
    name = _clean_name(name)
    if channel_id is not None and not Channel.objects.filter(pk=channel_id).exists():
        raise SegmentError(
            "Channel not found.", code=CustomerSegmentErrorCode.NOT_FOUND, field="channel"
        )
    validate_definition(definition, channel_id=channel_id)
    auto_tag = _clean_auto_tag(auto_tag)
    now = timezone.now()
    with transaction.atomic():
        if auto_tag:
            segment_rules_lock()
            _refuse_tag_cycle(segment_id=None, definition=definition, auto_tag=auto_tag)
        try:
            with transaction.atomic():
                segment = CustomerSegment.objects.create(
                    name=name, channel_id=channel_id, definition=definition, auto_tag=auto_tag
                )
        except IntegrityError:
            raise _auto_tag_taken(auto_tag) from None
        segment_recompute(segment_id=segment.pk, reason="segment created", now=now)
    segment.refresh_from_db()
    return segment


def customer_segment_update(
    *,
    segment: CustomerSegment,
    name: str | None = None,
    definition: dict | None = None,
    auto_tag: str | None = None,
) -> CustomerSegment:
    """Validate and save what is given; recompute when the definition changed."""
    old_tag = segment.auto_tag
    fields = _segment_changes_set(
        segment=segment, name=name, definition=definition, auto_tag=auto_tag
    )
    if not fields:
        return segment
    try:
        with transaction.atomic():
            _segment_changes_save(segment=segment, fields=fields, old_tag=old_tag)
    finally:
        segment.refresh_from_db()
    return segment


def _segment_changes_set(*, segment: CustomerSegment, name, definition, auto_tag) -> list[str]:
    """Validate the given values onto ``segment`` (unsaved); return the fields set."""
    fields = []
    if name is not None:
        segment.name = _clean_name(name)
        fields.append("name")
    if definition is not None:
        validate_definition(definition, channel_id=segment.channel_id)
        segment.definition = definition
        fields.append("definition")
    if auto_tag is not None:
        segment.auto_tag = _clean_auto_tag(auto_tag)
        fields.append("auto_tag")
    return fields


def _segment_changes_save(*, segment: CustomerSegment, fields: list[str], old_tag: str) -> None:
    """Save ``fields`` of ``segment`` and bring memberships and tag readers along."""
    now = timezone.now()
    if segment.auto_tag:
        segment_rules_lock()
        _refuse_tag_cycle(
            segment_id=segment.pk, definition=segment.definition, auto_tag=segment.auto_tag
        )
    try:
        with transaction.atomic():
            segment.save(update_fields=[*fields, "updated_at"])
            if segment.auto_tag != old_tag:
                auto_tag_replace(segment=segment, now=now)
    except IntegrityError:
        raise _auto_tag_taken(segment.auto_tag) from None
    if "definition" in fields:
        segment_recompute(segment_id=segment.pk, reason="definition changed", now=now)
    if segment.auto_tag != old_tag:
        for tag in {old_tag, segment.auto_tag} - {""}:
            tag_readers_refresh(tag=tag, reason=f"tag {tag} changed", now=now, done={segment.pk})


def customer_segment_delete(*, segment: CustomerSegment) -> None:
    """Delete the segment with its memberships, history and automatic tags."""
    auto_tag = segment.auto_tag
    segment.delete()
    if auto_tag:
        tag_readers_refresh(
            tag=auto_tag, reason=f"tag {auto_tag} removed", now=timezone.now(), done=set()
        )


def customer_segment_preview(
    *,
    definition: dict,
    channel_id: int | None,
    segment: CustomerSegment | None = None,
    sample_size: int = 10,
    using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME,
) -> SegmentPreview:
    """Who ``definition`` selects now, and how that differs from ``segment``; writes nothing.

    Every read (reference lookups of the validation, the compiled query, the segment's
    members) goes to the alias ``using``: GraphQL passes the request's, the replica.
    """
    validate_definition(definition, channel_id=channel_id, using=using)
    members = compile_members_query(
        definition, channel_id=channel_id, now=timezone.now(), using=using
    )
    segment_id = segment.pk if segment is not None else None
    members_table = SegmentMembership._meta.db_table
    with statement_timeout(using=using), connections[using].cursor() as cursor:
        cursor.execute(
            f"""
            WITH matched AS ({members.text})
            SELECT
              (SELECT count(*) FROM matched),
              ARRAY(SELECT user_id FROM matched ORDER BY user_id LIMIT %s),
              (SELECT count(*) FROM matched x WHERE %s::bigint IS NOT NULL AND NOT EXISTS (
                 SELECT 1 FROM {members_table} m
                 WHERE m.segment_id = %s AND m.user_id = x.user_id)),
              (SELECT count(*) FROM {members_table} m WHERE m.segment_id = %s AND NOT EXISTS (
                 SELECT 1 FROM matched x WHERE x.user_id = m.user_id))
            """,
            [*members.params, max(sample_size, 0), segment_id, segment_id, segment_id],
        )
        count, sample, entering, leaving = cursor.fetchone()
    return SegmentPreview(count, list(sample), entering, leaving)


def segment_recompute(
    *, segment_id: int, reason: str, now: datetime.datetime | None = None
) -> SegmentChange:
    """Recompute one segment's whole membership by diff, set-based."""
    now = now or timezone.now()
    change = membership_apply(segment_id=segment_id, reason=reason, now=now)
    if change.joined or change.left:
        auto_tag = (
            CustomerSegment.objects.filter(pk=segment_id).values_list("auto_tag", flat=True).first()
        )
        if auto_tag:
            tag_readers_refresh(
                tag=auto_tag, reason=f"tag {auto_tag} changed", now=now, done={segment_id}
            )
    return change


def tag_readers_refresh(*, tag: str, reason: str, now, done: set[int]) -> None:
    """Recompute the segments whose rules read ``tag`` (each once; ``done`` are skipped).

    A reader that fails is logged and skipped (``membership_apply_isolated``).
    """
    for reader in CustomerSegment.objects.exclude(pk__in=done).order_by("pk"):
        try:
            reads_tag = tag in referenced_tags(reader.definition)
        except Exception:
            done.add(reader.pk)
            segment_failed(reader.pk)
            continue
        if not reads_tag:
            continue
        done.add(reader.pk)
        change = membership_apply_isolated(segment_id=reader.pk, reason=reason, now=now)
        if change and reader.auto_tag and (change.joined or change.left):
            tag_readers_refresh(
                tag=reader.auto_tag, reason=f"tag {reader.auto_tag} changed", now=now, done=done
            )


def customer_segments_refresh(
    *, user_id: int, reason: str, now: datetime.datetime | None = None
) -> list[SegmentChange]:
    """Re-evaluate one customer against every segment; returns the changes made.

    A deleted customer's memberships went with them: the member counts are recounted.
    """
    now = now or timezone.now()
    if not User.objects.filter(pk=user_id).exists():
        _member_counts_recount()
        return []
    # An order of theirs that another customer had before (moved by staff): that
    # customer is re-evaluated too.
    previous_owners = order_owners_sync(user_ids=[user_id]) - {user_id}
    changes = _customer_segments_apply(user_id=user_id, reason=reason, now=now)
    for previous_owner in sorted(previous_owners):
        changes += _customer_segments_apply(
            user_id=previous_owner, reason="order moved to another customer", now=now
        )
    return changes


def _customer_segments_apply(*, user_id: int, reason: str, now) -> list[SegmentChange]:
    segments = list(CustomerSegment.objects.order_by("pk").values_list("pk", "auto_tag"))
    changes: dict[int, SegmentChange] = {}
    for _ in range(MAX_REFRESH_PASSES):
        tags_moved = False
        for segment_id, auto_tag in segments:
            change = membership_apply_isolated(
                segment_id=segment_id, reason=reason, now=now, user_ids=[user_id]
            )
            if change and (change.joined or change.left):
                changes[segment_id] = change
                tags_moved = tags_moved or bool(auto_tag)
        if not tags_moved:
            break
    return list(changes.values())


def rfm_segments_recompute(*, channel_id: int) -> list[SegmentChange]:
    """After RFM scores of a channel moved: recompute the segments that read them.

    A segment that fails is logged and skipped; the others are recomputed.
    """
    changes = []
    for segment in CustomerSegment.objects.filter(channel_id=channel_id).order_by("pk"):
        try:
            with transaction.atomic():
                if RFM in triggers_read(segment.definition):
                    changes.append(
                        segment_recompute(segment_id=segment.pk, reason="RFM recomputed")
                    )
        except Exception:
            segment_failed(segment.pk)
    return changes


def _member_counts_recount() -> None:
    members_table = SegmentMembership._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {CustomerSegment._meta.db_table} s
            SET member_count = c.n
            FROM (
              SELECT s2.id, (SELECT count(*) FROM {members_table} m WHERE m.segment_id = s2.id) n
              FROM {CustomerSegment._meta.db_table} s2
            ) c
            WHERE c.id = s.id AND s.member_count <> c.n
            """
        )


def customer_tags_add(*, user, tags: list[str]) -> list[str]:
    """Add manual tags (normalised); returns the customer's tags after.

    Raises SegmentError(INVALID_TAG, field "tags") before writing anything.
    """
    tags = normalize_tags(tags)
    added = manual_tags_add(user_id=user.pk, tags=tags)
    if added:
        customer_segments_refresh(user_id=user.pk, reason=f"tag {', '.join(added)} added"[:255])
    return user_tags(user_id=user.pk)


def customer_tags_remove(*, user, tags: list[str]) -> list[str]:
    """Remove manual tags (automatic ones follow their segment); returns the tags after."""
    tags = normalize_tags(tags)
    removed = manual_tags_remove(user_id=user.pk, tags=tags)
    if removed:
        customer_segments_refresh(user_id=user.pk, reason=f"tag {', '.join(removed)} removed"[:255])
    return user_tags(user_id=user.pk)
