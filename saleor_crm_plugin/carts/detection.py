"""Finding abandoned checkouts and driving their reminder stages (the periodic sweep).

A checkout is *abandoned* when it has lines, an e-mail (its own or its customer's), no
completion under way and has not changed for the first stage's delay. "Under way"
follows Saleor's own lock: ``completing_started_at`` set less than
``CHECKOUT_COMPLETION_LOCK_TIME`` ago (a completion that crashed leaves the field set
for good; Saleor then treats the checkout as unlocked, and so do we).

Saleor keeps ``Checkout.last_change`` indexed, so detection is one ``INSERT … SELECT``
per batch (keyset-paginated on ``(last_change, token)``) over a window of
``last_change`` values: the rows never travel through Python, memory stays constant,
and a checkout already tracked (token unique) is skipped by the index — unless it
changed since its round ran out (every stage claimed, or the row closed as expired,
suppressed or purchased elsewhere: refilled and left again): then the row starts a new
round from the first stage (``ON CONFLICT … DO UPDATE``). The window is
incremental: it starts where the channel's previous sweep stopped
(``CartDetectionCursor``, less ``cursor_overlap`` for transactions that committed after
it looked) and ends at ``now - first delay``; never older than the last stage's delay
(nothing is left to send past it). Each batch is one statement (cursor read, insert,
cursor move) in one round trip, committed without waiting for the disk (``_DETECT_SQL``
says why). A sweep therefore reads the checkouts that became
due since the previous sweep, not all the due ones again. A checkout changed later
moves forward in ``last_change`` and so into a later window. The CRM only reads
Saleor's checkout tables.

Then, per channel, at most ``cart_messages_per_run`` due rows (``next_stage_at`` past,
oldest first) are advanced one by one (``stages.abandoned_checkout_advance``); each
claims its stage before sending, so a replayed or concurrent sweep sends nothing
twice. A send that fails for one message (a refused mailbox, a template that cannot
render it) fails that reminder only; one that fails because of the SMTP server or the
connection (``email.stops_the_batch``) stops the channel's batch: the rest waits for
the next sweep rather than failing the same way.
"""

import dataclasses
import datetime
import logging

from django.conf import settings
from django.db import connection
from saleor.account.models import User
from saleor.checkout.models import Checkout, CheckoutLine
from saleor.plugins.manager import get_plugins_manager

from ..mail import DeliveryNotAttempted
from ..config import ChannelConfig, active_channel_programs
from .email import stops_the_batch
from .models import AbandonedCheckout, AbandonedStatus, CartDetectionCursor, ReminderStatus
from .stages import abandoned_checkout_advance

logger = logging.getLogger(__name__)

# At most this many detection batches per channel and sweep; the rest is found next time.
MAX_DETECTION_BATCHES = 50
# A checkout is found however late the transaction that set its ``last_change``
# commits, within this long (a slow request, an app server's clock behind the worker's).
LATE_COMMIT_COVER = datetime.timedelta(minutes=15)
# Each sweep looks again at least this far behind where the previous one stopped.
MIN_CURSOR_OVERLAP = datetime.timedelta(minutes=1)


def cursor_overlap(first_delay: datetime.timedelta) -> datetime.timedelta:
    """How far behind the previous sweep's stop a sweep starts reading.

    A sweep reads up to ``now - first delay``, so a row that committed after it looked
    had already been ``first delay`` in its transaction: only the rest of
    ``LATE_COMMIT_COVER`` needs reading again. Every row read again costs each sweep.
    """
    return max(MIN_CURSOR_OVERLAP, LATE_COMMIT_COVER - first_delay)


@dataclasses.dataclass
class SweepResult:
    detected: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retrying: int = 0
    untouched: int = 0

    def add(self, other: "SweepResult") -> None:
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


def cart_recovery_channels() -> list[tuple[int, ChannelConfig]]:
    """(channel id, configuration) of channels where cart recovery is on."""
    return [
        (channel_id, config)
        for channel_id, config in active_channel_programs().items()
        if config.carts.enabled
    ]


def abandoned_checkouts_sweep(*, now: datetime.datetime, batch_size: int = 1000) -> SweepResult:
    """Detect new abandoned checkouts and advance due stages in every enabled channel."""
    result = SweepResult()
    manager = None
    for channel_id, config in cart_recovery_channels():
        result.detected += abandoned_checkouts_detect(
            channel_id=channel_id, config=config, now=now, batch_size=batch_size
        )
        due_ids = due_abandoned_ids(
            channel_id=channel_id, now=now, limit=config.carts.messages_per_run
        )
        manager = manager or get_plugins_manager(allow_replica=False)
        result.add(_advance_all(due_ids, now=now, manager=manager))
    return result


def _advance_all(due_ids: list[int], *, now, manager) -> SweepResult:
    result = SweepResult()
    for position, abandoned_id in enumerate(due_ids):
        try:
            reminder = abandoned_checkout_advance(
                abandoned_id=abandoned_id, now=now, manager=manager
            )
        except Exception as error:
            # Recorded as failed (never retried: it may have left), or as retry when
            # nothing left (``mail.DeliveryNotAttempted``, ``journeys.claims``).
            logger.exception("saleor-crm: cart reminder for %s failed", abandoned_id)
            if isinstance(error, DeliveryNotAttempted):
                result.retrying += 1
            else:
                result.failed += 1
            if stops_the_batch(error):  # the next one would fail the same way
                result.untouched += len(due_ids) - position - 1
                break
            continue
        if reminder is None:
            continue
        if reminder.status == ReminderStatus.SENT:
            result.sent += 1
        elif reminder.status == ReminderStatus.SKIPPED:
            result.skipped += 1
    return result


def due_abandoned_ids(*, channel_id: int, now: datetime.datetime, limit: int) -> list[int]:
    return list(
        AbandonedCheckout.objects.filter(
            channel_id=channel_id, status=AbandonedStatus.OPEN, next_stage_at__lte=now
        )
        .order_by("next_stage_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


# One statement per batch, in one round trip: read the channel's cursor, insert the
# batch, move the cursor. Its transaction commits without waiting for the WAL flush
# (``set_config(…, true)`` lasts until that commit): detection can be replayed, and a
# crash that loses the commit loses the rows and the cursor's move together, so the
# next sweep reads the same window again. Waiting for the disk would cost every sweep
# more than reading its window.
_DETECT_SQL = """
WITH commit_without_wait AS MATERIALIZED (
    SELECT set_config('synchronous_commit', 'off', true)
),
window_start AS MATERIALIZED (
    SELECT greatest(
        %(after)s,
        (SELECT scanned_until - %(overlap)s FROM {cursor} WHERE channel_id = %(channel_id)s)
    ) AS after
    FROM commit_without_wait
),
inserted AS (
    INSERT INTO {abandoned} AS a (
        token, channel_id, user_id, email, currency, total_gross_amount, lines_count,
        last_change_seen, detected_at, round, stage, next_stage_at, status, variant,
        created_at
    )
    SELECT c.token, c.channel_id, c.user_id,
           lower(trim(coalesce(nullif(trim(c.email), ''), u.email))),
           c.currency, c.total_gross_amount,
           (SELECT count(*) FROM {line} l WHERE l.checkout_id = c.token),
           c.last_change, %(now)s, 1, 0, c.last_change + %(first_delay)s, %(open)s, '',
           %(now)s
    FROM {checkout} c
    LEFT JOIN {user} u ON u.id = c.user_id
    WHERE c.last_change > (SELECT after FROM window_start)
      AND c.last_change <= %(until)s
      AND (c.last_change, c.token) > (%(cursor_change)s, %(cursor_token)s::uuid)
      AND c.channel_id = %(channel_id)s
      AND (c.completing_started_at IS NULL OR c.completing_started_at <= %(lock_expired)s)
      AND (nullif(trim(c.email), '') IS NOT NULL OR c.user_id IS NOT NULL)
      AND coalesce(nullif(trim(c.email), ''), u.email) IS NOT NULL
      AND c.total_gross_amount >= %(min_total)s
      AND EXISTS (SELECT 1 FROM {line} l WHERE l.checkout_id = c.token)
      AND NOT EXISTS (
        SELECT 1 FROM {abandoned} t WHERE t.token = c.token
        AND NOT (
          (t.status = ANY(%(reopenable)s) OR (t.status = %(open)s AND t.stage >= %(last_stage)s))
          AND t.last_change_seen < c.last_change
        )
      )
    ORDER BY c.last_change, c.token
    LIMIT %(limit)s
    ON CONFLICT (token) DO UPDATE SET
        round = a.round + 1, stage = 0, status = EXCLUDED.status, closed_at = NULL,
        user_id = EXCLUDED.user_id, email = EXCLUDED.email, currency = EXCLUDED.currency,
        total_gross_amount = EXCLUDED.total_gross_amount, lines_count = EXCLUDED.lines_count,
        last_change_seen = EXCLUDED.last_change_seen, detected_at = EXCLUDED.detected_at,
        next_stage_at = EXCLUDED.next_stage_at, order_id = NULL, order_total_amount = NULL,
        discount_amount = NULL
      WHERE (a.status = ANY(%(reopenable)s) OR (a.status = %(open)s AND a.stage >= %(last_stage)s))
        AND a.last_change_seen < EXCLUDED.last_change_seen
    RETURNING last_change_seen, token
),
-- How far this sweep has read: the whole window once a batch comes back short,
-- otherwise the last checkout inserted. Never back: sweeps may overlap.
cursor_moved AS (
    INSERT INTO {cursor} AS moved (channel_id, scanned_until)
    SELECT %(channel_id)s,
           CASE WHEN count(*) < %(limit)s THEN %(until)s ELSE max(last_change_seen) END
    FROM inserted
    ON CONFLICT (channel_id)
    DO UPDATE SET scanned_until = GREATEST(moved.scanned_until, EXCLUDED.scanned_until)
)
SELECT last_change_seen, token FROM inserted
"""


def abandoned_checkouts_detect(
    *, channel_id: int, config: ChannelConfig, now: datetime.datetime, batch_size: int
) -> int:
    """Insert the channel's newly abandoned checkouts; return how many."""
    stages = config.carts.stages
    if not stages:
        return 0
    first_delay = datetime.timedelta(seconds=stages[0].delay_seconds)
    until = now - first_delay
    sql = _DETECT_SQL.format(
        abandoned=AbandonedCheckout._meta.db_table,
        checkout=Checkout._meta.db_table,
        line=CheckoutLine._meta.db_table,
        user=User._meta.db_table,
        cursor=CartDetectionCursor._meta.db_table,
    )
    params = {
        "now": now,
        "first_delay": first_delay,
        "open": AbandonedStatus.OPEN,
        "reopenable": list(AbandonedStatus.REOPENABLE),
        "last_stage": stages[-1].number,
        # Past the last stage's delay there is nothing left to send.
        "after": now - datetime.timedelta(seconds=stages[-1].delay_seconds),
        "overlap": cursor_overlap(first_delay),
        "until": until,
        "cursor_change": datetime.datetime.min.replace(tzinfo=datetime.UTC),
        "cursor_token": "00000000-0000-0000-0000-000000000000",
        "channel_id": channel_id,
        "lock_expired": now - datetime.timedelta(seconds=settings.CHECKOUT_COMPLETION_LOCK_TIME),
        "min_total": config.carts.min_total,
        "limit": batch_size,
    }
    detected = 0
    for _batch in range(MAX_DETECTION_BATCHES):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        detected += len(rows)
        if len(rows) < batch_size:
            break
        params["cursor_change"], params["cursor_token"] = max(rows)
    return detected
