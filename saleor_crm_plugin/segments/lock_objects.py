"""Locks of segments: a readers-writer lock on the segment row, and the rules lock.

A full recompute takes ``FOR UPDATE``: it waits for running customer refreshes and
holds new ones off, so its snapshot cannot undo a refresh that committed meanwhile.
Customer refreshes take ``FOR KEY SHARE``: they run side by side (each one's diff is
one statement; ``ON CONFLICT`` and ``DELETE … RETURNING`` make concurrent refreshes of
the same customer count once), and their ``member_count`` update (a ``NO KEY UPDATE``
lock) does not conflict with another refresh's ``KEY SHARE``, so they cannot deadlock.
"""

from django.db import connection

from .models import CustomerSegment

# Key of the transaction-level advisory lock taken by ``segment_rules_lock``.
SEGMENT_RULES_LOCK_KEY = 0x5E6_7A65  # "segments / tags"


def customer_segment_qs_select_for_update():
    """Segments locked for a full recompute (exclusive)."""
    return CustomerSegment.objects.select_for_update(of=("self",))


def customer_segment_select_for_refresh(segment_id: int) -> CustomerSegment | None:
    """The segment (``None`` if gone), locked ``FOR KEY SHARE`` for a customers' refresh."""
    table = CustomerSegment._meta.db_table
    rows = CustomerSegment.objects.raw(
        f"SELECT * FROM {table} WHERE id = %s FOR KEY SHARE", [segment_id]
    )
    return next(iter(rows), None)


def segment_rules_lock() -> None:
    """Serialise saves of segments that set an automatic tag, until the transaction ends.

    The check that no rule reads its own tag (``actions._refuse_tag_cycle``) reads every
    other rule: two saves checked side by side could each pass and together close a
    cycle. Under this lock the second one sees the first.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEGMENT_RULES_LOCK_KEY])
