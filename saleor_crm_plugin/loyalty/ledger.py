"""The only writer to the loyalty ledger.

``post_entry`` appends one entry and moves the account's stored totals in the same
transaction, under the account's row lock. Its idempotency key is unique in the
database: a retried or replayed call returns the entry written the first time and
changes nothing. ``mature_batch`` moves a pending batch (an earn entry and any pending
reversal of it) to available, ``expire_batch`` expires what remains of a batch, and
``release_debit`` gives a debit's points back. Everything else in the loyalty domain
calls these four.

Balances may go negative only through a reversal of points already spent (or a staff
adjustment); a negative balance is a debt that blocks redemption and is repaid by the
next points earned. Redemption and expiry never overdraw: they raise
``InsufficientPoints``.

Every move of a batch's ``remaining`` is recorded as a ``LoyaltyAllocation`` with the
entry that made it (what a debit took from each batch, what a release gave back, what
a credit repaid of a debt), so ``release_debit`` gives a reservation's points back to
the very batches they came from, with their own expiry, and a batch's ``remaining``
is derivable from entries alone. Reserved points never outlive their batch: the
share of a batch that expired while reserved comes back and expires at once. The
key is taken (the entry inserted) before any batch moves: a posting that loses its
key to a concurrent one changes nothing.

``audit_accounts`` recomputes every account's totals from its entries and returns the
accounts whose stored totals or batches disagree (``manage.py crm_loyalty_audit``).
"""

import dataclasses
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..config import MAX_POINTS as MAX_ENTRY_POINTS
from .exceptions import InsufficientPoints, InvalidPoints
from .lock_objects import loyalty_account_qs_select_for_update
from .models import (
    EntryStatus,
    EntryType,
    LoyaltyAccount,
    LoyaltyAllocation,
    LoyaltyEntry,
)

# Credits that count towards lifetime points; reversals take them back.
_LIFETIME_TYPES = {EntryType.EARN, EntryType.BONUS, EntryType.REVERSE}
# Debits that must never overdraw the balance.
_NO_OVERDRAFT_TYPES = {EntryType.REDEEM, EntryType.EXPIRE}
_ENTRY_TYPES = {value for value, _label in EntryType.CHOICES}
# Spending takes the batch that expires first, then the oldest.
_FIFO_ORDER = (F("expires_at").asc(nulls_last=True), "created_at", "pk")
# A release gives back the points that expire last first (the reverse of FIFO).
_LIFO_ORDER = (F("expires_at").desc(nulls_first=True), "-created_at", "-pk")
_CONSUME_CHUNK = 50


@dataclasses.dataclass(frozen=True)
class Posting:
    entry: LoyaltyEntry
    created: bool


@dataclasses.dataclass(frozen=True)
class EntrySource:
    """Where an entry comes from and who made it (all optional)."""

    order_id: object = None
    source_reference: str = ""
    reason: str = ""
    actor_user_id: int | None = None
    actor_app_id: int | None = None
    spend_amount: object = 0
    details: dict = dataclasses.field(default_factory=dict)


def post_entry(
    *,
    account: LoyaltyAccount,
    points: int,
    entry_type: str,
    idempotency_key: str,
    status: str = EntryStatus.AVAILABLE,
    source: EntrySource | None = None,
    batch: LoyaltyEntry | None = None,
    available_at: datetime | None = None,
    expires_at: datetime | None = None,
    occurred_at: datetime | None = None,
) -> Posting:
    """Append one entry to ``account``'s ledger, once per ``idempotency_key``.

    A positive available entry is a new batch; a negative one consumes batches,
    ``batch`` first when given, then the oldest. A pending credit (earned inside the
    return window) moves ``pending`` instead of ``balance``. A debit against a
    ``batch`` takes the batch's status, read under the lock: reversing points that
    are still pending reduces ``pending``, however the caller saw the batch before.
    """
    _validate(points=points, entry_type=entry_type, status=status, key=idempotency_key)
    source = source or EntrySource()

    if (earlier := _earlier_posting(idempotency_key)) is not None:
        return earlier

    with transaction.atomic():
        locked = loyalty_account_qs_select_for_update().get(pk=account.pk)
        if (earlier := _earlier_posting(idempotency_key)) is not None:
            return earlier

        if points < 0 and batch is not None:
            status = LoyaltyEntry.objects.values_list("status", flat=True).get(pk=batch.pk)
        remaining = _checked_remaining(
            locked, points=points, entry_type=entry_type, status=status, batch=batch
        )
        # The key is taken before any batch moves: losing it to another account's
        # posting of the same key leaves this account exactly as it was.
        entry, created = _insert_entry(
            account=locked,
            points=points,
            type=entry_type,
            status=status,
            idempotency_key=idempotency_key,
            source=source,
            batch=batch,
            remaining=remaining,
            available_at=available_at,
            expires_at=expires_at,
            occurred_at=occurred_at,
        )
        if not created:
            return Posting(entry=entry, created=False)
        _allocate(entry, _batch_moves(entry, locked, batch=batch))
        _move_totals(locked, points=points, entry_type=entry_type, status=status)
    return Posting(entry=entry, created=True)


def release_debit(
    *,
    account: LoyaltyAccount,
    debit: LoyaltyEntry,
    points: int,
    idempotency_key: str,
    source: EntrySource | None = None,
    occurred_at: datetime | None = None,
    now: datetime | None = None,
) -> Posting:
    """Give ``points`` of ``debit`` back to the batches it took them from, once per key.

    Posts one ``RELEASE`` entry (``restores`` = the debit) and puts the points back
    into each batch's ``remaining`` with the batch's own expiry: the latest-expiring
    first, so what the debit keeps (spent points) is what would have expired first.
    A batch's share that has expired meanwhile (``expires_at <= now``) comes back and
    expires at once (an ``EXPIRE`` of that batch): reserved points never outlive their
    batch. What the debit took without a batch (debt, or a debit older than
    allocations) comes back as a batch of the release itself, never expiring. A debt
    standing at the release is repaid first, from the points that expire first.
    Raises ``InvalidPoints`` (writing nothing) beyond what the debit still holds.
    """
    _validate(
        points=points,
        entry_type=EntryType.RELEASE,
        status=EntryStatus.AVAILABLE,
        key=idempotency_key,
    )
    source = source or EntrySource()
    now = now or timezone.now()
    if (earlier := _earlier_posting(idempotency_key)) is not None:
        return earlier

    with transaction.atomic():
        locked = loyalty_account_qs_select_for_update().get(pk=account.pk)
        if (earlier := _earlier_posting(idempotency_key)) is not None:
            return earlier
        restored, own = _release_plan(
            _held_by_debit(debit, account_id=locked.pk, points=points),
            points=points,
            debt=max(-locked.balance, 0),
        )
        entry, created = _insert_entry(
            account=locked,
            points=points,
            type=EntryType.RELEASE,
            status=EntryStatus.AVAILABLE,
            idempotency_key=idempotency_key,
            source=source,
            restores=debit,
            remaining=own,
            occurred_at=occurred_at,
        )
        if not created:
            return Posting(entry=entry, created=False)
        _restore(entry, restored, own=own)
        _move_totals(
            locked, points=points, entry_type=EntryType.RELEASE, status=EntryStatus.AVAILABLE
        )
        for batch, _share in restored:
            if batch.expires_at is not None and batch.expires_at <= now:
                expire_batch(batch_id=batch.pk)
    return Posting(entry=entry, created=True)


def expire_batch(*, batch_id: int) -> bool:
    """Expire what remains of a batch (its expiry date passed). Return if it did.

    The first expiry of a batch is ``expire:<batch id>``; points given back to it
    after that (a release of a reservation) expire as ``expire:<batch id>:<n>``.
    """
    batch = LoyaltyEntry.objects.filter(pk=batch_id).only("account_id").first()
    if batch is None:
        return False
    with transaction.atomic():
        # Read what remains under the account's lock: spending may have taken some.
        account = loyalty_account_qs_select_for_update().get(pk=batch.account_id)
        batch = LoyaltyEntry.objects.get(pk=batch_id)
        if batch.remaining <= 0 or batch.status != EntryStatus.AVAILABLE:
            return False
        done = LoyaltyEntry.objects.filter(batch=batch, type=EntryType.EXPIRE).count()
        posting = post_entry(
            account=account,
            points=-batch.remaining,
            entry_type=EntryType.EXPIRE,
            idempotency_key=f"expire:{batch_id}" + (f":{done}" if done else ""),
            batch=batch,
            source=EntrySource(reason="points expired"),
            occurred_at=batch.expires_at,
        )
    return posting.created


def _validate(*, points, entry_type: str, status: str, key: str) -> None:
    if (
        not isinstance(points, int)
        or isinstance(points, bool)
        or points == 0
        or abs(points) > MAX_ENTRY_POINTS
    ):
        raise InvalidPoints(
            f"Points must be a non-zero whole number up to {MAX_ENTRY_POINTS}.",
            field="points",
        )
    if entry_type not in _ENTRY_TYPES:
        raise InvalidPoints(f"Unknown entry type {entry_type!r}.", field="type")
    if status not in (EntryStatus.PENDING, EntryStatus.AVAILABLE):
        raise InvalidPoints(f"Unknown entry status {status!r}.", field="status")
    if not key or len(key) > 255:
        raise InvalidPoints("An idempotency key of 1 to 255 characters is required.")


def _earlier_posting(idempotency_key: str) -> Posting | None:
    """The posting that holds ``idempotency_key`` already, or ``None``."""
    existing = LoyaltyEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    return Posting(entry=existing, created=False)


def _insert_entry(
    *, account: LoyaltyAccount, source: EntrySource, occurred_at, **fields
) -> tuple[LoyaltyEntry, bool]:
    """Insert the entry (``True``), or return the entry that holds its key already.

    The savepoint covers the insert alone, and nothing has moved before it: when the
    same key was posted at the same moment (to another account), that one won and
    the caller returns it having changed nothing.
    """
    try:
        with transaction.atomic():
            entry = LoyaltyEntry.objects.create(
                account=account,
                order_id=source.order_id,
                source_reference=source.source_reference,
                reason=source.reason,
                actor_user_id=source.actor_user_id,
                actor_app_id=source.actor_app_id,
                spend_amount=source.spend_amount,
                details=source.details,
                occurred_at=occurred_at or timezone.now(),
                **fields,
            )
    except IntegrityError:
        return LoyaltyEntry.objects.get(idempotency_key=fields["idempotency_key"]), False
    return entry, True


def _checked_remaining(
    account: LoyaltyAccount,
    *,
    points: int,
    entry_type: str,
    status: str,
    batch: LoyaltyEntry | None,
) -> int:
    """What a new entry holds to spend; raises if the account cannot afford it."""
    if status == EntryStatus.PENDING:
        left = account.pending if batch is None else _pending_left(batch)
        if points < 0 and points + left < 0:
            raise InsufficientPoints("Not enough pending points to reverse.")
        return 0
    if points > 0:
        return _new_batch_remaining(points, account.balance)
    if entry_type in _NO_OVERDRAFT_TYPES and account.balance + points < 0:
        raise InsufficientPoints(f"The balance is {account.balance} points; {-points} are needed.")
    return 0


def _batch_moves(
    entry: LoyaltyEntry, account: LoyaltyAccount, *, batch: LoyaltyEntry | None
) -> list[tuple[int, int]]:
    """Move the batches a new entry changes; return (batch id, points) to allocate."""
    if entry.status == EntryStatus.PENDING:
        # A pending reversal takes from its pending batch (never more than is left).
        return [(batch.pk, -entry.points)] if entry.points < 0 and batch else []
    if entry.points > 0:
        repaid = entry.points - entry.remaining  # the debt the credit paid off
        return [(entry.pk, repaid)] if repaid else []
    return _consume_batches(account, -entry.points, first=batch)


def _restore(entry: LoyaltyEntry, restored: list[tuple[LoyaltyEntry, int]], *, own: int) -> None:
    """Put a release's points back into their batches and allocate what went where."""
    for batch, share in restored:
        LoyaltyEntry.objects.filter(pk=batch.pk).update(remaining=F("remaining") + share)
    repaid = entry.points - own - sum(share for _batch, share in restored)
    _allocate(
        entry,
        [(batch.pk, -share) for batch, share in restored]
        + ([(entry.pk, repaid)] if repaid else []),
    )


def _move_totals(account: LoyaltyAccount, *, points: int, entry_type: str, status: str):
    totals = {}
    if status == EntryStatus.PENDING:
        totals["pending"] = F("pending") + points
    else:
        totals["balance"] = F("balance") + points
    if entry_type in _LIFETIME_TYPES or (entry_type == EntryType.ADJUST and points > 0):
        totals["lifetime_points"] = F("lifetime_points") + points
    LoyaltyAccount.objects.filter(pk=account.pk).update(**totals)


def _allocate(entry: LoyaltyEntry, parts: list[tuple[int, int]]) -> None:
    """Record what ``entry`` moved per batch: (batch id, points taken; < 0: given back)."""
    if parts:
        LoyaltyAllocation.objects.bulk_create(
            LoyaltyAllocation(entry=entry, batch_id=batch_id, points=points)
            for batch_id, points in parts
        )


def _pending_left(batch: LoyaltyEntry) -> int:
    """What is left of a pending batch after the pending reversals allocated to it."""
    batch_points = LoyaltyEntry.objects.values_list("points", flat=True).get(pk=batch.pk)
    taken = LoyaltyAllocation.objects.filter(batch_id=batch.pk).aggregate(
        total=Coalesce(Sum("points"), 0)
    )["total"]
    return batch_points - taken


def _held_by_debit(
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
    for batch in batches.order_by(*_LIFO_ORDER):
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


def _release_plan(
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


def mature_batch(*, batch_id: int, now: datetime) -> bool:
    """Make a pending batch available (with its pending reversals). Return if it did."""
    with transaction.atomic():
        batch = LoyaltyEntry.objects.filter(pk=batch_id).only("account_id").first()
        if batch is None:
            return False
        locked = loyalty_account_qs_select_for_update().get(pk=batch.account_id)
        members = list(
            LoyaltyEntry.objects.select_for_update()
            .filter(Q(pk=batch_id) | Q(batch_id=batch_id), status=EntryStatus.PENDING)
            .order_by("pk")
        )
        if not members:
            return False
        net = sum(entry.points for entry in members)
        remaining = _new_batch_remaining(net, locked.balance) if net > 0 else 0
        LoyaltyEntry.objects.filter(pk__in=[entry.pk for entry in members]).update(
            status=EntryStatus.AVAILABLE, available_at=now
        )
        LoyaltyEntry.objects.filter(pk=batch_id).update(remaining=remaining)
        if 0 < net and remaining < net:  # what repaid debt: the batch's own allocation
            LoyaltyAllocation.objects.create(
                entry_id=batch_id, batch_id=batch_id, points=net - remaining
            )
        LoyaltyAccount.objects.filter(pk=locked.pk).update(
            pending=F("pending") - net, balance=F("balance") + net
        )
    return True


def _new_batch_remaining(points: int, balance_before: int) -> int:
    """What of a new credit is left to spend after it repays any debt."""
    return max(0, points + min(balance_before, 0))


def _consume_batches(
    account: LoyaltyAccount, points: int, *, first: LoyaltyEntry | None
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
        account=account, remaining__gt=0, status=EntryStatus.AVAILABLE
    ).only("pk", "remaining")
    queues = [open_batches.order_by(*_FIFO_ORDER)]
    if first is not None:
        queues = [open_batches.filter(pk=first.pk), queues[0].exclude(pk=first.pk)]
    left = points
    consumed = []
    for queue in queues:
        while left > 0:
            chunk = list(queue[:_CONSUME_CHUNK])
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


# --- audit ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AccountAudit:
    """One account's stored totals next to the totals recomputed from its entries."""

    account_id: int
    user_id: int | None  # None: a deleted customer's account
    channel_id: int
    balance: int
    available_sum: int
    pending: int
    pending_sum: int
    remaining_sum: int
    # Available credits whose ``remaining`` their allocations do not explain.
    unexplained_batches: int = 0

    @property
    def problems(self) -> list[str]:
        found = []
        if self.balance != self.available_sum:
            found.append(f"balance {self.balance} != Σ available {self.available_sum}")
        if self.pending != self.pending_sum:
            found.append(f"pending {self.pending} != Σ pending {self.pending_sum}")
        if self.remaining_sum != max(self.available_sum, 0):
            found.append(
                f"Σ remaining {self.remaining_sum} != max(Σ available, 0) "
                f"{max(self.available_sum, 0)}"
            )
        if self.unexplained_batches:
            found.append(
                f"{self.unexplained_batches} batch(es) with remaining != points - allocations"
            )
        return found


def audit_accounts(*, account_ids=None) -> tuple[int, list[AccountAudit]]:
    """Check every account (or ``account_ids``): return how many and those that disagree.

    Two grouped queries; the ledger's invariants are that the stored balance equals
    the sum of available entries, pending the sum of pending ones, what is left of the
    available credit batches equals the balance when it is not negative (else zero),
    and each available credit's ``remaining`` is derivable from the entries alone: its
    points, less what it gave back to other batches, less what was allocated from it.
    """
    available = Q(entries__status=EntryStatus.AVAILABLE)
    accounts = LoyaltyAccount.objects.all()
    if account_ids is not None:
        accounts = accounts.filter(pk__in=list(account_ids))
    rows = (
        accounts.order_by("pk")
        .annotate(
            available_sum=Coalesce(Sum("entries__points", filter=available), 0),
            pending_sum=Coalesce(
                Sum("entries__points", filter=Q(entries__status=EntryStatus.PENDING)), 0
            ),
            remaining_sum=Coalesce(
                Sum("entries__remaining", filter=available & Q(entries__points__gt=0)),
                0,
            ),
        )
        .values_list(
            "pk",
            "user_id",
            "channel_id",
            "balance",
            "available_sum",
            "pending",
            "pending_sum",
            "remaining_sum",
        )
    )
    unexplained = _unexplained_batches_by_account_id(account_ids)
    checked = 0
    mismatches = []
    for row in rows.iterator(chunk_size=2000):
        checked += 1
        audit = AccountAudit(*row, unexplained_batches=unexplained.get(row[0], 0))
        if audit.problems:
            mismatches.append(audit)
    return checked, mismatches


def _unexplained_batches_by_account_id(account_ids) -> dict[int, int]:
    """Per account, the available credits whose ``remaining`` ≠ what allocations leave."""
    taken = (
        LoyaltyAllocation.objects.filter(batch=OuterRef("pk"))
        .values("batch")
        .annotate(total=Sum("points"))
        .values("total")
    )
    given = (
        LoyaltyAllocation.objects.filter(entry=OuterRef("pk"))
        .exclude(batch=OuterRef("pk"))
        .values("entry")
        .annotate(total=Sum("points"))
        .values("total")
    )
    credits = LoyaltyEntry.objects.filter(status=EntryStatus.AVAILABLE, points__gt=0)
    if account_ids is not None:
        credits = credits.filter(account_id__in=list(account_ids))
    return dict(
        credits.annotate(taken=Coalesce(Subquery(taken), 0), given=Coalesce(Subquery(given), 0))
        .exclude(remaining=F("points") + F("given") - F("taken"))
        .order_by()
        .values("account_id")
        .annotate(count=Count("pk"))
        .values_list("account_id", "count")
    )
