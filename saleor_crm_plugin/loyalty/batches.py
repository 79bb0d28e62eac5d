"""What a ledger entry does to the batches: the arithmetic of ``remaining``.

Helpers of the one writer (``loyalty.ledger``), called only by it, under the account's
row lock it holds. A credit is a batch; a debit consumes batches (``consume_batches``:
the batch that expires first, then the oldest, a few at a time); a release gives a
debit's points back to the batches it took them from (``held_by_debit`` reads what the
debit still holds per batch, ``release_plan`` decides what goes where). Each move is
recorded by the writer as a ``LoyaltyAllocation``.
"""

from django.db.models import F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from .exceptions import InvalidPoints
from .models import EntryStatus, LoyaltyAllocation, LoyaltyEntry

# Spending takes the batch that expires first, then the oldest.
FIFO_ORDER = (F("expires_at").asc(nulls_last=True), "created_at", "pk")
# A release gives back the points that expire last first (the reverse of FIFO).
LIFO_ORDER = (F("expires_at").desc(nulls_first=True), "-created_at", "-pk")
CONSUME_CHUNK = 50


def new_batch_remaining(points: int, balance_before: int) -> int:
    """What of a new credit is left to spend after it repays any debt."""
    return max(0, points + min(balance_before, 0))


def batch_state(batch_id: int) -> tuple[str, int]:
    """A batch's status, and what is left of it after the allocations to it.

    For a pending batch: what the pending reversals have not taken yet.
    """
    taken = (
        LoyaltyAllocation.objects.filter(batch_id=OuterRef("pk"))
        .values("batch_id")
        .annotate(total=Sum("points"))
        .values("total")
    )
    return (
        LoyaltyEntry.objects.filter(pk=batch_id)
        .annotate(left=F("points") - Coalesce(Subquery(taken), 0))
        .values_list("status", "left")
        .get()
    )


def consume_batches(
    account_id: int, points: int, *, first: LoyaltyEntry | None
) -> list[tuple[int, int]]:
    """Take ``points`` from the account's batches: ``first``, then oldest first.

    What the batches cannot cover is debt: the balance goes below zero and every
    batch is left empty, so Σ remaining = max(balance, 0) still holds. Returns what
    was taken from each batch: (batch id, points).
    """
    # Every change to a batch happens under its account's row lock, held here, so the
    # batches need no lock of their own; they are read a few at a time, oldest first,
    # so the cost follows the batches consumed, not the batches open.
    open_batches = LoyaltyEntry.objects.filter(
        account_id=account_id, remaining__gt=0, status=EntryStatus.AVAILABLE
    ).only("pk", "remaining")
    queues = [open_batches.order_by(*FIFO_ORDER)]
    if first is not None:
        queues = [open_batches.filter(pk=first.pk), queues[0].exclude(pk=first.pk)]
    left = points
    consumed = []
    for queue in queues:
        while left > 0:
            chunk = list(queue[:CONSUME_CHUNK])
            if not chunk:
                break
            for entry in chunk:
                taken = min(entry.remaining, left)
                LoyaltyEntry.objects.filter(pk=entry.pk).update(remaining=F("remaining") - taken)
                left -= taken
                consumed.append((entry.pk, taken))
                if left == 0:
                    break
    return consumed


def held_by_debit(
    debit: LoyaltyEntry, *, account_id: int, points: int
) -> list[tuple[LoyaltyEntry, int]]:
    """What ``debit`` still holds per batch, latest-expiring first.

    Raises ``InvalidPoints`` unless it holds at least ``points`` (with what it took
    without a batch).
    """
    debit = LoyaltyEntry.objects.get(pk=debit.pk)  # as it is now, under the lock
    if debit.account_id != account_id or debit.points >= 0 or debit.status != EntryStatus.AVAILABLE:
        raise InvalidPoints("Only an available debit of the account can be released.")
    released = LoyaltyEntry.objects.filter(restores=debit).aggregate(
        total=Coalesce(Sum("points"), 0)
    )["total"]
    taken = dict(LoyaltyAllocation.objects.filter(entry=debit).values_list("batch_id", "points"))
    given = dict(
        LoyaltyAllocation.objects.filter(entry__restores=debit, batch_id__in=list(taken))
        .values("batch_id")
        .annotate(total=Sum("points"))
        .values_list("batch_id", "total")
    )
    batches = LoyaltyEntry.objects.filter(pk__in=list(taken)).only("pk", "expires_at")
    shares = []
    for batch in batches.order_by(*LIFO_ORDER):
        share = taken[batch.pk] + given.get(batch.pk, 0)
        if share > 0:
            shares.append((batch, share))
    held = -debit.points - released
    allocated = sum(share for _batch, share in shares)
    # A release repaying debt gives back less to the batches than it releases: the
    # debit holds what it did not release, whichever batch that came from.
    while allocated > held and shares:
        batch, share = shares.pop()
        cut = min(share, allocated - held)
        allocated -= cut
        if share > cut:
            shares.append((batch, share - cut))
    if not 0 < points <= held:
        raise InvalidPoints(
            f"The debit holds {held} points; {points} cannot be released.", field="points"
        )
    return shares


def release_plan(
    shares: list[tuple[LoyaltyEntry, int]], *, points: int, debt: int
) -> tuple[list[tuple[LoyaltyEntry, int]], int]:
    """(points given back per batch, points the release keeps as its own batch).

    The latest-expiring shares go back first; the part no batch took comes back
    last; a standing debt is repaid from what expires first.
    """
    plan, left = [], points
    for batch, share in shares:
        if left == 0:
            break
        plan.append([batch, min(share, left)])
        left -= plan[-1][1]
    own = left
    repay = min(debt, points)
    for part in reversed(plan):  # the earliest-expiring first
        cut = min(part[1], repay)
        part[1] -= cut
        repay -= cut
    own -= min(own, repay)
    return [(batch, share) for batch, share in plan if share > 0], own
