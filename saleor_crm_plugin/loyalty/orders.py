"""Order points: what happens to points when Saleor's orders are paid, refunded or voided.

Syncing an order is safe to run twice: the earn carries the key ``earn:order:<id>`` and
reversals ``reverse:order:<id>:<total>``, and reversals reconcile the order's current
refund state with what was already reversed instead of counting events, so a replayed
``order_fully_paid`` or refund webhook, a retried Celery task, or two workers racing change
nothing. Semantics chosen where the programme rules are silent:

* An order earns once, when Saleor shows it paid in full (charge status full or
  overcharged, or money captured — refunds included — covering what the order asked
  for other than by gift cards), whatever payment flow reported it. Guest orders earn
  nothing. Unconfirmed orders earn (they are paid); drafts, cancelled and expired
  orders do not.
* The tier multiplier is the customer's tier when the order is paid; the order that
  lifts a customer into a tier earns at the previous tier's rate.
* The return window runs from payment; expiry from when the points were credited.
* Overpaid money refunded back (an order paid twice) takes back no points.
* Staff editing a paid unconfirmed order (a line deleted, a quantity lowered) take
  back the removed units' points, once: the earn keeps the quantities it was paid
  for, and what is missing from the order now counts as taken back, whether or not
  the overpayment was refunded yet (its refund is an overpayment, so it counts once).
* A cancelled or expired order takes back everything it earned. A refund reversed by
  the payment provider does not give points back.
"""

import dataclasses
import datetime
from decimal import Decimal
from uuid import UUID

from django.utils import timezone
from saleor.order import OrderChargeStatus, OrderStatus
from saleor.order.models import Order

from ..config import ChannelProgram, load_channel_program
from . import fetch, rules
from .accounts import expires_after, account_get_or_create
from .ledger import EntrySource, post_entry
from .models import EntryStatus, EntryType, LoyaltyAccount, LoyaltyEntry
from .reversals import ReversalSource, earn_reverse_to
from .tiers import account_tier_evaluate

PAID_STATUSES = (OrderChargeStatus.FULL, OrderChargeStatus.OVERCHARGED)
VOID_ORDER_STATUSES = (OrderStatus.CANCELED, OrderStatus.EXPIRED)


@dataclasses.dataclass(frozen=True)
class OrderPointsResult:
    earned: int
    reversed: int


@dataclasses.dataclass(frozen=True)
class OrderPointsPlan:
    """What syncing an order that has not earned yet would post (nothing written)."""

    earn: int
    reverse: int


def _earn_key(order: Order) -> str:
    return f"earn:order:{order.pk}"


def _earns(order: Order, money: fetch.OrderMoney) -> bool:
    if order.user_id is None or order.status in fetch.NOT_EARNING_STATUSES:
        return False
    return order.charge_status in PAID_STATUSES or money.paid_in_full


def order_points_sync(
    *,
    order_id: UUID | str,
    now: datetime.datetime | None = None,
    paid_at: datetime.datetime | None = None,
) -> OrderPointsResult:
    """Bring the ledger in line with the order: earn once paid, reverse what was refunded.

    Earning happens once, when the order is paid in full (whatever payment flow
    reported it). Reversal is the share of the earned points matching what is
    refunded now (the refunded lines' share, and the refunded share of the money for
    refunds that name no lines), or everything for a cancelled or expired order; only
    the difference from what was already reversed is posted. ``paid_at`` (default
    ``now``) starts the return window: a backfill passes the order's date.
    """
    now = now or timezone.now()
    order = Order.objects.filter(pk=order_id).first()
    if order is None or order.user_id is None:
        return OrderPointsResult(earned=0, reversed=0)
    money = fetch.order_money(order)
    earn = LoyaltyEntry.objects.filter(idempotency_key=_earn_key(order)).first()
    if earn is None:
        earn = _earn_order_points(order, money, now=now, paid_at=paid_at or now)
        if earn is None:
            return OrderPointsResult(earned=0, reversed=0)
    reversed_now = _reverse_order_points(order, money, earn, now=now)
    if reversed_now:
        account_tier_evaluate(
            account_id=earn.account_id, reason=f"order {order.number} refunded", now=now
        )
    return OrderPointsResult(earned=earn.points, reversed=reversed_now)


def _order_earning(order, money, program: ChannelProgram, tier_name: str):
    """(points, eligible amounts, multiplier) the order earns, or None."""
    if not program.active or not _earns(order, money):
        return None
    config = program.config
    eligible = fetch.eligible_amounts(order, config)
    multiplier = rules.tier_multiplier(config.loyalty.tiers, tier_name)
    points = rules.points_for_amount(eligible.total, order.currency, config, multiplier)
    if points <= 0:
        return None
    return points, eligible, multiplier


def _earn_order_points(order: Order, money, *, now, paid_at) -> LoyaltyEntry | None:
    program = load_channel_program(order.channel_id)
    account = LoyaltyAccount.objects.filter(
        user_id=order.user_id, channel_id=order.channel_id
    ).first()
    earning = _order_earning(order, money, program, account.tier_name if account else "")
    if earning is None:
        return None
    points, eligible, multiplier = earning
    config = program.config
    account = account or account_get_or_create(
        user_id=order.user_id, channel_id=order.channel_id, now=now
    )
    available_at = paid_at + datetime.timedelta(seconds=config.loyalty.pending_seconds)
    posting = post_entry(
        account=account,
        points=points,
        entry_type=EntryType.EARN,
        idempotency_key=_earn_key(order),
        status=EntryStatus.PENDING if available_at > now else EntryStatus.AVAILABLE,
        source=EntrySource(
            order_id=order.pk,
            source_reference=f"order:{order.number}",
            spend_amount=eligible.total,
            details=_earn_details(order, eligible, multiplier),
        ),
        available_at=max(available_at, now),
        expires_at=expires_after(config.loyalty.expire_seconds, now),
        occurred_at=paid_at,
    )
    if posting.created:
        account_tier_evaluate(account_id=account.pk, reason=f"order {order.number} paid", now=now)
    return posting.entry


def _earn_details(order: Order, eligible: fetch.EligibleAmounts, multiplier) -> dict:
    """What an earn keeps to reverse its lines' share later (line id -> amount)."""
    return {
        "currency": order.currency,
        "eligible": str(eligible.total),
        "lines": {key: str(amount) for key, amount in eligible.by_line.items()},
        "quantities": eligible.quantities,
        "multiplier": str(multiplier),
    }


def _reversal_target(order: Order, money, *, points: int, details: dict) -> int:
    """How many of ``points`` the order's refunds or cancellation take back in all."""
    if order.status in VOID_ORDER_STATUSES:
        return points
    eligible = rules.OrderParts(
        values={key: Decimal(value) for key, value in details.get("lines", {}).items()},
        quantities=details.get("quantities", {}),
        whole=Decimal(details.get("eligible", "0")),
    )
    # Lines staff removed from the order (or units they took off) since it earned
    # count as taken back: the points follow what the order finally sold.
    taken_back = money.taken_back(remaining=fetch.remaining_quantities(order))
    refunded = rules.refunded_value(parts=eligible, taken_back=taken_back)
    return rules.share_of_points(points, refunded, eligible.whole)


def _reverse_order_points(order: Order, money, earn: LoyaltyEntry, *, now) -> int:
    target = _reversal_target(order, money, points=earn.points, details=earn.details)
    voided = order.status in VOID_ORDER_STATUSES
    return earn_reverse_to(
        earn=earn,
        target=target,
        source=ReversalSource(
            key_prefix=f"reverse:order:{order.pk}",
            reason=f"order {order.status}" if voided else "refund",
            source_reference=f"order:{order.number}",
            order_id=order.pk,
        ),
        now=now,
    )


def order_points_plan(*, order: Order) -> OrderPointsPlan:
    """What ``order_points_sync`` would post for an order that never earned (dry runs).

    Uses the customer's current tier; the bonus for joining is not included.
    """
    money = fetch.order_money(order)
    program = load_channel_program(order.channel_id)
    tier_name = (
        LoyaltyAccount.objects.filter(user_id=order.user_id, channel_id=order.channel_id)
        .values_list("tier_name", flat=True)
        .first()
    )
    earning = _order_earning(order, money, program, tier_name or "")
    if earning is None:
        return OrderPointsPlan(earn=0, reverse=0)
    points, eligible, multiplier = earning
    details = _earn_details(order, eligible, multiplier)
    return OrderPointsPlan(
        earn=points, reverse=_reversal_target(order, money, points=points, details=details)
    )
