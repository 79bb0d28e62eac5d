"""The only writer to the loyalty ledger.

``post_entry`` appends one entry and moves the account's stored totals in the same
transaction, under the account's row lock. Its idempotency key is unique in the
database: a retried or replayed call returns the entry written the first time and
changes nothing. ``mature_batch`` moves a pending batch (an earn entry and any pending
reversal of it) to available. Everything else in the loyalty domain calls these two.

Balances may go negative only through a reversal of points already spent (or a staff
adjustment); a negative balance is a debt that blocks redemption and is repaid by the
next points earned. Redemption and expiry never overdraw: they raise
``InsufficientPoints``.

``audit_accounts`` recomputes every account's totals from its entries and returns the
accounts whose stored totals or batches disagree (``manage.py crm_loyalty_audit``).
"""

import dataclasses
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .exceptions import InsufficientPoints, InvalidPoints
from .lock_objects import loyalty_account_qs_select_for_update
from .models import EntryStatus, EntryType, LoyaltyAccount, LoyaltyEntry

MAX_ENTRY_POINTS = 10**12

# Credits that count towards lifetime points; reversals take them back.
_LIFETIME_TYPES = {EntryType.EARN, EntryType.BONUS, EntryType.REVERSE}
# Debits that must never overdraw the balance.
_NO_OVERDRAFT_TYPES = {EntryType.REDEEM, EntryType.EXPIRE}
_ENTRY_TYPES = {value for value, _label in EntryType.CHOICES}
# Spending takes the batch that expires first, then the oldest.
_FIFO_ORDER = (F("expires_at").asc(nulls_last=True), "created_at", "pk")
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
    details = source.details

    existing = LoyaltyEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return Posting(entry=existing, created=False)

    with transaction.atomic():
        locked = loyalty_account_qs_select_for_update().get(pk=account.pk)
        existing = LoyaltyEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return Posting(entry=existing, created=False)

        if points < 0 and batch is not None:
            status = LoyaltyEntry.objects.values_list("status", flat=True).get(
                pk=batch.pk
            )
        remaining = 0
        if status == EntryStatus.PENDING:
            if points < 0 and locked.pending + points < 0:
                raise InsufficientPoints("Not enough pending points to reverse.")
        elif points > 0:
            remaining = _new_batch_remaining(points, locked.balance)
        else:
            if entry_type in _NO_OVERDRAFT_TYPES and locked.balance + points < 0:
                raise InsufficientPoints(
                    f"The balance is {locked.balance} points; {-points} are needed."
                )
            consumed = _consume_batches(locked, -points, first=batch)
            if entry_type == EntryType.REDEEM:
                # What a release gives back expires when the earliest of these would.
                details = {**details, "consumed": consumed}

        try:
            with transaction.atomic():
                entry = LoyaltyEntry.objects.create(
                    account=locked,
                    points=points,
                    type=entry_type,
                    status=status,
                    idempotency_key=idempotency_key,
                    order_id=source.order_id,
                    source_reference=source.source_reference,
                    reason=source.reason,
                    actor_user_id=source.actor_user_id,
                    actor_app_id=source.actor_app_id,
                    spend_amount=source.spend_amount,
                    details=details,
                    batch=batch,
                    remaining=remaining,
                    available_at=available_at,
                    expires_at=expires_at,
                    occurred_at=occurred_at or timezone.now(),
                )
        except IntegrityError:
            # The same key posted to another account at the same moment: that one won.
            return Posting(
                entry=LoyaltyEntry.objects.get(idempotency_key=idempotency_key),
                created=False,
            )

        totals = {}
        if status == EntryStatus.PENDING:
            totals["pending"] = F("pending") + points
        else:
            totals["balance"] = F("balance") + points
        if entry_type in _LIFETIME_TYPES or (
            entry_type == EntryType.ADJUST and points > 0
        ):
            totals["lifetime_points"] = F("lifetime_points") + points
        LoyaltyAccount.objects.filter(pk=locked.pk).update(**totals)
    return Posting(entry=entry, created=True)


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
        LoyaltyEntry.objects.filter(pk__in=[entry.pk for entry in members]).update(
            status=EntryStatus.AVAILABLE, available_at=now
        )
        LoyaltyEntry.objects.filter(pk=batch_id).update(
            remaining=_new_batch_remaining(net, locked.balance) if net > 0 else 0
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
) -> list[dict]:
    """Take ``points`` from the account's batches: ``first``, then oldest first.

    What the batches cannot cover is debt: the balance goes below zero and every
    batch is left empty, so Σ remaining = max(balance, 0) still holds. Returns what
    was taken from each batch (``batch`` id, ``points``, the batch's ``expires_at``).
    """
    # Every change to a batch happens under its account's row lock, held here, so the
    # batches need no lock of their own; they are read a few at a time, oldest first,
    # so the cost follows the batches consumed, not the batches open.
    open_batches = LoyaltyEntry.objects.filter(
        account=account, remaining__gt=0, status=EntryStatus.AVAILABLE
    ).only("pk", "remaining", "expires_at")
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
                LoyaltyEntry.objects.filter(pk=entry.pk).update(
                    remaining=F("remaining") - taken
                )
                left -= taken
                consumed.append(
                    {
                        "batch": entry.pk,
                        "points": taken,
                        "expires_at": entry.expires_at.isoformat()
                        if entry.expires_at
                        else None,
                    }
                )
                if left == 0:
                    break
    return consumed


# --- audit ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AccountAudit:
    """One account's stored totals next to the totals recomputed from its entries."""

    account_id: int
    user_id: int
    channel_id: int
    balance: int
    available_sum: int
    pending: int
    pending_sum: int
    remaining_sum: int

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
        return found


def audit_accounts(*, account_ids=None) -> tuple[int, list[AccountAudit]]:
    """Check every account (or ``account_ids``): return how many and those that disagree.

    One grouped query; the ledger's invariants are that the stored balance equals the
    sum of available entries, pending the sum of pending ones, and what is left of the
    available credit batches equals the balance when it is not negative (else zero).
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
    checked = 0
    mismatches = []
    for row in rows.iterator(chunk_size=2000):
        checked += 1
        audit = AccountAudit(*row)
        if audit.problems:
            mismatches.append(audit)
    return checked, mismatches
