"""The only writer to the loyalty ledger.

``post_entry`` appends one entry and moves the account's stored totals in the same
transaction, under the account's row lock. Its idempotency key is unique in the
database: a retried or replayed call returns the entry written the first time and
changes nothing. ``mature_batch`` moves a pending batch (an earn entry and any pending
reversal of it) to available. Everything else in the loyalty domain calls these two.

Balances may go negative only through a reversal of points already spent (or a staff
adjustment); a negative balance is a debt that blocks redemption and is repaid by the
next points earned. Redemption never overdraws: it raises ``InsufficientPoints``.
"""

import dataclasses
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from .exceptions import InsufficientPoints, InvalidPoints
from .lock_objects import loyalty_account_qs_select_for_update
from .models import EntryStatus, EntryType, LoyaltyAccount, LoyaltyEntry

MAX_ENTRY_POINTS = 10**12

# Credits that count towards lifetime points; reversals take them back.
_LIFETIME_TYPES = {EntryType.EARN, EntryType.BONUS, EntryType.REVERSE}
# Debits that must never overdraw the balance.
_NO_OVERDRAFT_TYPES = {EntryType.REDEEM, EntryType.EXPIRE}


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
) -> Posting:
    """Append one entry to ``account``'s ledger, once per ``idempotency_key``.

    A positive available entry is a new batch; a negative one consumes batches,
    ``batch`` first when given, then the oldest. A pending entry (earned inside the
    return window, or reversing such points) moves ``pending`` instead of ``balance``.
    """
    if not isinstance(points, int) or points == 0 or abs(points) > MAX_ENTRY_POINTS:
        raise InvalidPoints(f"Points must be a non-zero whole number up to {MAX_ENTRY_POINTS}.")
    source = source or EntrySource()

    existing = LoyaltyEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return Posting(entry=existing, created=False)

    with transaction.atomic():
        locked = loyalty_account_qs_select_for_update().get(pk=account.pk)
        existing = LoyaltyEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return Posting(entry=existing, created=False)

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
            _consume_batches(locked, -points, first=batch)

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
                    details=source.details,
                    batch=batch,
                    remaining=remaining,
                    available_at=available_at,
                    expires_at=expires_at,
                )
        except IntegrityError:
            # Only reachable if the key was taken outside the lock (a raw insert).
            return Posting(
                entry=LoyaltyEntry.objects.get(idempotency_key=idempotency_key),
                created=False,
            )

        totals = {}
        if status == EntryStatus.PENDING:
            totals["pending"] = F("pending") + points
        else:
            totals["balance"] = F("balance") + points
        if entry_type in _LIFETIME_TYPES or (entry_type == EntryType.ADJUST and points > 0):
            totals["lifetime_points"] = F("lifetime_points") + points
        LoyaltyAccount.objects.filter(pk=locked.pk).update(**totals)
    return Posting(entry=entry, created=True)


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


def _consume_batches(account: LoyaltyAccount, points: int, *, first: LoyaltyEntry | None):
    """Take ``points`` from the account's batches: ``first``, then oldest first."""
    batches = (
        LoyaltyEntry.objects.select_for_update()
        .filter(account=account, remaining__gt=0, status=EntryStatus.AVAILABLE)
        .order_by(F("expires_at").asc(nulls_last=True), "created_at", "pk")
    )
    ordered = list(batches)
    if first is not None:
        ordered.sort(key=lambda entry: entry.pk != first.pk)
    left = points
    for entry in ordered:
        if left == 0:
            break
        taken = min(entry.remaining, left)
        LoyaltyEntry.objects.filter(pk=entry.pk).update(remaining=F("remaining") - taken)
        left -= taken
