"""Loyalty actions: what happens to points when Saleor's orders and customers change.

Every action is safe to run twice: each entry it posts carries an idempotency key
derived from the event (``earn:order:<id>``, ``reverse:order:<id>:<total>``, …), and
order reversals reconcile the order's current refund state with what was already
reversed instead of counting events. So a replayed ``order_fully_paid`` or refund
webhook, a retried Celery task, or two workers racing change nothing.

Semantics chosen where the programme rules are silent:

* An order earns once, when Saleor shows it paid in full (charge status full or
  overcharged, or money captured — refunds included — covering what the order asked
  for other than by gift cards), whatever payment flow reported it. Guest orders earn
  nothing. Unconfirmed orders earn (they are paid); drafts, cancelled and expired
  orders do not.
* The tier multiplier is the customer's tier when the order is paid; the order that
  lifts a customer into a tier earns at the previous tier's rate.
* The return window runs from payment; expiry from when the points were credited.
* Overpaid money refunded back (an order paid twice) takes back no points.
* A cancelled or expired order takes back everything it earned. A refund reversed by
  the payment provider does not give points back.
* Joining the programme (the customer's first account in the channel) gives the
  sign-up bonus to customers who registered after the programme started there.
"""

import calendar
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

from ..config import ChannelProgram, load_channel_program
from . import fetch, rules
from .exceptions import InsufficientPoints, InvalidPoints, MissingValue, ProgramInactive
from .ledger import EntrySource, Posting, mature_batch, post_entry
from .lock_objects import loyalty_account_qs_select_for_update
from .models import (
    CustomerProfile,
    EntryStatus,
    EntryType,
    LoyaltyAccount,
    LoyaltyEntry,
    LoyaltyProgramStart,
    LoyaltyTierChange,
)

logger = logging.getLogger(__name__)

PAID_STATUSES = (OrderChargeStatus.FULL, OrderChargeStatus.OVERCHARGED)
VOID_ORDER_STATUSES = (OrderStatus.CANCELED, OrderStatus.EXPIRED)
MAX_REASON_LENGTH = 1000
BATCH_SIZE = 500


def _after(seconds: int | None, now: datetime.datetime) -> datetime.datetime | None:
    return None if seconds is None else now + datetime.timedelta(seconds=seconds)


# --- accounts and the programme start ------------------------------------------------


def record_program_start(
    *, channel_id: int, started_at: datetime.datetime | None = None
) -> datetime.datetime:
    """When the channel's programme started; the first call records it."""
    start, _created = LoyaltyProgramStart.objects.get_or_create(
        channel_id=channel_id, defaults={"started_at": started_at or timezone.now()}
    )
    return start.started_at


def get_or_create_account(
    *, user_id: int, channel_id: int, now: datetime.datetime | None = None
) -> LoyaltyAccount:
    """The customer's account in the channel, opened on first use.

    Opening the account is how a customer joins the channel's programme. Saleor's
    ``customer_created`` hook reaches a per-channel plugin only when the same plugin
    manager already loaded that channel (``PluginsManager.get_plugins(None)`` returns
    the plugins loaded so far), so the sign-up bonus is given here instead, to
    customers who registered after the programme started.
    """
    account = LoyaltyAccount.objects.filter(user_id=user_id, channel_id=channel_id).first()
    if account is not None:
        return account
    now = now or timezone.now()
    try:
        with transaction.atomic():
            account = LoyaltyAccount.objects.create(
                user_id=user_id, channel_id=channel_id, created_at=now
            )
            _award_signup_bonus_on_joining(account, now)
            return account
    except IntegrityError:
        return LoyaltyAccount.objects.get(user_id=user_id, channel_id=channel_id)


def _award_signup_bonus_on_joining(account: LoyaltyAccount, now) -> None:
    program = load_channel_program(account.channel_id)
    if not program.active:
        return
    started_at = record_program_start(channel_id=account.channel_id, started_at=now)
    if program.config.signup_bonus <= 0:
        return
    joined = (
        User.objects.filter(pk=account.user_id)
        .values_list("date_joined", flat=True)
        .first()
    )
    if joined is not None and joined >= started_at:
        _post_signup_bonus(account, program, now)


def _post_signup_bonus(account: LoyaltyAccount, program: ChannelProgram, now) -> Posting:
    return post_entry(
        account=account,
        points=program.config.signup_bonus,
        entry_type=EntryType.BONUS,
        idempotency_key=f"bonus:signup:{account.user_id}:{account.channel_id}",
        source=EntrySource(reason="sign-up bonus"),
        expires_at=_after(program.config.expire_seconds, now),
        occurred_at=now,
    )


# --- orders ------------------------------------------------------------------------


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


def sync_order_points(
    *,
    order_id,
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
        evaluate_tier(
            account_id=earn.account_id, reason=f"order {order.number} refunded", now=now
        )
    return OrderPointsResult(earned=earn.points, reversed=reversed_now)


def _order_earning(order, money, program: ChannelProgram, tier_name: str):
    """(points, eligible amounts, multiplier) the order earns, or None."""
    if not program.active or not _earns(order, money):
        return None
    config = program.config
    eligible = fetch.eligible_amounts(order, config)
    multiplier = rules.tier_multiplier(config.tiers, tier_name)
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
    account = account or get_or_create_account(
        user_id=order.user_id, channel_id=order.channel_id, now=now
    )
    available_at = paid_at + datetime.timedelta(seconds=config.pending_seconds)
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
        expires_at=_after(config.expire_seconds, now),
        occurred_at=paid_at,
    )
    if posting.created:
        evaluate_tier(account_id=account.pk, reason=f"order {order.number} paid", now=now)
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
    eligible_total = Decimal(details.get("eligible", "0"))
    if order.status in VOID_ORDER_STATUSES:
        return points
    refunded_value = rules.refunded_eligible_value(
        by_line={key: Decimal(value) for key, value in details.get("lines", {}).items()},
        quantities=details.get("quantities", {}),
        eligible_total=eligible_total,
        refunded_quantities=money.refunded_quantities,
        refunded_without_lines=money.refunded_without_lines,
        money_due=money.due,
    )
    return rules.share_of_points(points, refunded_value, eligible_total)


def _reverse_order_points(order: Order, money, earn: LoyaltyEntry, *, now) -> int:
    target = _reversal_target(order, money, points=earn.points, details=earn.details)
    if target <= 0:
        return 0
    spend_target = (Decimal(earn.spend_amount) * target / earn.points).quantize(
        Decimal("0.001")
    )
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
            idempotency_key=f"reverse:order:{order.pk}:{target}",
            source=EntrySource(
                order_id=order.pk,
                source_reference=f"order:{order.number}",
                spend_amount=-(spend_target + (done["spend"] or 0)),
                reason=(
                    f"order {order.status}"
                    if order.status in VOID_ORDER_STATUSES
                    else "refund"
                ),
            ),
            batch=earn,
            available_at=earn.available_at,
            occurred_at=now,
        )
    return -posting.entry.points if posting.created else 0


def plan_order_points(*, order: Order) -> OrderPointsPlan:
    """What ``sync_order_points`` would post for an order that never earned (dry runs).

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


# --- tiers ---------------------------------------------------------------------------


def tier_basis_value(account: LoyaltyAccount, program: ChannelProgram, now) -> Decimal:
    """Spend (or points) of ``account`` within the programme's rolling tier window."""
    condition, column = rules.tier_basis_condition(program.config, now)
    value = LoyaltyEntry.objects.filter(condition, account=account).aggregate(
        total=Sum(column)
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
        raise ProgramInactive(
            "The loyalty programme is not active in this channel.", field="channel"
        )
    return program


def award_signup_bonus(*, user_id: int, channel_id: int) -> Posting | None:
    """The sign-up bonus for a customer Saleor just reported as created (once)."""
    program = load_channel_program(channel_id)
    if not program.active or program.config.signup_bonus <= 0:
        return None
    now = timezone.now()
    account = get_or_create_account(user_id=user_id, channel_id=channel_id, now=now)
    return _post_signup_bonus(account, program, now)


def birthday_in_year(birthday: datetime.date, year: int) -> datetime.date:
    """The day a birthday is celebrated in ``year``: Feb 29 falls on Feb 28 off leap years."""
    try:
        return birthday.replace(year=year)
    except ValueError:
        return datetime.date(year, 2, 28)


def _birthdays_on(today: datetime.date) -> Q:
    condition = Q(birthday__month=today.month, birthday__day=today.day)
    if (today.month, today.day) == (2, 28) and not calendar.isleap(today.year):
        condition |= Q(birthday__month=2, birthday__day=29)
    return condition


def award_birthday_bonuses(*, channel_id: int, today: datetime.date) -> int:
    """This year's birthday bonus for the channel's members whose birthday is ``today``.

    Members are active customers with an account in the channel; the key names the
    year, so a second run on the same day (or a later one that year) gives nothing.
    """
    program = load_channel_program(channel_id)
    if not program.active or program.config.birthday_bonus <= 0:
        return 0
    accounts = LoyaltyAccount.objects.filter(
        channel_id=channel_id,
        user__is_active=True,
        user_id__in=CustomerProfile.objects.filter(_birthdays_on(today)).values("user_id"),
    ).order_by("pk")
    awarded = 0
    now = timezone.now()
    for account in accounts.iterator(chunk_size=BATCH_SIZE):
        posting = post_entry(
            account=account,
            points=program.config.birthday_bonus,
            entry_type=EntryType.BONUS,
            idempotency_key=f"bonus:birthday:{account.user_id}:{channel_id}:{today.year}",
            source=EntrySource(reason=f"birthday {today.year}"),
            expires_at=_after(program.config.expire_seconds, now),
            occurred_at=now,
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
    allow_negative_balance: bool = True,
) -> Posting:
    """A staff adjustment: any non-zero amount with a mandatory reason.

    With ``allow_negative_balance=False`` a deduction may not take the available
    balance below zero (checked under the account's row lock). Nothing is written
    when it raises, not even the account; a replayed key returns the first entry.
    """
    reason = (reason or "").strip()
    if not reason:
        raise MissingValue("A reason is required for an adjustment.", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidPoints(
            f"The reason is longer than {MAX_REASON_LENGTH} characters.", field="reason"
        )
    program = _active_program(channel_id)
    with transaction.atomic():
        account = get_or_create_account(user_id=user.pk, channel_id=channel_id)
        if points < 0 and not allow_negative_balance:
            locked = loyalty_account_qs_select_for_update().get(pk=account.pk)
            replayed = LoyaltyEntry.objects.filter(idempotency_key=idempotency_key).exists()
            if not replayed and locked.balance + points < 0:
                raise InsufficientPoints(
                    f"The balance is {locked.balance} points; {-points} cannot be deducted.",
                    field="points",
                )
        return post_entry(
            account=account,
            points=points,
            entry_type=EntryType.ADJUST,
            idempotency_key=idempotency_key,
            source=EntrySource(
                reason=reason, actor_user_id=actor_user_id, actor_app_id=actor_app_id
            ),
            expires_at=_after(program.config.expire_seconds, timezone.now())
            if points > 0
            else None,
        )


# --- time ------------------------------------------------------------------------------


def mature_due_points(*, now: datetime.datetime, limit: int = BATCH_SIZE) -> int:
    """Make every pending batch whose return window has passed available."""
    matured = 0
    while True:
        due = list(
            LoyaltyEntry.objects.filter(
                status=EntryStatus.PENDING, batch__isnull=True, available_at__lte=now
            )
            .order_by("available_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        matured += sum(mature_batch(batch_id=batch_id, now=now) for batch_id in due)
        if len(due) < limit:
            return matured


def expire_due_points(*, now: datetime.datetime, limit: int = BATCH_SIZE) -> int:
    """Expire what remains of every batch past its expiry date (oldest first)."""
    expired = 0
    while True:
        due = list(
            LoyaltyEntry.objects.filter(
                remaining__gt=0, status=EntryStatus.AVAILABLE, expires_at__lte=now
            )
            .order_by("expires_at", "pk")
            .values_list("pk", "account_id")[:limit]
        )
        for batch_id, account_id in due:
            expired += _expire_batch(batch_id=batch_id, account_id=account_id)
        if len(due) < limit:
            return expired


def _expire_batch(*, batch_id: int, account_id: int) -> bool:
    with transaction.atomic():
        # Read what remains under the account's lock: spending may have taken some.
        account = loyalty_account_qs_select_for_update().get(pk=account_id)
        batch = LoyaltyEntry.objects.get(pk=batch_id)
        if batch.remaining <= 0:
            return False
        posting = post_entry(
            account=account,
            points=-batch.remaining,
            entry_type=EntryType.EXPIRE,
            idempotency_key=f"expire:{batch_id}",
            batch=batch,
            source=EntrySource(reason="points expired"),
            occurred_at=batch.expires_at,
        )
    return posting.created


def reevaluate_tiers(*, now: datetime.datetime) -> int:
    """Re-evaluate every account of a programme with tiers (daily: spend ages out)."""
    changed = 0
    for channel_id in fetch.active_program_channel_ids():
        if not load_channel_program(channel_id).config.tiers:
            continue
        account_ids = (
            LoyaltyAccount.objects.filter(channel_id=channel_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for account_id in account_ids.iterator(chunk_size=BATCH_SIZE):
            change = evaluate_tier(account_id=account_id, reason="daily review", now=now)
            changed += change is not None
    return changed
