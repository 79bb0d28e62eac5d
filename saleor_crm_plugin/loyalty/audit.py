"""The ledger's audits: every account against its entries, every redemption against money.

``ledger_audit`` proves the ledger from its own rows: each account's stored balance and
pending points are the sums of its entries, and each batch's ``remaining`` is what its
points and the allocations recorded with every entry leave of it, so nothing the writer
stores is taken on trust (``manage.py crm_loyalty_audit``, and after every test).

``redemption_audit`` checks the ledger against Saleor. A settled redemption spent
``spent_points``; Saleor took (or, for an order authorised through the gift-card gateway
and not yet confirmed, will take) ``selectors.card_charged_values`` from its gift card.
The points worth that value (``quote.points_for_value``, the arithmetic settling
uses) must be exactly the points spent, and the card can never have paid more than the
points were worth. A redemption still active is reserved, not spent: it is not checked.
A card Saleor no longer has (deleted by staff) cannot be checked either.
"""

import dataclasses
from decimal import Decimal

from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from ..config import load_channel_program
from .models import (
    EntryStatus,
    LoyaltyAccount,
    LoyaltyAllocation,
    LoyaltyEntry,
    LoyaltyRedemption,
    RedemptionStatus,
)
from .quote import points_for_value, points_value
from .selectors import card_charged_values

BATCH_SIZE = 1000


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
    # Credits whose ``remaining`` their allocations do not explain.
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


def ledger_audit(*, account_ids=None) -> tuple[int, list[AccountAudit]]:
    """Check every account (or ``account_ids``): return how many and those that disagree.

    Two grouped queries; the ledger's invariants are that the stored balance equals
    the sum of available entries, pending the sum of pending ones, what is left of the
    available credit batches equals the balance when it is not negative (else zero),
    and each credit's ``remaining`` is derivable from the entries and their allocations
    alone: an available one's points, less what was allocated from it, plus what it gave
    back to other batches; a pending one's nothing.
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
    """Per account, the credits whose ``remaining`` ≠ what their allocations leave.

    An available credit keeps its points, less what was allocated from it, plus what it
    allocated to other batches (a release's points given back: negative); a pending
    credit holds nothing to spend yet. A debit holds nothing either, which the database
    keeps (``crm_loyalty_entry_remaining_lte_points``).
    """
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
    expected = Case(
        When(status=EntryStatus.AVAILABLE, then=F("points") + F("given") - F("taken")),
        default=Value(0),
    )
    credits = LoyaltyEntry.objects.filter(points__gt=0)
    if account_ids is not None:
        credits = credits.filter(account_id__in=list(account_ids))
    return dict(
        credits.annotate(taken=Coalesce(Subquery(taken), 0), given=Coalesce(Subquery(given), 0))
        .annotate(expected=expected)
        .exclude(remaining=F("expected"))
        .order_by()
        .values("account_id")
        .annotate(count=Count("pk"))
        .values_list("account_id", "count")
    )


@dataclasses.dataclass(frozen=True)
class RedemptionMismatch:
    redemption_id: int
    account_id: int
    gift_card_id: int
    charged: Decimal
    spent_points: int
    spent_value: Decimal

    @property
    def problem(self) -> str:
        return (
            f"redemption {self.redemption_id} (account {self.account_id}, gift card "
            f"{self.gift_card_id}): the card paid {self.charged}, the points spent "
            f"for it are {self.spent_points} (worth {self.spent_value})"
        )


def redemption_audit() -> tuple[int, list[RedemptionMismatch]]:
    """Check every settled redemption: how many, and those whose points spent differ
    from what their card paid (in batches: one query for the redemptions, three for
    their cards and gateway transactions)."""
    checked = 0
    mismatches = []
    configs: dict[int, object] = {}
    last_pk = 0
    while True:
        batch = list(
            LoyaltyRedemption.objects.filter(pk__gt=last_pk, gift_card_id__isnull=False)
            .exclude(status=RedemptionStatus.ACTIVE)
            .select_related("account")
            .order_by("pk")[:BATCH_SIZE]
        )
        if not batch:
            return checked, mismatches
        last_pk = batch[-1].pk
        charged = card_charged_values(item.gift_card_id for item in batch)
        for item in batch:
            if item.gift_card_id not in charged:
                continue
            checked += 1
            channel_id = item.account.channel_id
            if channel_id not in configs:
                configs[channel_id] = load_channel_program(channel_id).config
            config = configs[channel_id]
            paid = charged[item.gift_card_id]
            expected = points_for_value(
                paid, points=item.points, full_value=item.value, config=config
            )
            if paid > item.value or expected != item.spent_points:
                mismatches.append(
                    RedemptionMismatch(
                        redemption_id=item.pk,
                        account_id=item.account_id,
                        gift_card_id=item.gift_card_id,
                        charged=paid,
                        spent_points=item.spent_points,
                        spent_value=points_value(
                            item.spent_points, config=config, currency=item.currency
                        ),
                    )
                )
