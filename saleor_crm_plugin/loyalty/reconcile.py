"""One reconciliation of an order's points, whatever event or task asked for it.

Saleor's events about one order (created, paid, refunded, cancelled, edited) schedule
Celery tasks that workers may run in any order. Each of them runs this same action, in
the same steps, so any order of the same events gives the same ledger:

1. settle the points the order spent (its active redemptions: spend what the card
   paid, release the rest),
2. earn once paid, reverse what refunds, cancellation and edits took back,
3. give back the refunded share of the points it spent.

Every step is idempotent, so running it again changes nothing.

A programme deactivated in a channel still takes back what its orders earned (and
gives back what they spent) when they are refunded or cancelled, and earns nothing
new. Saleor calls no hook of a plugin deactivated in the order's channel, so
``inactive_program_orders_reconcile`` (a periodic task) runs this same action for the
orders of such channels that earned or spent points and changed since its last scan.

An event can also be lost where the programme is on: the broker was unreachable when
the request committed (the hook's task was never queued), or a task failed its last
retry. ``active_program_orders_reconcile`` (a periodic task too) runs the same action
for every customer order of an active channel that changed since its last scan; an
order whose sync did run finds nothing to change. Both scans walk a channel's orders
the same way, from the same cursor (``LoyaltyOrderScan``: a channel is either on or
off); the first scan of an active channel reads back ``FIRST_ACTIVE_SCAN`` (older
orders are the backfill command's).
"""

import dataclasses
import datetime
from uuid import UUID

from django.db.models import Q
from django.utils import timezone

from ..config import active_channel_programs
from . import fetch, orders, redemption, refunds
from .models import LoyaltyOrderScan

# A scan re-reads this much before where the last one stopped: an order saved just
# before a scan may be committed just after it.
SCAN_OVERLAP = datetime.timedelta(minutes=10)
SCAN_BATCH = 500
FIRST_ACTIVE_SCAN = datetime.timedelta(days=1)


@dataclasses.dataclass(frozen=True)
class OrderLoyaltyResult:
    settled: int  # redemptions settled now
    earned: int  # points the order earned (now or before)
    reversed: int  # earned points taken back now
    returned: int  # spent points given back now


def order_loyalty_reconcile(
    *, order_id: UUID | str, now: datetime.datetime | None = None
) -> OrderLoyaltyResult:
    """Bring the order's points in line with its state: settle, earn/reverse, return."""
    now = now or timezone.now()
    settled = redemption.order_redemptions_settle(order_id=order_id)
    points = orders.order_points_sync(order_id=order_id, now=now)
    returned = refunds.order_points_return_refunded(order_id=order_id, now=now)
    return OrderLoyaltyResult(
        settled=settled,
        earned=points.earned,
        reversed=points.reversed,
        returned=returned,
    )


def inactive_program_orders_reconcile(
    *, now: datetime.datetime | None = None, batch: int = SCAN_BATCH
) -> int:
    """Reconcile the changed orders with points of channels whose programme is off.

    Each channel's scan remembers where it stopped (``LoyaltyOrderScan``); the first
    one reads every order of the channel that earned or spent points.
    Returns how many orders were reconciled.
    """
    now = now or timezone.now()
    return sum(
        _scan_channel(
            channel_id,
            lambda since, channel_id=channel_id: fetch.orders_with_points(
                channel_id=channel_id, changed_since=since
            ),
            now=now,
            batch=batch,
        )
        for channel_id in fetch.inactive_program_channel_ids()
    )


def active_program_orders_reconcile(
    *, now: datetime.datetime | None = None, batch: int = SCAN_BATCH
) -> int:
    """Reconcile the customer orders changed since the last scan in channels whose
    programme is on, so that an order event that never reached a worker still moves
    the order's points. Returns how many orders were reconciled."""
    now = now or timezone.now()
    return sum(
        _scan_channel(
            channel_id,
            lambda since, channel_id=channel_id: fetch.customer_orders_changed(
                channel_id=channel_id, changed_since=since or now - FIRST_ACTIVE_SCAN
            ),
            now=now,
            batch=batch,
        )
        for channel_id in sorted(active_channel_programs())
    )


def _scan_channel(channel_id: int, orders_since, *, now, batch: int) -> int:
    """Reconcile ``orders_since(changed_since)`` (None: first scan) page by page, then
    move the channel's cursor to ``now``."""
    scan = LoyaltyOrderScan.objects.filter(channel_id=channel_id).first()
    orders_changed = orders_since(scan.scanned_until - SCAN_OVERLAP if scan else None).filter(
        updated_at__lte=now
    )
    reconciled = 0
    after = None
    while True:
        page = orders_changed
        if after is not None:
            page = page.filter(Q(updated_at__gt=after[0]) | Q(updated_at=after[0], pk__gt=after[1]))
        rows = list(page.values_list("updated_at", "pk")[:batch])
        for _updated_at, order_id in rows:
            order_loyalty_reconcile(order_id=order_id, now=now)
        reconciled += len(rows)
        if len(rows) < batch:
            break
        after = rows[-1]
    LoyaltyOrderScan.objects.update_or_create(
        channel_id=channel_id, defaults={"scanned_until": now}
    )
    return reconciled
