"""One reconciliation of an order's points, whatever event or task asked for it.

Saleor's events about one order (created, paid, refunded, cancelled, edited) schedule
Celery tasks that workers may run in any order. Each of them runs this same action, in
the same steps, so any order of the same events gives the same ledger:

1. settle the points the order spent (its active redemptions: spend what the card
   paid, release the rest),
2. earn once paid, reverse what refunds, cancellation and edits took back,
3. give back the refunded share of the points it spent.

Every step is idempotent, so running it again changes nothing.
"""

import dataclasses
import datetime

from django.utils import timezone

from . import orders, redemption


@dataclasses.dataclass(frozen=True)
class OrderLoyaltyResult:
    settled: int  # redemptions settled now
    earned: int  # points the order earned (now or before)
    reversed: int  # earned points taken back now
    returned: int  # spent points given back now


def order_loyalty_reconcile(
    *, order_id, now: datetime.datetime | None = None
) -> OrderLoyaltyResult:
    """Bring the order's points in line with its state: settle, earn/reverse, return."""
    now = now or timezone.now()
    settled = redemption.settle_order_redemptions(order_id=order_id)
    points = orders.sync_order_points(order_id=order_id, now=now)
    returned = redemption.return_refunded_points(order_id=order_id, now=now)
    return OrderLoyaltyResult(
        settled=settled,
        earned=points.earned,
        reversed=points.reversed,
        returned=returned,
    )
