"""Who enters a journey, and why: one detection per kind of trigger.

Every detection reads Saleor's (or the CRM's) own records of what happened — the
fulfilment, the order, the birthday, the tier change, the expiring points, the segment
event — rather than relying on a hook having run: a missed event, a worker that died or
a journey enabled late still finds them. Each cause has a ``trigger_key`` unique per
journey, so a detection run twice, or two sweeps at once, insert one enrollment
(``ON CONFLICT DO NOTHING``).

The incremental triggers (fulfilments, tier changes, segment events) read only what
happened after the journey's ``scanned_until`` (less ``OVERLAP`` for transactions that
committed late). The first run after a journey is enabled looks back at most
``FIRST_LOOK_BACK`` (plus the first stage's delay), so enabling a journey never
messages customers about something long past. Date triggers (win-back, birthday, tier
at risk, points expiring) look at the state of today; the last three count their
stages' delays from the start of the day in the shop's time zone.

| kind | cause (``trigger_key``) | stage delays count from |
|------|------------------------|-------------------------|
| post_purchase | the order's first fulfilment (``order:<id>``) | the fulfilment |
| win_back | a last order ``days`` old, or a churn risk ≥ ``churn_risk_percent`` (``lapse:<last order id>``) | the last order + ``days`` (the daily scoring) |
| birthday | the birthday this year, ``days_before`` ahead (``birthday:<year>``) | that day's start |
| tier_up | reaching a tier, once per account and tier ever (``tier:<account>:<tier>``) | the change |
| tier_at_risk | the tier would be lost within ``days`` (``at_risk:<account>:<tier>:<since>``) | the day's start |
| points_expiring | points expiring within ``days`` (``expiry:<account>:<day>``) | the day's start |
| segment_joined / segment_left | joining / leaving segment ``segment`` (``segment:<event id>``) | the event |
"""

import dataclasses
import datetime
import hashlib
from decimal import Decimal

from django.db import connection
from django.db.models import Min, Sum
from saleor.account.models import User
from saleor.order import FulfillmentStatus, OrderStatus
from saleor.order.models import Fulfillment, Order
from saleor.payment.models import TransactionItem

from ..config import ChannelConfig
from ..counting import EXCLUDED_STATUSES, counted_order
from ..loyalty import rules
from ..loyalty.bonuses import birthdays_on
from ..loyalty.models import (
    CustomerProfile,
    EntryStatus,
    LoyaltyAccount,
    LoyaltyEntry,
    LoyaltyTierChange,
)
from ..segments.models import CustomerRfm, MembershipEventKind, SegmentMembershipEvent
from .models import EnrollmentStatus, Journey, JourneyEnrollment, JourneyKind

OVERLAP = datetime.timedelta(minutes=10)
FIRST_LOOK_BACK = datetime.timedelta(days=1)
DAY = datetime.timedelta(days=1)

# name -> (default, minimum, maximum) of each kind's trigger settings.
SETTINGS: dict[str, dict[str, tuple[int, int, int | None]]] = {
    JourneyKind.POST_PURCHASE: {},
    JourneyKind.WIN_BACK: {"days": (90, 7, 730), "churn_risk_percent": (0, 0, 100)},
    JourneyKind.BIRTHDAY: {"days_before": (0, 0, 30)},
    JourneyKind.TIER_UP: {},
    JourneyKind.TIER_AT_RISK: {"days": (30, 1, 365)},
    JourneyKind.POINTS_EXPIRING: {"days": (14, 1, 90)},
    # The segment's ID: required (0 names none), checked by ``actions``.
    JourneyKind.SEGMENT_JOINED: {"segment": (0, 0, None)},
    JourneyKind.SEGMENT_LEFT: {"segment": (0, 0, None)},
}


@dataclasses.dataclass(frozen=True)
class Cause:
    """One customer's reason to enter a journey."""

    user_id: int | None
    email: str
    trigger_key: str
    triggered_at: datetime.datetime


def in_holdout(*, journey_id: int, email: str, percent: int) -> bool:
    """Stable per journey and e-mail: the same shopper is always in the same group."""
    if percent <= 0:
        return False
    digest = hashlib.sha256(f"{journey_id}:{email}".encode()).hexdigest()
    return int(digest[:8], 16) % 100 < percent


def enrollments_insert(
    *, journey: Journey, causes: list[Cause], first_delay: int, now: datetime.datetime
) -> int:
    """Insert one enrollment per new cause (``ON CONFLICT DO NOTHING``); how many."""
    rows = [
        JourneyEnrollment(
            journey=journey,
            user_id=cause.user_id,
            email=cause.email,
            trigger_key=cause.trigger_key[:255],
            triggered_at=cause.triggered_at,
            entered_at=now,
            holdout=in_holdout(
                journey_id=journey.pk, email=cause.email, percent=journey.holdout_percent
            ),
            next_stage_at=cause.triggered_at + datetime.timedelta(seconds=first_delay),
            status=EnrollmentStatus.OPEN,
        )
        for cause in causes
        if cause.email
    ]
    if not rows:
        return 0
    keys = [row.trigger_key for row in rows]
    before = set(
        JourneyEnrollment.objects.filter(journey=journey, trigger_key__in=keys).values_list(
            "trigger_key", flat=True
        )
    )
    JourneyEnrollment.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(set(keys) - before)


def _since(journey: Journey, *, first_delay: int, now) -> datetime.datetime:
    if journey.scanned_until is not None:
        return journey.scanned_until - OVERLAP
    return now - FIRST_LOOK_BACK - datetime.timedelta(seconds=first_delay)


def _email(value: str | None) -> str:
    return (value or "").strip().lower()


def _post_purchase(journey: Journey, config: ChannelConfig, *, first_delay, now, limit):
    since = _since(journey, first_delay=first_delay, now=now)
    firsts = (
        Fulfillment.objects.filter(
            order__channel_id=journey.channel_id,
            status=FulfillmentStatus.FULFILLED,
            created_at__gt=since,
            created_at__lte=now,
        )
        .values("order_id", "order__user_id", "order__user_email")
        .annotate(first=Min("created_at"))
        .order_by("first")[:limit]
    )
    return [
        Cause(
            row["order__user_id"],
            _email(row["order__user_email"]),
            f"order:{row['order_id']}",
            row["first"],
        )
        for row in firsts
    ]


_LAPSED_SQL = """
SELECT o.user_id, lower(trim(o.user_email)), o.id, o.created_at
FROM {order} o
WHERE o.channel_id = %s AND o.created_at > %s AND o.created_at <= %s
  AND coalesce(trim(o.user_email), '') <> '' AND {counted}
  AND NOT EXISTS (
    SELECT 1 FROM {order} later
    WHERE later.channel_id = o.channel_id AND later.created_at > o.created_at
      AND (lower(later.user_email) = lower(o.user_email)
           OR (o.user_id IS NOT NULL AND later.user_id = o.user_id))
      AND {later_counted}
  )
ORDER BY o.created_at
LIMIT %s
"""


_AT_RISK_SQL = """
SELECT r.user_id, lower(trim(u.email)), last.id, r.computed_at
FROM {rfm} r
JOIN {user} u ON u.id = r.user_id AND u.is_active
JOIN LATERAL (
  SELECT o.id FROM {order} o
  WHERE o.channel_id = r.channel_id AND o.user_id = r.user_id AND {counted}
  ORDER BY o.created_at DESC, o.id DESC LIMIT 1
) last ON true
WHERE r.channel_id = %s AND r.churn_risk >= %s
ORDER BY r.churn_risk DESC, r.user_id
LIMIT %s
"""


def _at_churn_risk(journey: Journey, *, limit: int) -> list[Cause]:
    """Customers whose churn risk (``segments.churn``, daily) reached the threshold; the
    key names their last order, as a lapse's does, so either way they enter once."""
    percent = journey.trigger_settings.get("churn_risk_percent", 0)
    if not percent:
        return []
    counted = counted_order("o")
    sql = _AT_RISK_SQL.format(
        rfm=CustomerRfm._meta.db_table,
        user=User._meta.db_table,
        order=Order._meta.db_table,
        counted=counted.text,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*counted.params, journey.channel_id, Decimal(percent) / 100, limit])
        rows = cursor.fetchall()
    return [
        Cause(user_id, email, f"lapse:{order_id}", computed_at)
        for user_id, email, order_id, computed_at in rows
    ]


def _win_back(journey: Journey, config: ChannelConfig, *, first_delay, now, limit):
    return _lapsed(journey, first_delay=first_delay, now=now, limit=limit) + _at_churn_risk(
        journey, limit=limit
    )


def _lapsed(journey: Journey, *, first_delay, now, limit) -> list[Cause]:
    lapse = datetime.timedelta(days=journey.trigger_settings["days"])
    # Last orders that became ``days`` old since the previous run.
    since = _since(journey, first_delay=first_delay, now=now) - lapse
    counted, later_counted = counted_order("o"), counted_order("later")
    sql = _LAPSED_SQL.format(
        order=Order._meta.db_table, counted=counted.text, later_counted=later_counted.text
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [journey.channel_id, since, now - lapse, *counted.params, *later_counted.params, limit],
        )
        rows = cursor.fetchall()
    return [
        Cause(user_id, email, f"lapse:{order_id}", created_at + lapse)
        for user_id, email, order_id, created_at in rows
    ]


def local_midnight(config: ChannelConfig, now: datetime.datetime) -> datetime.datetime:
    """The start of today in the shop's time zone: date triggers' stage delays count
    from it, so a sweep later in the day sends a due stage at once."""
    local = now.astimezone(config.journeys.time_zone)
    midnight = datetime.datetime.combine(local.date(), datetime.time(), config.journeys.time_zone)
    return midnight.astimezone(datetime.UTC)


def _members(channel_id: int):
    return LoyaltyAccount.objects.filter(channel_id=channel_id, user__is_active=True)


def _birthday(journey: Journey, config: ChannelConfig, *, first_delay, now, limit):
    local = now.astimezone(config.journeys.time_zone)
    day = local.date() + datetime.timedelta(days=journey.trigger_settings["days_before"])
    users = User.objects.filter(
        pk__in=_members(journey.channel_id).values("user_id"),
        id__in=CustomerProfile.objects.filter(birthdays_on(day)).values("user_id"),
    )
    return [
        Cause(user.pk, _email(user.email), f"birthday:{day.year}", local_midnight(config, now))
        for user in users.order_by("pk")[:limit]
    ]


def _tier_rank(config: ChannelConfig, name: str) -> int:
    names = [tier.name for tier in config.loyalty.tiers]
    return names.index(name) + 1 if name in names else 0


def _tier_up(journey: Journey, config: ChannelConfig, *, first_delay, now, limit):
    since = _since(journey, first_delay=first_delay, now=now)
    changes = (
        LoyaltyTierChange.objects.filter(
            account__channel_id=journey.channel_id, created_at__gt=since, created_at__lte=now
        )
        .select_related("account__user")
        .order_by("created_at", "pk")[:limit]
    )
    return [
        Cause(
            change.account.user_id,
            _email(change.account.user.email),
            f"tier:{change.account_id}:{change.to_tier}",
            change.created_at,
        )
        for change in changes
        if change.account.user_id
        and _tier_rank(config, change.to_tier) > _tier_rank(config, change.from_tier)
    ]


def _tier_at_risk(journey: Journey, config: ChannelConfig, *, first_delay, now, limit):
    if not config.loyalty.tiers:
        return []
    horizon = now + datetime.timedelta(days=journey.trigger_settings["days"])
    condition, column = rules.tier_basis_condition(config, horizon)
    accounts = (
        _members(journey.channel_id).exclude(tier_name="").select_related("user").order_by("pk")
    )
    causes = []
    for account in accounts.iterator(chunk_size=500):
        kept = LoyaltyEntry.objects.filter(condition, account=account).aggregate(total=Sum(column))[
            "total"
        ]
        tier = rules.tier_for_value(config.loyalty.tiers, kept or 0)
        if _tier_rank(config, tier.name if tier else "") >= _tier_rank(config, account.tier_name):
            continue
        since = (account.tier_changed_at or account.created_at).date().isoformat()
        key = f"at_risk:{account.pk}:{account.tier_name}:{since}"
        causes.append(
            Cause(account.user_id, _email(account.user.email), key, local_midnight(config, now))
        )
        if len(causes) >= limit:
            break
    return causes


def _points_expiring(journey: Journey, config: ChannelConfig, *, first_delay, now, limit):
    horizon = now + datetime.timedelta(days=journey.trigger_settings["days"])
    expiring = (
        LoyaltyEntry.objects.filter(
            account__channel_id=journey.channel_id,
            account__user__is_active=True,
            status=EntryStatus.AVAILABLE,
            remaining__gt=0,
            expires_at__gt=now,
            expires_at__lte=horizon,
        )
        .values("account_id", "account__user_id", "account__user__email")
        .annotate(first=Min("expires_at"))
        .order_by("first")[:limit]
    )
    return [
        Cause(
            row["account__user_id"],
            _email(row["account__user__email"]),
            f"expiry:{row['account_id']}:{row['first'].date().isoformat()}",
            local_midnight(config, now),
        )
        for row in expiring
    ]


def _segment_joined(journey: Journey, config: ChannelConfig, *, first_delay, now, limit):
    return _segment_events(
        journey, MembershipEventKind.JOINED, first_delay=first_delay, now=now, limit=limit
    )


def _segment_left(journey: Journey, config: ChannelConfig, *, first_delay, now, limit):
    return _segment_events(
        journey, MembershipEventKind.LEFT, first_delay=first_delay, now=now, limit=limit
    )


def _segment_events(journey: Journey, kind: str, *, first_delay, now, limit) -> list[Cause]:
    since = _since(journey, first_delay=first_delay, now=now)
    events = (
        SegmentMembershipEvent.objects.filter(
            segment_id=journey.trigger_settings["segment"],
            kind=kind,
            occurred_at__gt=since,
            occurred_at__lte=now,
        )
        .select_related("user")
        .order_by("occurred_at", "pk")[:limit]
    )
    # A segment of the journey's channel or of every channel: whoever joins (leaves) it.
    return [
        Cause(event.user_id, _email(event.user.email), f"segment:{event.pk}", event.occurred_at)
        for event in events
    ]


DETECTORS = {
    JourneyKind.POST_PURCHASE: _post_purchase,
    JourneyKind.WIN_BACK: _win_back,
    JourneyKind.BIRTHDAY: _birthday,
    JourneyKind.TIER_UP: _tier_up,
    JourneyKind.TIER_AT_RISK: _tier_at_risk,
    JourneyKind.POINTS_EXPIRING: _points_expiring,
    JourneyKind.SEGMENT_JOINED: _segment_joined,
    JourneyKind.SEGMENT_LEFT: _segment_left,
}


# Still standing: placed, not cancelled or returned, and not refunded in full (nothing
# charged any more after a charge). An order paid on delivery, not charged yet, stands.
_ORDER_STANDS_SQL = """
SELECT 1 FROM {order} o
WHERE o.id = %s AND o.status <> ALL(%s::text[])
  AND NOT (
    o.total_charged_amount <= 0
    AND EXISTS (SELECT 1 FROM {transaction} t WHERE t.order_id = o.id AND t.refunded_value > 0)
  )
"""
ORDER_GONE_STATUSES = [*EXCLUDED_STATUSES, OrderStatus.RETURNED]


def cause_holds(enrollment: JourneyEnrollment) -> bool:
    """Whether the cause still stands when a stage is due: a post-purchase journey's
    order must still count (not cancelled, not refunded in full) — a thank-you, and its
    points, do not follow an order the shopper returned."""
    if enrollment.journey.kind != JourneyKind.POST_PURCHASE:
        return True
    sql = _ORDER_STANDS_SQL.format(
        order=Order._meta.db_table, transaction=TransactionItem._meta.db_table
    )
    order_id = enrollment.trigger_key.removeprefix("order:")
    with connection.cursor() as cursor:
        cursor.execute(sql, [order_id, ORDER_GONE_STATUSES])
        return cursor.fetchone() is not None


def journey_causes(
    *, journey: Journey, config: ChannelConfig, first_delay: int, now, limit: int
) -> list[Cause]:
    """The causes the journey's trigger finds now (at most ``limit``)."""
    return DETECTORS[journey.kind](journey, config, first_delay=first_delay, now=now, limit=limit)
