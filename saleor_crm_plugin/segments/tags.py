"""Customer tags: normalisation and the writes of manual tags.

A tag is stored normalised: stripped, inner whitespace collapsed to one space,
lower-cased; 1..50 characters of letters, digits, space, ``-``, ``_`` and ``:``. So
"VIP", " vip " and "Vip" are one tag. Manual tags are written here; automatic tags are
written by the membership diff of the segment that owns them (``membership.py``).
"""

import re

from django.db import transaction

from .error_codes import CustomerSegmentErrorCode
from .exceptions import SegmentError
from .models import CustomerTag, TagSource

TAG_MAX_LENGTH = 50
MAX_TAGS_PER_CALL = 50
_WHITESPACE = re.compile(r"\s+")
_ALLOWED = re.compile(r"^[\w :-]+$")


def fold_tag(raw: str) -> str:
    """``raw`` folded as tags are stored (inner whitespace collapsed, stripped, lower
    case), without checking that it is a valid tag."""
    return _WHITESPACE.sub(" ", raw).strip().lower()


def normalize_tag(raw: str) -> str:
    """The stored form of ``raw``; raises SegmentError(INVALID_TAG) when not a tag."""
    if not isinstance(raw, str):
        raise SegmentError(
            "A tag must be a string.", code=CustomerSegmentErrorCode.INVALID_TAG, field="tags"
        )
    tag = fold_tag(raw)
    if not tag:
        raise SegmentError(
            "A tag cannot be empty.", code=CustomerSegmentErrorCode.INVALID_TAG, field="tags"
        )
    if len(tag) > TAG_MAX_LENGTH:
        raise SegmentError(
            f"Tag '{tag[:20]}…' is longer than {TAG_MAX_LENGTH} characters.",
            code=CustomerSegmentErrorCode.INVALID_TAG,
            field="tags",
        )
    if not _ALLOWED.match(tag):
        raise SegmentError(
            f"Tag '{tag}' may only contain letters, digits, spaces, '-', '_' and ':'.",
            code=CustomerSegmentErrorCode.INVALID_TAG,
            field="tags",
        )
    return tag


def normalize_tags(raw_tags: list[str]) -> list[str]:
    """Normalised, de-duplicated, in the given order; all valid or SegmentError."""
    if len(raw_tags) > MAX_TAGS_PER_CALL:
        raise SegmentError(
            f"At most {MAX_TAGS_PER_CALL} tags at once.",
            code=CustomerSegmentErrorCode.INVALID_TAG,
            field="tags",
        )
    return list(dict.fromkeys(normalize_tag(raw) for raw in raw_tags))


def user_tags(*, user_id: int) -> list[str]:
    """The customer's tags (manual and automatic), sorted, each once."""
    return sorted(set(CustomerTag.objects.filter(user_id=user_id).values_list("tag", flat=True)))


def manual_tags_add(*, user_id: int, tags: list[str]) -> list[str]:
    """Add normalised manual tags; returns those that were new."""
    existing = set(
        CustomerTag.objects.filter(
            user_id=user_id, source=TagSource.MANUAL, tag__in=tags
        ).values_list("tag", flat=True)
    )
    CustomerTag.objects.bulk_create(
        [CustomerTag(user_id=user_id, tag=tag, source=TagSource.MANUAL) for tag in tags],
        ignore_conflicts=True,
    )
    return [tag for tag in tags if tag not in existing]


def manual_tags_remove(*, user_id: int, tags: list[str]) -> list[str]:
    """Remove manual tags; returns those that were there."""
    with transaction.atomic():
        removed = list(
            CustomerTag.objects.filter(user_id=user_id, source=TagSource.MANUAL, tag__in=tags)
            .select_for_update()
            .values_list("tag", flat=True)
        )
        CustomerTag.objects.filter(
            user_id=user_id, source=TagSource.MANUAL, tag__in=removed
        ).delete()
    return [tag for tag in tags if tag in removed]
