"""Keep time-relative conditions right without rescanning every customer.

A condition such as "spent over 500 in the last 365 days" or "no order for 60 days"
changes for a customer only when one of their orders (or their join date) reaches an
age the definition names: an order leaves a 365-day window when it turns 365 days
old; "days since last order > 60" flips when the order turns 61 days old. So between
two runs only customers with an order created in ``[last run − W, now − W)`` for some
such age ``W`` can change (``conditions.boundaries``, from the ``age`` and ``window``
each field declares). Those are found by the ages' range scans
(``triggers.ORDER_PLACED`` on ``order_order.created_at``, ``triggers.JOINED`` on
``account_user.date_joined``, both indexed), and refreshed with the segment's own query restricted to them. Each
segment records up to when it has been checked (``boundaries_checked_at``); a full
recompute sets it too.

The same run is also the one mechanism that catches what the plugin hears no event
for (docs/segments.md, "What the periodic refresh also catches"). Per segment, since
its last check, it re-evaluates the customers whose data changed, as told by the
triggers of the fields it reads (``triggers.py``, ``changed_customers``):

* whose orders changed (``order_order.updated_at``, indexed), in any channel — an
  order paid where the CRM is off, edited, or moved to them — when the segment reads
  order fields; and the previous owners of orders that moved to another customer
  (``ownership.order_owners_sync``, once per run);
* whose loyalty points moved (entries written — adjustments, bonuses, expiry,
  redemptions — or matured; the account saved) in the segment's channel, when it reads
  ``points_balance`` or ``loyalty_tier``;
* whose country or marketing consent may have changed (``account_user.updated_at``
  and the consent row's ``updated_at``), when it reads those: Saleor calls
  ``customer_updated`` on a per-channel plugin only when the request happened to load
  that channel's plugins.

Events (orders paid, refunded…, customers, tags, tiers) still refresh a customer at
once; the periodic run bounds the delay of anything they miss to one run. RFM is
recomputed daily.
"""

import dataclasses
import datetime

from django.db import connection, transaction

from .actions import tag_readers_refresh
from .conditions import boundaries, triggers_read
from .membership import SegmentChange, membership_apply, segment_failed
from .models import CustomerSegment
from .ownership import order_owners_sync
from .sql import Sql
from .triggers import ORDERS

REASON = "refreshed: time passed"


@dataclasses.dataclass(frozen=True)
class TimeRefresh:
    segment_id: int
    checked_user_ids: list[int]  # crossed a time boundary
    change: SegmentChange | None  # None when nobody joined or left
    changed_user_ids: list[int] = dataclasses.field(default_factory=list)  # data changed


def boundary_crossers(
    *,
    definition: dict,
    channel_id: int | None,
    since: datetime.datetime,
    now: datetime.datetime,
) -> list[int]:
    """Customers whose orders or join date crossed a time boundary in ``[since, now)``."""
    clauses = [
        age.crossed(channel_id, [(since - window, now - window) for window in sorted(windows)])
        for age, windows in boundaries(definition).items()
    ]
    return _union(clauses)


def changed_customers(
    *,
    definition: dict,
    channel_id: int | None,
    since: datetime.datetime,
    now: datetime.datetime,
) -> list[int]:
    """Customers whose data read by ``definition`` changed in ``[since, now)``."""
    clauses = [
        clause
        for trigger in _watched_triggers(definition)
        for clause in trigger.changed(channel_id, since, now)
    ]
    return _union(clauses)


def _watched_triggers(definition: dict):
    """The triggers of ``definition`` that events may miss, in a stable order."""
    found = [trigger for trigger in triggers_read(definition) if trigger.changed is not None]
    return sorted(found, key=lambda trigger: trigger.name)


def _union(clauses: list[Sql]) -> list[int]:
    if not clauses:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ".join(clause.text for clause in clauses) + " ORDER BY 1",
            [param for clause in clauses for param in clause.params],
        )
        return [row[0] for row in cursor.fetchall()]


def watches_time_or_changes(definition: dict) -> bool:
    return bool(boundaries(definition) or _watched_triggers(definition))


def _since(segment: CustomerSegment) -> datetime.datetime:
    return segment.boundaries_checked_at or segment.computed_at or segment.created_at


def segments_time_refresh(*, now: datetime.datetime) -> list[TimeRefresh]:
    """Refresh, in every segment, only the customers who crossed one of its time
    boundaries or whose data it reads changed since its last check.

    Segments are isolated: one that fails is logged and skipped (its check time stays,
    so the next run tries it again) and the others go on.
    """
    segments = list(CustomerSegment.objects.order_by("pk"))
    if not segments:
        return []
    # Once per run, over every order changed since the oldest check: who lost an order.
    previous_owners = order_owners_sync(since=min(map(_since, segments)), now=now)
    results = []
    for segment in segments:
        try:
            with transaction.atomic():
                result = _segment_time_refresh(segment, now=now, previous_owners=previous_owners)
        except Exception:
            segment_failed(segment.pk)
            continue
        if result is not None:
            results.append(result)
    return results


def _segment_time_refresh(
    segment: CustomerSegment, *, now, previous_owners: set[int]
) -> TimeRefresh | None:
    definition = segment.definition
    if not watches_time_or_changes(definition):
        return None
    since = _since(segment)
    if since >= now:
        return None
    crossed = boundary_crossers(
        definition=definition, channel_id=segment.channel_id, since=since, now=now
    )
    changed = set(
        changed_customers(
            definition=definition, channel_id=segment.channel_id, since=since, now=now
        )
    )
    if ORDERS in triggers_read(definition):
        changed |= previous_owners
    user_ids = sorted(set(crossed) | changed)
    change = None
    if user_ids:
        change = membership_apply(segment_id=segment.pk, reason=REASON, now=now, user_ids=user_ids)
        if segment.auto_tag and (change.joined or change.left):
            tag_readers_refresh(tag=segment.auto_tag, reason=REASON, now=now, done={segment.pk})
        if not (change.joined or change.left):
            change = None
    CustomerSegment.objects.filter(pk=segment.pk).update(boundaries_checked_at=now)
    return TimeRefresh(segment.pk, crossed, change, sorted(changed))
