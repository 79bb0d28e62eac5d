"""The loyalty programme's figures over time, for staff's charts: computed in SQL.

One query gives, per bucket (day, week or month, in UTC) of a channel's programme, the
points issued (earned and bonus), adjusted by staff, redeemed (net of reservations
released), expired and reversed, and the liability at the bucket's end: the points
customers could spend then, i.e. the running sum of every available entry by the time it
became available (``available_at`` for matured points, ``occurred_at`` otherwise), so
the first bucket opens with everything before it. Buckets without a move are present
with zeros. A second query counts the accounts per tier (top earners are
``loyaltyAccounts`` sorted by lifetime points).
"""

import dataclasses
import datetime
from decimal import Decimal

from django.db import connections
from django.db.models import Count

from ..config import ChannelConfig
from .error_codes import LoyaltyErrorCode
from .exceptions import LoyaltyError
from .models import LoyaltyAccount
from .quote import points_value

BUCKET_UNITS = ("day", "week", "month")
MAX_BUCKETS = 400
_STEP = {"day": "1 day", "week": "1 week", "month": "1 month"}

_BUCKETS_SQL = """
WITH buckets AS (
    SELECT generate_series(
        date_trunc(%(unit)s, %(since)s AT TIME ZONE 'UTC'),
        date_trunc(%(unit)s, %(until)s AT TIME ZONE 'UTC'),
        %(step)s::interval
    ) AS start
),
moves AS (
    SELECT date_trunc(%(unit)s, entry.occurred_at AT TIME ZONE 'UTC') AS start,
        SUM(entry.points) FILTER (WHERE entry.type IN ('earn', 'bonus')) AS issued,
        SUM(entry.points) FILTER (WHERE entry.type = 'adjust') AS adjusted,
        -SUM(entry.points) FILTER (WHERE entry.type IN ('redeem', 'release')) AS redeemed,
        -SUM(entry.points) FILTER (WHERE entry.type = 'expire') AS expired,
        -SUM(entry.points) FILTER (WHERE entry.type = 'reverse') AS reversed
    FROM saleor_crm_loyaltyentry AS entry
    JOIN saleor_crm_loyaltyaccount AS account ON account.id = entry.account_id
    WHERE account.channel_id = %(channel_id)s
        AND entry.occurred_at >= date_trunc(%(unit)s, %(since)s AT TIME ZONE 'UTC')
            AT TIME ZONE 'UTC'
        AND entry.occurred_at < (date_trunc(%(unit)s, %(until)s AT TIME ZONE 'UTC')
            + %(step)s::interval) AT TIME ZONE 'UTC'
    GROUP BY 1
),
spendable AS (
    SELECT GREATEST(
            date_trunc(
                %(unit)s,
                COALESCE(entry.available_at, entry.occurred_at) AT TIME ZONE 'UTC'
            ),
            date_trunc(%(unit)s, %(since)s AT TIME ZONE 'UTC')
        ) AS start,
        SUM(entry.points) AS points
    FROM saleor_crm_loyaltyentry AS entry
    JOIN saleor_crm_loyaltyaccount AS account ON account.id = entry.account_id
    WHERE account.channel_id = %(channel_id)s
        AND entry.status = 'available'
        AND COALESCE(entry.available_at, entry.occurred_at) < (
            date_trunc(%(unit)s, %(until)s AT TIME ZONE 'UTC') + %(step)s::interval
        ) AT TIME ZONE 'UTC'
    GROUP BY 1
)
SELECT buckets.start AT TIME ZONE 'UTC',
    COALESCE(moves.issued, 0), COALESCE(moves.adjusted, 0), COALESCE(moves.redeemed, 0),
    COALESCE(moves.expired, 0), COALESCE(moves.reversed, 0),
    SUM(COALESCE(spendable.points, 0)) OVER (ORDER BY buckets.start)
FROM buckets
LEFT JOIN moves ON moves.start = buckets.start
LEFT JOIN spendable ON spendable.start = buckets.start
ORDER BY buckets.start
"""


@dataclasses.dataclass(frozen=True)
class ReportBucket:
    start: datetime.datetime
    issued: int
    adjusted: int
    redeemed: int
    expired: int
    reversed: int
    liability_points: int
    liability_value: Decimal


@dataclasses.dataclass(frozen=True)
class TierCount:
    tier: str  # "" for accounts below the first tier
    accounts: int


@dataclasses.dataclass(frozen=True)
class LoyaltyReport:
    currency: str
    unit: str
    buckets: list[ReportBucket]
    tiers: list[TierCount]


class ReportTooLong(LoyaltyError):
    """The period holds more buckets than a chart can show."""

    code = LoyaltyErrorCode.INVALID


def bucket_count(*, since: datetime.datetime, until: datetime.datetime, unit: str) -> int:
    """How many ``unit`` buckets the period spans (an upper bound for months)."""
    days = (until - since).days + 1
    return {"day": days, "week": days // 7 + 2, "month": days // 28 + 2}[unit]


def loyalty_report(
    *,
    channel_id: int,
    currency: str,
    config: ChannelConfig,
    since: datetime.datetime,
    until: datetime.datetime,
    unit: str,
    using: str,
) -> LoyaltyReport:
    """The programme's figures per bucket of [since, until] and its tier distribution."""
    if bucket_count(since=since, until=until, unit=unit) > MAX_BUCKETS:
        raise ReportTooLong(f"At most {MAX_BUCKETS} buckets; choose a longer bucket.", field="unit")
    params = {
        "unit": unit,
        "step": _STEP[unit],
        "since": since,
        "until": until,
        "channel_id": channel_id,
    }
    with connections[using].cursor() as cursor:
        cursor.execute(_BUCKETS_SQL, params)
        rows = cursor.fetchall()
    buckets = [
        ReportBucket(
            start=start.replace(tzinfo=datetime.UTC),
            issued=int(issued),
            adjusted=int(adjusted),
            redeemed=int(redeemed),
            expired=int(expired),
            reversed=int(reversed_),
            liability_points=int(liability),
            liability_value=points_value(max(int(liability), 0), config=config, currency=currency),
        )
        for start, issued, adjusted, redeemed, expired, reversed_, liability in rows
    ]
    return LoyaltyReport(
        currency=currency,
        unit=unit,
        buckets=buckets,
        tiers=tier_distribution(channel_id=channel_id, config=config, using=using),
    )


def tier_distribution(*, channel_id: int, config: ChannelConfig, using: str) -> list[TierCount]:
    """Accounts per tier, in the programme's tier order (tiers nobody holds count 0).

    Accounts holding a tier the programme no longer has come last, by name.
    """
    counted = dict(
        LoyaltyAccount.objects.using(using)
        .filter(channel_id=channel_id)
        .values("tier_name")
        .annotate(accounts=Count("pk"))
        .values_list("tier_name", "accounts")
    )
    names = ["", *(tier.name for tier in config.loyalty.tiers)]
    names += sorted(set(counted) - set(names))
    return [TierCount(tier=name, accounts=counted.get(name, 0)) for name in names]
