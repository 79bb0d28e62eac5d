"""The only writer to the loyalty ledger.

``post_entry`` appends one entry and moves the account's stored totals in the same
transaction, under the account's row lock. Its idempotency key is unique in the
database: a retried or replayed call returns the entry written the first time and
changes nothing. ``mature_batch`` moves a pending batch (an earn entry and any pending
reversal of it) to available, ``expire_batch`` expires what remains of a batch, and
``release_debit`` gives a debit's points back. Everything else in the loyalty domain
calls these four.

A posting is cheap because it is short: a credit is one SQL statement (lock, insert
unless the key is taken, totals), a debit two (the account's lock, then one statement
that inserts it, takes its batches and moves the totals); replaying a credit's key
costs its one statement and takes no lock. The statements, and why a debit locks
first, are in ``loyalty.ledger_sql``. No savepoint: the key is settled by
``ON CONFLICT DO NOTHING``, and the checks that raise (``InsufficientPoints``) run
before anything is written.

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
key to a concurrent one changes nothing. How an entry moves batches is in
``loyalty.batches``.

The database keeps the ledger append-only (the ``ledger_append_only`` migration's
triggers): it refuses to change an entry's points, type, account, key or any other
column that records what happened, and to delete an entry or an allocation outside the
purge of a deleted channel. The writer only ever updates what the design moves: a
batch's ``remaining``, and a pending entry's ``status`` and ``available_at`` when it
matures.

``loyalty.audit.ledger_audit`` recomputes every account's totals and every batch's
``remaining`` from the entries and allocations, and returns the accounts whose stored
values disagree (``manage.py crm_loyalty_audit``).
"""

import contextlib
import dataclasses
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..config import MAX_POINTS as MAX_ENTRY_POINTS
from .batches import (
    batch_state,
    consume_batches,
    held_by_debit,
    new_batch_remaining,
    release_plan,
)
from .exceptions import InsufficientPoints, InvalidPoints
from .ledger_sql import FIRST_READ, credit_insert, debit_insert, entry_insert
from .lock_objects import loyalty_account_lock, loyalty_account_qs_select_for_update
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
    entry = LoyaltyEntry(
        account=account,
        points=points,
        type=entry_type,
        status=status,
        idempotency_key=idempotency_key,
        batch=batch,
        available_at=available_at,
        expires_at=expires_at,
        **_source_fields(source or EntrySource(), occurred_at),
    )
    if points > 0:
        return _post_credit(entry)
    with _transaction():
        return _post_debit(entry)


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
        return _post_release(
            locked,
            debit=debit,
            points=points,
            idempotency_key=idempotency_key,
            source=source,
            occurred_at=occurred_at,
            now=now,
        )


def _post_release(
    locked: LoyaltyAccount,
    *,
    debit: LoyaltyEntry,
    points: int,
    idempotency_key: str,
    source: EntrySource,
    occurred_at: datetime | None,
    now: datetime,
) -> Posting:
    """``release_debit``'s writes, under the account's lock (``locked``)."""
    restored, own = release_plan(
        held_by_debit(debit, account_id=locked.pk, points=points),
        points=points,
        debt=max(-locked.balance, 0),
    )
    entry = LoyaltyEntry(
        account=locked,
        points=points,
        type=EntryType.RELEASE,
        status=EntryStatus.AVAILABLE,
        idempotency_key=idempotency_key,
        restores=debit,
        remaining=own,
        **_source_fields(source, occurred_at),
    )
    if not entry_insert(entry):
        return _key_taken(entry)
    _restore(entry, restored, own=own)
    _move_totals(entry)
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


def _source_fields(source: EntrySource, occurred_at: datetime | None) -> dict:
    return {
        "order_id": source.order_id,
        "source_reference": source.source_reference,
        "reason": source.reason,
        "actor_user_id": source.actor_user_id,
        "actor_app_id": source.actor_app_id,
        "spend_amount": source.spend_amount,
        "details": source.details,
        "occurred_at": occurred_at or timezone.now(),
    }


def _transaction():
    """The caller's transaction, or a new one: a debit's lock must outlast its statement.

    Inside the caller's transaction no savepoint is taken: nothing a debit writes can
    fail halfway (its key is settled by ``ON CONFLICT``, its checks raise before it
    writes), and a savepoint costs two round trips.
    """
    return contextlib.nullcontext() if connection.in_atomic_block else transaction.atomic()


def _key_taken(entry: LoyaltyEntry) -> Posting:
    """The posting that took ``entry``'s key; the account must exist."""
    if (earlier := _earlier_posting(entry.idempotency_key)) is None:
        raise LoyaltyAccount.DoesNotExist(f"No loyalty account {entry.account_id}.")
    return earlier


def _moves(entry: LoyaltyEntry) -> dict[str, int]:
    """How an entry moves its account's stored totals."""
    lifetime = entry.type in _LIFETIME_TYPES or (
        entry.type == EntryType.ADJUST and entry.points > 0
    )
    pending = entry.status == EntryStatus.PENDING
    return {
        "balance": 0 if pending else entry.points,
        "pending": entry.points if pending else 0,
        "lifetime": entry.points if lifetime else 0,
    }


def _post_credit(entry: LoyaltyEntry) -> Posting:
    """A credit: one statement locks, inserts, allocates repaid debt, moves totals."""
    inserted = credit_insert(entry, moves=_moves(entry))
    if inserted is None:
        return _key_taken(entry)
    entry, created = inserted
    return Posting(entry=entry, created=created)


def _post_debit(entry: LoyaltyEntry) -> Posting:
    """A debit, in a transaction: the account's lock, then one statement writes it.

    The key is checked before an overdraft only when the debit would overdraw: a
    replayed redemption returns its entry, whatever the balance is now.
    """
    locked = loyalty_account_lock(account_id=entry.account_id)
    if locked is None:
        raise LoyaltyAccount.DoesNotExist(f"No loyalty account {entry.account_id}.")
    balance, pending = locked
    if entry.batch_id is not None:
        entry.status, pending = batch_state(entry.batch_id)  # as it is, under the lock
    try:
        _check_debit(entry, balance=balance, pending=pending)
    except InsufficientPoints:
        if (earlier := _earlier_posting(entry.idempotency_key)) is not None:
            return earlier
        raise
    inserted = debit_insert(entry, moves=_moves(entry))
    if inserted is None:
        return _key_taken(entry)
    covered, read = inserted
    if entry.status == EntryStatus.AVAILABLE and covered < -entry.points and read == FIRST_READ:
        # More batches than one read: the rest, a chunk at a time (what no batch
        # covers is debt).
        _allocate(entry, consume_batches(entry.account_id, -entry.points - covered, first=None))
    return Posting(entry=entry, created=True)


def _check_debit(entry: LoyaltyEntry, *, balance: int, pending: int) -> None:
    """Raise if the account cannot afford ``entry`` (``pending``: what it may reverse)."""
    if entry.status == EntryStatus.PENDING:
        if entry.points + pending < 0:
            raise InsufficientPoints("Not enough pending points to reverse.")
    elif entry.type in _NO_OVERDRAFT_TYPES and balance + entry.points < 0:
        raise InsufficientPoints(f"The balance is {balance} points; {-entry.points} are needed.")


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


def _move_totals(entry: LoyaltyEntry) -> None:
    moves = _moves(entry)
    LoyaltyAccount.objects.filter(pk=entry.account_id).update(
        balance=F("balance") + moves["balance"],
        pending=F("pending") + moves["pending"],
        lifetime_points=F("lifetime_points") + moves["lifetime"],
    )


def _allocate(entry: LoyaltyEntry, parts: list[tuple[int, int]]) -> None:
    """Record what ``entry`` moved per batch: (batch id, points taken; < 0: given back)."""
    if parts:
        LoyaltyAllocation.objects.bulk_create(
            LoyaltyAllocation(entry=entry, batch_id=batch_id, points=points)
            for batch_id, points in parts
        )


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
        remaining = new_batch_remaining(net, locked.balance) if net > 0 else 0
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
