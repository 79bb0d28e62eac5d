"""Points over time: pending batches mature after the return window, credited points expire.

Both run on a schedule and are safe to run twice or concurrently: maturing goes through
``ledger.mature_batch``, and expiring a batch through ``ledger.expire_batch``, which
posts ``expire:<batch id>`` for what remains of it, read under the account's row lock
because spending may have taken some meanwhile.
The return window runs from payment; expiry from when the points were credited.
"""

import datetime

from .ledger import expire_batch, mature_batch
from .models import EntryStatus, LoyaltyEntry

BATCH_SIZE = 500


def due_points_mature(*, now: datetime.datetime, limit: int = BATCH_SIZE) -> int:
    """Make every pending batch whose return window has passed available."""
    matured = 0
    while True:
        due = list(
            LoyaltyEntry.objects.filter(
                status=EntryStatus.PENDING, batch__isnull=True, available_at__lte=now
            )
            .order_by("available_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        matured += sum(mature_batch(batch_id=batch_id, now=now) for batch_id in due)
        if len(due) < limit:
            return matured


def due_points_expire(*, now: datetime.datetime, limit: int = BATCH_SIZE) -> int:
    """Expire what remains of every batch past its expiry date (oldest first)."""
    expired = 0
    while True:
        due = list(
            LoyaltyEntry.objects.filter(
                remaining__gt=0, status=EntryStatus.AVAILABLE, expires_at__lte=now
            )
            .order_by("expires_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        for batch_id in due:
            expired += expire_batch(batch_id=batch_id)
        if len(due) < limit:
            return expired
