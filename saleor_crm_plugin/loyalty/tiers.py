"""Loyalty tiers: put each account in the tier its rolling window of spend or points reaches.

A tier is evaluated when an order earns or is refunded, and every account of a programme
with tiers is reviewed daily because spend ages out of the window. Each change is
recorded (``LoyaltyTierChange``) with its reason, under the account's row lock; the tier
an order earns at is the customer's tier when it is paid.

Loyalty tells no other domain: ``account_tier_evaluate`` and ``tiers_review`` return the changes
they recorded, and the caller above both domains passes them on (docs/architecture.md §2).
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from ..config import ChannelProgram, active_channel_programs, load_channel_program
from . import rules
from .lock_objects import loyalty_account_qs_select_for_update
from .models import LoyaltyAccount, LoyaltyEntry, LoyaltyTierChange

BATCH_SIZE = 500


def tier_basis_value(account: LoyaltyAccount, program: ChannelProgram, now) -> Decimal:
    """Spend (or points) of ``account`` within the programme's rolling tier window."""
    condition, column = rules.tier_basis_condition(program.config, now)
    value = LoyaltyEntry.objects.filter(condition, account=account).aggregate(total=Sum(column))[
        "total"
    ]
    return Decimal(value or 0)


def account_tier_evaluate(
    *, account_id: int, reason: str, now: datetime.datetime | None = None
) -> LoyaltyTierChange | None:
    """Put the account in the tier its window reaches; record a change with its reason."""
    now = now or timezone.now()
    with transaction.atomic():
        account = loyalty_account_qs_select_for_update().get(pk=account_id)
        program = load_channel_program(account.channel_id)
        value = tier_basis_value(account, program, now)
        tier = rules.tier_for_value(program.config.loyalty.tiers, value)
        new_name = tier.name if tier else ""
        if new_name == account.tier_name:
            return None
        change = LoyaltyTierChange.objects.create(
            account=account,
            from_tier=account.tier_name,
            to_tier=new_name,
            basis_value=value,
            reason=reason[:255],
            created_at=now,
        )
        # ``updated_at`` too: segments' periodic refresh reads it to catch tier changes.
        LoyaltyAccount.objects.filter(pk=account.pk).update(
            tier_name=new_name, tier_changed_at=now, updated_at=now
        )
    return change


def tiers_reevaluate(*, now: datetime.datetime) -> int:
    """Re-evaluate every account of a programme with tiers; the number of changes."""
    return len(tiers_review(now=now))


def tiers_review(*, now: datetime.datetime) -> list[LoyaltyTierChange]:
    """Re-evaluate every account of a programme with tiers (daily: spend ages out).

    Returns the changes recorded, each with its ``account`` loaded.
    """
    changes = []
    for channel_id, config in active_channel_programs().items():
        if not config.loyalty.tiers:
            continue
        account_ids = (
            LoyaltyAccount.objects.filter(channel_id=channel_id, user__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for account_id in account_ids.iterator(chunk_size=BATCH_SIZE):
            change = account_tier_evaluate(account_id=account_id, reason="daily review", now=now)
            if change is not None:
                changes.append(change)
    return changes
