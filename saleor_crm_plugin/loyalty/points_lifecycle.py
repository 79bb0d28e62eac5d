"""Points over time: pending batches mature after the return window, credited points expire.

Both run on a schedule and are safe to run twice or concurrently: maturing goes through
``ledger.mature_batch``, and expiring a batch posts ``expire:<batch id>`` for what remains
of it, read under the account's row lock because spending may have taken some meanwhile.
The return window runs from payment; expiry from when the points were credited.
"""

import datetime

from django.db import transaction

from .ledger import EntrySource, mature_batch, post_entry
from .lock_objects import loyalty_account_qs_select_for_update
from .models import EntryStatus, EntryType, LoyaltyEntry

BATCH_SIZE = 500


def mature_due_points(*, now: datetime.datetime, limit: int = BATCH_SIZE) -> int:
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


def expire_due_points(*, now: datetime.datetime, limit: int = BATCH_SIZE) -> int:
    """Expire what remains of every batch past its expiry date (oldest first)."""
    expired = 0
    while True:
        due = list(
            LoyaltyEntry.objects.filter(
                remaining__gt=0, status=EntryStatus.AVAILABLE, expires_at__lte=now
            )
            .order_by("expires_at", "pk")
            .values_list("pk", "account_id")[:limit]
        )
        for batch_id, account_id in due:
            expired += _expire_batch(batch_id=batch_id, account_id=account_id)
        if len(due) < limit:
            return expired


def _expire_batch(*, batch_id: int, account_id: int) -> bool:
    with transaction.atomic():
        # Read what remains under the account's lock: spending may have taken some.
        account = loyalty_account_qs_select_for_update().get(pk=account_id)
        batch = LoyaltyEntry.objects.get(pk=batch_id)
        if batch.remaining <= 0:
            return False
        posting = post_entry(
            account=account,
            points=-batch.remaining,
            entry_type=EntryType.EXPIRE,
            idempotency_key=f"expire:{batch_id}",
            batch=batch,
            source=EntrySource(reason="points expired"),
            occurred_at=batch.expires_at,
        )
    return posting.created
