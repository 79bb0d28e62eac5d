"""Churn risk and expected next order, per customer and channel, from the order rhythm.

Computed with the RFM scores (``rfm.rfm_compute`` calls ``churn_scores_update`` in the
same transaction, daily) over the same customers and orders (``sql.counted_customer``,
``counting.counted_order``), and stored on the customer's RFM row of the channel.

The formula, for a customer of a channel at moment ``now``:

1. **Intervals.** The customer's counted orders in date order; an interval is the time
   between two consecutive ones. Intervals shorter than a day (a second order the same
   evening) are no new purchase cycle: they are left out.
2. **The shop's typical interval** ``T`` = the median customer's rhythm: for each
   customer of the channel with an interval, the mean of their intervals (to the
   second); ``T`` is the median of those means (``percentile_disc(0.5)``: the lower
   middle one when their number is even). One vote per customer: the median of all
   intervals pooled would be the rhythm of the most frequent buyers, who have most of
   them. A shop with fewer than ``MIN_SHOP_CUSTOMERS`` such customers has no typical
   rhythm yet: ``T`` = ``DEFAULT_INTERVAL_DAYS``.
3. **The customer's expected interval** ``E = (S + k·T) / (n + k)``, where ``n`` is the
   number of their intervals, ``S`` their sum and ``k = PRIOR_STRENGTH`` (2): the
   shop's rhythm counts as ``k`` intervals already seen. A customer with one order has
   ``E = T``; with two intervals, their own mean and the shop's weigh the same; with
   twenty, their own rhythm dominates. (A normal–normal shrinkage estimate of the mean
   with a prior worth ``k`` observations.) ``E`` is rounded to 0.01 day (864 seconds).
4. **Expected next order** = the last order + ``E``.
5. **Churn risk** = ``1 − exp(−t / E)``, ``t`` = time since the last order: if the
   customer still ordered at random with their mean rhythm ``E`` (a Poisson process),
   this is the chance they would have ordered again by now, so the surprise of their
   silence. 0 right after an order, 0.63 at ``t = E``, 0.86 at ``2E``, 0.95 at ``3E``;
   rises with ``t`` for any customer and, at equal ``t``, is higher for a customer with
   a shorter rhythm. It needs no parameter to fit (a logistic would need a centre and
   a slope). Rounded to 4 decimal places (``t / E`` is capped at 50, where the risk
   is 1.0000 anyway).

All of it runs as one SQL statement per channel (``churn_statement``), exact in
PostgreSQL's ``numeric`` (intervals in seconds with microseconds); ``churn_estimate``
is the same formula in plain Python (the property test checks that they agree, and
docs/churn.md works an example). ``churn_estimates`` reads the estimates at any moment
without writing (the backtest in bench/ scores a past date with it).
"""

import dataclasses
import datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.conf import settings
from django.db import connection, connections
from django.db.models import QuerySet
from saleor.order.models import Order

from ..counting import Sql, counted_order
from .models import CustomerRfm
from .sql import T_USER, counted_customer

PRIOR_STRENGTH = 2
DEFAULT_INTERVAL_DAYS = 90
MIN_SHOP_CUSTOMERS = 5
DAY_SECONDS = 86400
MAX_RATIO = 50
INTERVAL_PLACES = Decimal("0.01")
RISK_PLACES = Decimal("0.0001")


@dataclasses.dataclass(frozen=True)
class ChurnEstimate:
    user_id: int
    last_order_at: datetime.datetime
    interval_count: int  # the customer's own intervals (of a day or more)
    own_interval_days: Decimal | None  # their mean interval; None without one
    shop_interval_days: Decimal  # T
    expected_interval_days: Decimal  # E
    expected_next_order_at: datetime.datetime
    churn_risk: Decimal  # 0..1


def churn_statement(*, channel_id: int, now: datetime.datetime) -> Sql:
    """SELECT of every estimate of the channel at ``now`` (orders up to ``now``)."""
    scope = counted_order("o")
    text = f"""
        WITH ordered AS (
          SELECT o.user_id, o.created_at,
                 extract(epoch FROM o.created_at - lag(o.created_at) OVER (
                   PARTITION BY o.user_id ORDER BY o.created_at, o.id)) AS gap
          FROM {Order._meta.db_table} o
          JOIN {T_USER} u ON u.id = o.user_id AND {counted_customer("u")}
          WHERE o.channel_id = %s AND {scope.text} AND o.created_at <= %s
        ),
        gaps AS (SELECT user_id, gap FROM ordered WHERE gap >= {DAY_SECONDS}),
        own AS (SELECT user_id, count(*) AS n, sum(gap) AS total FROM gaps GROUP BY user_id),
        shop AS (
          SELECT CASE WHEN count(*) >= %s
                      THEN percentile_disc(0.5) WITHIN GROUP (ORDER BY round(total / n))
                      ELSE %s::numeric END AS typical
          FROM own
        ),
        customer AS (
          SELECT l.user_id, l.last_at, COALESCE(own.n, 0) AS n, COALESCE(own.total, 0) AS total
          FROM (SELECT user_id, max(created_at) AS last_at FROM ordered GROUP BY user_id) l
          LEFT JOIN own ON own.user_id = l.user_id
        ),
        expected AS (
          SELECT c.user_id, c.last_at, c.n, c.total, shop.typical,
                 round((c.total + %s * shop.typical) / ((c.n + %s) * {DAY_SECONDS}), 2) AS days
          FROM customer c CROSS JOIN shop
        )
        SELECT e.user_id, e.last_at, e.n,
               round(e.total / NULLIF(e.n, 0) / {DAY_SECONDS}, 2),
               round(e.typical / {DAY_SECONDS}, 2),
               e.days,
               e.last_at + make_interval(secs => (e.days * {DAY_SECONDS})::float8),
               round(1 - exp(-LEAST(
                 GREATEST(extract(epoch FROM %s::timestamptz - e.last_at), 0)
                   / (e.days * {DAY_SECONDS}),
                 {MAX_RATIO})), 4)
        FROM expected e
    """
    params = [
        channel_id,
        *scope.params,
        now,
        MIN_SHOP_CUSTOMERS,
        DEFAULT_INTERVAL_DAYS * DAY_SECONDS,
        PRIOR_STRENGTH,
        PRIOR_STRENGTH,
        now,
    ]
    return Sql(text, params)


def churn_estimates(
    *,
    channel_id: int,
    now: datetime.datetime,
    using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME,
) -> list[ChurnEstimate]:
    """Every customer's estimate in the channel as of ``now``, by user id; writes nothing."""
    statement = churn_statement(channel_id=channel_id, now=now)
    with connections[using].cursor() as cursor:
        cursor.execute(statement.text + " ORDER BY e.user_id", statement.params)
        return [ChurnEstimate(*row) for row in cursor.fetchall()]


def churn_scores_update(*, channel_id: int, now: datetime.datetime) -> int:
    """Store the estimates on the channel's RFM rows; return how many rows changed.

    Called by ``rfm.rfm_compute`` inside its transaction, after the rows are written.
    """
    statement = churn_statement(channel_id=channel_id, now=now)
    table = CustomerRfm._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH estimate(user_id, last_at, n, own_days, shop_days, days, next_at, risk) AS (
              {statement.text}
            )
            UPDATE {table} r SET
              interval_count = estimate.n, own_interval_days = estimate.own_days,
              shop_interval_days = estimate.shop_days, expected_interval_days = estimate.days,
              expected_next_order_at = estimate.next_at, churn_risk = estimate.risk
            FROM estimate
            WHERE r.channel_id = %s AND r.user_id = estimate.user_id
            """,
            [*statement.params, channel_id],
        )
        return cursor.rowcount


# --- reads of the stored estimates (journeys: win-back) -------------------------------


def churn_risk_for(
    *, user_id: int, channel_id: int, using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME
) -> Decimal | None:
    """The customer's stored churn risk in the channel; None when not computed (yet)."""
    return (
        CustomerRfm.objects.using(using)
        .filter(user_id=user_id, channel_id=channel_id)
        .values_list("churn_risk", flat=True)
        .first()
    )


def at_churn_risk_qs(
    *,
    channel_id: int,
    min_risk: Decimal,
    using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME,
) -> QuerySet[CustomerRfm]:
    """The channel's RFM rows whose churn risk is ``min_risk`` or more, riskiest first."""
    return (
        CustomerRfm.objects.using(using)
        .filter(channel_id=channel_id, churn_risk__gte=min_risk)
        .order_by("-churn_risk", "user_id")
    )


# --- the same formula in plain Python ----------------------------------------------


def _seconds(delta: datetime.timedelta) -> Decimal:
    """A duration in seconds, exactly (PostgreSQL's ``extract(epoch …)``)."""
    return Decimal(delta // datetime.timedelta(microseconds=1)) / 1_000_000


def _round(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, ROUND_HALF_UP)


def customer_intervals(order_times: list[datetime.datetime]) -> list[Decimal]:
    """The customer's intervals in seconds: consecutive orders a day or more apart."""
    times = sorted(order_times)
    gaps = [_seconds(later - earlier) for earlier, later in zip(times, times[1:], strict=False)]
    return [gap for gap in gaps if gap >= DAY_SECONDS]


def shop_interval(customers_intervals: list[list[Decimal]]) -> Decimal:
    """``T`` in seconds: the lower median of the customers' mean intervals (each rounded
    to a second), or the default with fewer than ``MIN_SHOP_CUSTOMERS`` of them."""
    means = sorted(
        _round(sum(own, Decimal(0)) / len(own), Decimal(1)) for own in customers_intervals if own
    )
    if len(means) < MIN_SHOP_CUSTOMERS:
        return Decimal(DEFAULT_INTERVAL_DAYS * DAY_SECONDS)
    return means[(len(means) + 1) // 2 - 1]


def churn_estimate(
    *,
    user_id: int,
    order_times: list[datetime.datetime],
    shop_interval_seconds: Decimal,
    now: datetime.datetime,
) -> ChurnEstimate:
    """One customer's estimate from their order times (up to ``now``) and ``T``."""
    with localcontext() as context:
        context.prec = 50
        own = customer_intervals(order_times)
        count, total = len(own), sum(own, Decimal(0))
        typical = shop_interval_seconds
        days = _round(
            (total + PRIOR_STRENGTH * typical) / ((count + PRIOR_STRENGTH) * DAY_SECONDS),
            INTERVAL_PLACES,
        )
        last = max(order_times)
        elapsed = max(_seconds(now - last), Decimal(0))
        ratio = min(elapsed / (days * DAY_SECONDS), Decimal(MAX_RATIO))
        return ChurnEstimate(
            user_id=user_id,
            last_order_at=last,
            interval_count=count,
            own_interval_days=(
                _round(total / count / DAY_SECONDS, INTERVAL_PLACES) if count else None
            ),
            shop_interval_days=_round(typical / DAY_SECONDS, INTERVAL_PLACES),
            expected_interval_days=days,
            expected_next_order_at=last + datetime.timedelta(seconds=int(days * DAY_SECONDS)),
            churn_risk=_round(1 - (-ratio).exp(), RISK_PLACES),
        )


def churn_estimates_python(
    *, orders: dict[int, list[datetime.datetime]], now: datetime.datetime
) -> dict[int, ChurnEstimate]:
    """``churn_estimates`` in plain Python: each customer's counted order times → estimate."""
    orders = {
        user_id: [moment for moment in times if moment <= now] for user_id, times in orders.items()
    }
    orders = {user_id: times for user_id, times in orders.items() if times}
    with localcontext() as context:
        context.prec = 50
        typical = shop_interval([customer_intervals(times) for times in orders.values()])
    return {
        user_id: churn_estimate(
            user_id=user_id, order_times=times, shop_interval_seconds=typical, now=now
        )
        for user_id, times in orders.items()
    }
