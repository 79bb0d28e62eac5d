"""RFM scores and named groups per channel, and the customer value (Pareto) report.

Scores are computed in one SQL statement per channel over the counted customers (not
staff, ``sql.counted_customer``) with at least one counted order there (placed,
not cancelled or expired, money charged — the same customers and orders segments
count, ``sql.counted_order``):

* recency = the last order's date, frequency = the number of orders, monetary = the
  sum charged; each scored ``ceil(5 × rank / customers)``, where ``rank`` is 1 + the
  number of customers with a lower value: the share of the channel's customers at or
  below this one, in fifths (5 = most recent / most frequent / highest). Customers with
  equal values share the lowest rank (with five customers or more, all one-time buyers
  have F = 1); a customer with the single best value always scores 5, so in a small
  shop a lone customer who ordered today is R = 5, not "lost" as equal-sized
  quintiles (``ntile``) made it;
* the group comes from R and FM = round((F + M) / 2) (half up) by ``RFM_RULES``, the
  common R × FM grid: every one of the 25 cells belongs to exactly one group.

Rows of customers without counted orders any more are deleted. In the same transaction
``churn.churn_scores_update`` stores each row's churn risk and expected next order
(``churn.py`` gives the formula). The value report ranks
the same customers by revenue (ties by id) and takes the top
``ceil(count × percent / 100)``; it only reads, on the alias given as ``using`` (the
replica for GraphQL queries).
"""

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone
from saleor.channel.models import Channel
from saleor.order.models import Order

from .churn import churn_scores_update
from .sql import T_USER, counted_customer, counted_order
from .error_codes import CustomerSegmentErrorCode
from .exceptions import SegmentError
from .models import CustomerRfm


@dataclasses.dataclass(frozen=True)
class RfmRule:
    slug: str
    label: str
    recency: tuple[int, int]  # inclusive range of R
    frequency_monetary: tuple[int, int]  # inclusive range of FM

    @property
    def text(self) -> str:
        return f"R {_range(self.recency)}, FM {_range(self.frequency_monetary)}"


def _range(bounds: tuple[int, int]) -> str:
    low, high = bounds
    return str(low) if low == high else f"{low}–{high}"


RFM_RULES = [
    RfmRule("champions", "Champions", (5, 5), (4, 5)),
    RfmRule("loyal", "Loyal", (3, 4), (4, 5)),
    RfmRule("potential_loyalist", "Potential loyalist", (4, 5), (2, 3)),
    RfmRule("new", "New", (5, 5), (1, 1)),
    RfmRule("promising", "Promising", (4, 4), (1, 1)),
    RfmRule("needs_attention", "Needs attention", (3, 3), (3, 3)),
    RfmRule("about_to_sleep", "About to sleep", (3, 3), (1, 2)),
    RfmRule("at_risk", "At risk", (1, 2), (3, 4)),
    RfmRule("cannot_lose_them", "Cannot lose them", (1, 2), (5, 5)),
    RfmRule("hibernating", "Hibernating", (2, 2), (1, 2)),
    RfmRule("lost", "Lost", (1, 1), (1, 2)),
]

# (slug, label, rule text), in order.
RFM_GROUPS: list[tuple[str, str, str]] = [(r.slug, r.label, r.text) for r in RFM_RULES]
RFM_GROUP_SLUGS = tuple(rule.slug for rule in RFM_RULES)


def frequency_monetary(frequency: int, monetary: int) -> int:
    """FM: the mean of F and M, rounded half up."""
    return (frequency + monetary + 1) // 2


def rfm_group(recency: int, frequency: int, monetary: int) -> str:
    fm = frequency_monetary(frequency, monetary)
    for rule in RFM_RULES:
        if rule.recency[0] <= recency <= rule.recency[1] and (
            rule.frequency_monetary[0] <= fm <= rule.frequency_monetary[1]
        ):
            return rule.slug
    raise AssertionError((recency, fm))  # pragma: no cover - the grid is complete


def _group_case() -> tuple[str, list]:
    whens, params = [], []
    for rule in RFM_RULES:
        whens.append("WHEN s.r BETWEEN %s AND %s AND s.fm BETWEEN %s AND %s THEN %s")
        params += [*rule.recency, *rule.frequency_monetary, rule.slug]
    return "CASE " + " ".join(whens) + " END", params


def rfm_channel_ids() -> list[int]:
    return list(Channel.objects.order_by("pk").values_list("pk", flat=True))


def rfm_compute(*, channel_id: int) -> int:
    """Score every customer with a counted order in the channel (RFM, then churn risk);
    return how many."""
    scope = counted_order("o")
    case, case_params = _group_case()
    rfm_table = CustomerRfm._meta.db_table
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH agg AS (
              SELECT o.user_id, max(o.created_at) AS last_at, count(*) AS n,
                     sum(o.total_charged_amount) AS spent
              FROM {Order._meta.db_table} o
              JOIN {T_USER} u ON u.id = o.user_id AND {counted_customer("u")}
              WHERE o.channel_id = %s AND {scope.text}
              GROUP BY o.user_id
            ),
            scores AS (
              SELECT user_id, last_at, n, spent,
                     ceil(5.0 * rank() OVER (ORDER BY last_at) / count(*) OVER ())::int AS r,
                     ceil(5.0 * rank() OVER (ORDER BY n) / count(*) OVER ())::int AS f,
                     ceil(5.0 * rank() OVER (ORDER BY spent) / count(*) OVER ())::int AS m
              FROM agg
            ),
            s AS (SELECT scores.*, (f + m + 1) / 2 AS fm FROM scores),
            upserted AS (
              INSERT INTO {rfm_table} (user_id, channel_id, recency, frequency, monetary,
                                      "group", last_order_at, order_count, total_spent,
                                      computed_at)
              SELECT s.user_id, %s, s.r, s.f, s.m, {case}, s.last_at, s.n, s.spent, %s
              FROM s
              ON CONFLICT (user_id, channel_id) DO UPDATE SET
                recency = EXCLUDED.recency, frequency = EXCLUDED.frequency,
                monetary = EXCLUDED.monetary, "group" = EXCLUDED."group",
                last_order_at = EXCLUDED.last_order_at, order_count = EXCLUDED.order_count,
                total_spent = EXCLUDED.total_spent, computed_at = EXCLUDED.computed_at
              RETURNING user_id
            ),
            stale AS (
              DELETE FROM {rfm_table} x WHERE x.channel_id = %s
                AND NOT EXISTS (SELECT 1 FROM agg WHERE agg.user_id = x.user_id)
            )
            SELECT count(*) FROM upserted
            """,
            [channel_id, *scope.params, channel_id, *case_params, now, channel_id],
        )
        (scored,) = cursor.fetchone()
        churn_scores_update(channel_id=channel_id, now=now)
    return scored


@dataclasses.dataclass(frozen=True)
class TopCustomer:
    user_id: int
    email: str
    revenue: Decimal
    order_count: int


@dataclasses.dataclass(frozen=True)
class ValueReport:
    currency: str
    customer_count: int
    total_revenue: Decimal
    top_customer_count: int
    top_revenue: Decimal
    top_share: Decimal  # 0..1, 4 decimal places
    top_customers: list[TopCustomer]


def customer_value_report(
    *,
    channel_id: int,
    top_percent: Decimal,
    limit: int = 100,
    using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME,
) -> ValueReport:
    """Share of the channel's revenue from its top ``top_percent`` % of customers.

    Revenue = Σ charged over counted orders; customers are the counted customers (not
    staff, as in segments and RFM) with one at least.
    ``top_customers`` lists the top customers, best first, at most ``limit``.
    """
    top_percent = Decimal(top_percent)
    if not Decimal(0) < top_percent <= Decimal(100):
        raise SegmentError(
            "The top percentage must be above 0 and at most 100.",
            code=CustomerSegmentErrorCode.INVALID,
            field="top_percent",
        )
    channel = Channel.objects.using(using).filter(pk=channel_id).first()
    if channel is None:
        raise SegmentError(
            "Channel not found.", code=CustomerSegmentErrorCode.NOT_FOUND, field="channel"
        )
    scope = counted_order("o")
    # One pass over the channel's orders: the per-customer sums are a CTE read three
    # times (PostgreSQL materialises it), and only the listed rows leave the database.
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"""
            WITH per_customer AS (
              SELECT o.user_id, sum(o.total_charged_amount) AS revenue, count(*) AS n
              FROM {Order._meta.db_table} o
              JOIN {T_USER} cu ON cu.id = o.user_id AND {counted_customer("cu")}
              WHERE o.channel_id = %s AND {scope.text}
              GROUP BY o.user_id
            ),
            ranked AS (
              SELECT user_id, revenue, n,
                     row_number() OVER (ORDER BY revenue DESC, user_id) AS position
              FROM per_customer
            ),
            totals AS (
              SELECT count(*) AS customers, COALESCE(sum(revenue), 0) AS total,
                     ceil(count(*) * %s::numeric / 100)::bigint AS top_count
              FROM per_customer
            )
            SELECT t.customers, t.total, t.top_count,
              (SELECT COALESCE(sum(r.revenue), 0) FROM ranked r WHERE r.position <= t.top_count),
              (SELECT json_agg(json_build_array(r.user_id, u.email, r.revenue::text, r.n)
                               ORDER BY r.position)
               FROM ranked r JOIN account_user u ON u.id = r.user_id
               WHERE r.position <= LEAST(t.top_count, %s))
            FROM totals t
            """,
            [channel_id, *scope.params, top_percent, max(limit, 0)],
        )
        customer_count, total_revenue, top_count, top_revenue, rows = cursor.fetchone()
    top_revenue = Decimal(top_revenue)
    share = (
        (top_revenue / Decimal(total_revenue)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        if total_revenue
        else Decimal(0)
    )
    return ValueReport(
        currency=channel.currency_code,
        customer_count=customer_count,
        total_revenue=Decimal(total_revenue),
        top_customer_count=top_count,
        top_revenue=top_revenue,
        top_share=share,
        top_customers=[
            TopCustomer(user_id, email, Decimal(revenue), n)
            for user_id, email, revenue, n in rows or []
        ],
    )
