"""Loyalty actions: what happens to points when Saleor's orders and customers change.

Every action is safe to run twice: each entry it posts carries an idempotency key
derived from the event (``earn:order:<id>``, ``reverse:order:<id>:<total>``, …), and
order reversals reconcile the order's current refund state with what was already
reversed instead of counting events. So a replayed ``order_fully_paid`` or refund
webhook, a retried Celery task, or two workers racing change nothing.
"""

import dataclasses
import datetime
import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from saleor.account.models import User
from saleor.order import OrderChargeStatus, OrderStatus
from saleor.order.models import Order

from ..config import TIER_BASIS_POINTS, ChannelProgram, load_channel_program
from . import fetch, rules
from .exceptions import InvalidPoints, ProgramInactive
from .ledger import EntrySource, Posting, mature_batch, post_entry
from .lock_objects import loyalty_account_qs_select_for_update
from .models import (
    CustomerProfile,
    EntryStatus,
    EntryType,
    LoyaltyAccount,
    LoyaltyEntry,
    LoyaltyTierChange,
)

logger = logging.getLogger(__name__)

PAID_STATUSES = (OrderChargeStatus.FULL, OrderChargeStatus.OVERCHARGED)
VOID_ORDER_STATUSES = (OrderStatus.CANCELED, OrderStatus.EXPIRED)
NOT_PLACED_STATUSES = (OrderStatus.DRAFT, OrderStatus.UNCONFIRMED)
MAX_REASON_LENGTH = 1000


def get_or_create_account(*, user_id: int, channel_id: int) -> LoyaltyAccount:
    account = LoyaltyAccount.objects.filter(user_id=user_id, channel_id=channel_id).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return LoyaltyAccount.objects.create(user_id=user_id, channel_id=channel_id)
    except IntegrityError:
        return LoyaltyAccount.objects.get(user_id=user_id, channel_id=channel_id)


def _after(seconds: int | None, now: datetime.datetime) -> datetime.datetime | None:
    return None if seconds is None else now + datetime.timedelta(seconds=seconds)


# --- orders ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class OrderPointsResult:
    earned: int
    reversed: int


def sync_order_points(*, order_id, now: datetime.datetime | None = None) -> OrderPointsResult:
    """Bring the ledger in line with the order: earn once paid, reverse what was refunded.

    Earning happens once, when the order is fully paid (whatever payment flow reported
    it). Reversal is the share of the earned points matching what is refunded now
    (the refunded lines' share, or the refunded share of the total when a refund names
    no lines), or everything for a cancelled or expired order; only the difference from
    what was already reversed is posted.
    """
    now = now or timezone.now()
    order = Order.objects.filter(pk=order_id).select_related("channel").first()
    if order is None or order.user_id is None:
        return OrderPointsResult(earned=0, reversed=0)
    program = load_channel_program(order.channel_id)
    earn = LoyaltyEntry.objects.filter(idempotency_key=f"earn:order:{order.pk}").first()
    if earn is None:
        if not program.active:
            return OrderPointsResult(earned=0, reversed=0)
        earn = _earn_order_points(order, program, now)
        if earn is None:
            return OrderPointsResult(earned=0, reversed=0)
        evaluate_tier(account_id=earn.account_id, reason=f"order {order.number} paid", now=now)
    reversed_now = _reverse_order_points(order, earn)
    if reversed_now:
        evaluate_tier(
            account_id=earn.account_id, reason=f"order {order.number} refunded", now=now
        )
    return OrderPointsResult(earned=earn.points, reversed=reversed_now)


def _earn_order_points(order: Order, program: ChannelProgram, now) -> LoyaltyEntry | None:
    if order.status in VOID_ORDER_STATUSES + NOT_PLACED_STATUSES:
        return None
    if order.charge_status not in PAID_STATUSES:
        return None
    config = program.config
    eligible = fetch.eligible_amounts(order, config)
    account = get_or_create_account(user_id=order.user_id, channel_id=order.channel_id)
    multiplier = rules.tier_multiplier(config.tiers, account.tier_name)
    points = rules.points_for_amount(eligible.total, order.currency, config, multiplier)
    if points <= 0:
        return None
    pending = config.pending_seconds > 0
    posting = post_entry(
        account=account,
        points=points,
        entry_type=EntryType.EARN,
        idempotency_key=f"earn:order:{order.pk}",
        status=EntryStatus.PENDING if pending else EntryStatus.AVAILABLE,
        source=EntrySource(
            order_id=order.pk,
            source_reference=f"order:{order.number}",
            spend_amount=eligible.total,
            details={
                "currency": order.currency,
                "eligible": str(eligible.total),
                "lines": {key: str(amount) for key, amount in eligible.by_line.items()},
                "multiplier": str(multiplier),
            },
        ),
        available_at=_after(config.pending_seconds, now),
        expires_at=_after(config.expire_seconds, now),
    )
    return posting.entry


def _refunded_share(order: Order, earn: LoyaltyEntry) -> tuple[Decimal, Decimal]:
    """(refunded eligible value, eligible total) of the earning order."""
    eligible_by_line = {
        key: Decimal(value) for key, value in earn.details.get("lines", {}).items()
    }
    eligible_total = sum(eligible_by_line.values(), Decimal(0))
    if order.status in VOID_ORDER_STATUSES:
        return eligible_total, eligible_total
    refunded = fetch.refunded_quantities(order)
    if refunded:
        quantities = fetch.line_quantities(order)
        value = Decimal(0)
        for line_id, quantity in refunded.items():
            ordered = quantities.get(line_id) or 0
            if ordered and line_id in eligible_by_line:
                value += eligible_by_line[line_id] * min(quantity, ordered) / ordered
        return value, eligible_total
    gross = Decimal(order.total_gross_amount)
    refunded_money = fetch.refunded_amount(order)
    if gross <= 0 or refunded_money <= 0:
        return Decimal(0), eligible_total
    return eligible_total * min(refunded_money / gross, Decimal(1)), eligible_total


def _reverse_order_points(order: Order, earn: LoyaltyEntry) -> int:
    refunded_value, eligible_total = _refunded_share(order, earn)
    target = rules.share_of_points(earn.points, refunded_value, eligible_total)
    already = -(
        LoyaltyEntry.objects.filter(batch=earn, type=EntryType.REVERSE).aggregate(
            total=Sum("points")
        )["total"]
        or 0
    )
    delta = target - already
    if delta <= 0:
        return 0
    earn.refresh_from_db(fields=["status", "available_at"])
    pending = earn.status == EntryStatus.PENDING
    spend_share = -(Decimal(earn.spend_amount) * delta / earn.points).quantize(Decimal("0.001"))
    posting = post_entry(
        account=earn.account,
        points=-delta,
        entry_type=EntryType.REVERSE,
        idempotency_key=f"reverse:order:{order.pk}:{target}",
        status=EntryStatus.PENDING if pending else EntryStatus.AVAILABLE,
        source=EntrySource(
            order_id=order.pk,
            source_reference=f"order:{order.number}",
            spend_amount=spend_share,
            reason="order cancelled" if order.status in VOID_ORDER_STATUSES else "refund",
        ),
        batch=earn,
        available_at=earn.available_at if pending else None,
    )
    return -posting.entry.points if posting.created else 0


# --- tiers ---------------------------------------------------------------------------


def tier_basis_value(account: LoyaltyAccount, program: ChannelProgram, now) -> Decimal:
    """Spend (or points) of ``account`` within the programme's rolling tier window."""
    since = now - datetime.timedelta(seconds=program.config.tier_window_seconds)
    entries = LoyaltyEntry.objects.filter(account=account, created_at__gte=since)
    if program.config.tier_basis == TIER_BASIS_POINTS:
        value = entries.filter(
            type__in=(EntryType.EARN, EntryType.BONUS, EntryType.REVERSE)
        ).aggregate(total=Sum("points"))["total"]
    else:
        value = entries.filter(type__in=(EntryType.EARN, EntryType.REVERSE)).aggregate(
            total=Sum("spend_amount")
        )["total"]
    return Decimal(value or 0)


def evaluate_tier(*, account_id: int, reason: str, now=None) -> LoyaltyTierChange | None:
    """Put the account in the tier its window reaches; record a change with its reason."""
    now = now or timezone.now()
    with transaction.atomic():
        account = loyalty_account_qs_select_for_update().get(pk=account_id)
        program = load_channel_program(account.channel_id)
        value = tier_basis_value(account, program, now)
        tier = rules.tier_for_value(program.config.tiers, value)
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
        LoyaltyAccount.objects.filter(pk=account.pk).update(
            tier_name=new_name, tier_changed_at=now
        )
    return change


# --- points without a purchase ---------------------------------------------------------


def _active_program(channel_id: int) -> ChannelProgram:
    program = load_channel_program(channel_id)
    if not program.active:
        raise ProgramInactive("The loyalty programme is not active in this channel.")
    return program


def award_signup_bonus(*, user_id: int, channel_id: int) -> Posting | None:
    program = load_channel_program(channel_id)
    if not program.active or program.config.signup_bonus <= 0:
        return None
    account = get_or_create_account(user_id=user_id, channel_id=channel_id)
    now = timezone.now()
    return post_entry(
        account=account,
        points=program.config.signup_bonus,
        entry_type=EntryType.BONUS,
        idempotency_key=f"bonus:signup:{user_id}:{channel_id}",
        source=EntrySource(reason="sign-up bonus"),
        expires_at=_after(program.config.expire_seconds, now),
    )


def birthday_in_year(birthday: datetime.date, year: int) -> datetime.date:
    """The day a birthday is celebrated in ``year``: Feb 29 falls on Feb 28 off leap years."""
    try:
        return birthday.replace(year=year)
    except ValueError:
        return datetime.date(year, 2, 28)


def award_birthday_bonuses(*, channel_id: int, today: datetime.date) -> int:
    """Give this year's birthday bonus to customers whose birthday is ``today``."""
    program = load_channel_program(channel_id)
    if not program.active or program.config.birthday_bonus <= 0:
        return 0
    months_days = [(today.month, today.day)]
    is_leap = today.year % 4 == 0 and (today.year % 100 != 0 or today.year % 400 == 0)
    if (today.month, today.day) == (2, 28) and not is_leap:
        months_days.append((2, 29))
    condition = Q()
    for month, day in months_days:
        condition |= Q(birthday__month=month, birthday__day=day)
    user_ids = CustomerProfile.objects.filter(condition).values_list("user_id", flat=True)
    awarded = 0
    now = timezone.now()
    for user_id in user_ids.iterator(chunk_size=500):
        account = get_or_create_account(user_id=user_id, channel_id=channel_id)
        posting = post_entry(
            account=account,
            points=program.config.birthday_bonus,
            entry_type=EntryType.BONUS,
            idempotency_key=f"bonus:birthday:{user_id}:{channel_id}:{today.year}",
            source=EntrySource(reason=f"birthday {today.year}"),
            expires_at=_after(program.config.expire_seconds, now),
        )
        awarded += posting.created
    return awarded


def set_customer_birthday(*, user: User, birthday: datetime.date | None) -> CustomerProfile:
    if birthday is not None and birthday > timezone.now().date():
        raise InvalidPoints("A birthday cannot be in the future.", field="birthday")
    profile, _created = CustomerProfile.objects.update_or_create(
        user=user, defaults={"birthday": birthday}
    )
    return profile


def adjust_points(
    *,
    user: User,
    channel_id: int,
    points: int,
    reason: str,
    idempotency_key: str,
    actor_user_id: int | None = None,
    actor_app_id: int | None = None,
) -> Posting:
    """A staff adjustment: any non-zero amount with a mandatory reason."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidPoints("A reason is required for an adjustment.", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidPoints(
            f"The reason is longer than {MAX_REASON_LENGTH} characters.", field="reason"
        )
    program = _active_program(channel_id)
    account = get_or_create_account(user_id=user.pk, channel_id=channel_id)
    return post_entry(
        account=account,
        points=points,
        entry_type=EntryType.ADJUST,
        idempotency_key=idempotency_key,
        source=EntrySource(
            reason=reason, actor_user_id=actor_user_id, actor_app_id=actor_app_id
        ),
        expires_at=_after(program.config.expire_seconds, timezone.now()) if points > 0 else None,
    )


# --- time ------------------------------------------------------------------------------


def mature_due_points(*, now: datetime.datetime, limit: int = 1000) -> int:
    """Make pending batches whose return window has passed available."""
    due = (
        LoyaltyEntry.objects.filter(
            status=EntryStatus.PENDING, batch__isnull=True, available_at__lte=now
        )
        .order_by("available_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(mature_batch(batch_id=batch_id, now=now) for batch_id in list(due))


def expire_due_points(*, now: datetime.datetime, limit: int = 1000) -> int:
    """Expire what remains of batches past their expiry date."""
    due = list(
        LoyaltyEntry.objects.filter(
            remaining__gt=0, status=EntryStatus.AVAILABLE, expires_at__lte=now
        )
        .order_by("expires_at")
        .values_list("pk", "account_id")[:limit]
    )
    expired = 0
    for batch_id, account_id in due:
        with transaction.atomic():
            # Read what remains under the account's lock: spending may have taken some.
            account = loyalty_account_qs_select_for_update().get(pk=account_id)
            batch = LoyaltyEntry.objects.get(pk=batch_id)
            if batch.remaining <= 0:
                continue
            posting = post_entry(
                account=account,
                points=-batch.remaining,
                entry_type=EntryType.EXPIRE,
                idempotency_key=f"expire:{batch_id}",
                batch=batch,
                source=EntrySource(reason="points expired"),
            )
        expired += posting.created
    return expired


def reevaluate_tiers(*, now: datetime.datetime, batch_size: int = 1000) -> int:
    """Re-evaluate every account of a programme with tiers (daily: spend ages out)."""
    changed = 0
    channel_ids = LoyaltyAccount.objects.values_list("channel_id", flat=True).distinct()
    for channel_id in list(channel_ids):
        program = load_channel_program(channel_id)
        if not program.active or not program.config.tiers:
            continue
        account_ids = LoyaltyAccount.objects.filter(channel_id=channel_id).values_list(
            "pk", flat=True
        )
        for account_id in account_ids.iterator(chunk_size=batch_size):
            changed += evaluate_tier(account_id=account_id, reason="daily review", now=now) is not None
    return changed
