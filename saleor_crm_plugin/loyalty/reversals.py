"""Taking back an earn's points, up to a target, once (orders and store purchases).

A caller works out how many of an earn's points its source takes back in all (the
refunded share, or everything when the source was cancelled or unlinked); this posts
only the difference from the reversals already written against the earn, under the
account's lock, with a key naming the target. So replays, retries and two workers
racing change nothing, and a later, larger refund posts just the rest.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from .ledger import EntrySource, post_entry
from .lock_objects import loyalty_account_qs_select_for_update
from .models import EntryType, LoyaltyEntry


@dataclasses.dataclass(frozen=True)
class ReversalSource:
    key_prefix: str  # the reversal's key is f"{key_prefix}:{target}"
    reason: str
    source_reference: str = ""
    order_id: object = None


def earn_reverse_to(
    *, earn: LoyaltyEntry, target: int, source: ReversalSource, now: datetime.datetime
) -> int:
    """Reverse ``earn`` until ``target`` of its points are taken back; the points posted."""
    if target <= 0:
        return 0
    spend_target = (Decimal(earn.spend_amount) * target / earn.points).quantize(Decimal("0.001"))
    with transaction.atomic():
        # Under the account's lock: two workers cannot both reverse the same share.
        loyalty_account_qs_select_for_update().get(pk=earn.account_id)
        done = LoyaltyEntry.objects.filter(batch=earn, type=EntryType.REVERSE).aggregate(
            points=Sum("points"), spend=Sum("spend_amount")
        )
        delta = target + (done["points"] or 0)
        if delta <= 0:
            return 0
        posting = post_entry(
            account=earn.account,
            points=-delta,
            entry_type=EntryType.REVERSE,
            idempotency_key=f"{source.key_prefix}:{target}",
            source=EntrySource(
                order_id=source.order_id,
                source_reference=source.source_reference,
                spend_amount=-(spend_target + (done["spend"] or 0)),
                reason=source.reason,
            ),
            batch=earn,
            available_at=earn.available_at,
            occurred_at=now,
        )
    return -posting.entry.points if posting.created else 0
