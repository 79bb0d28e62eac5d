"""Section 6 of docs/benchmarks.md: how well churn risk ranks customers who do not come
back, against the plain "days since last order" rule (issue 14).

Both scores are read at a cutoff from the real SQL (``segments.churn.churn_estimates``,
the statement the daily run stores) over orders written to the benchmark database
inside a transaction that is rolled back: the run leaves nothing behind.

* **Generated shop, known answer** (``synthetic_shop``): each customer orders at random
  (exponential intervals, a Poisson process) at their own known mean rhythm, drawn
  log-uniformly from ``RHYTHM_DAYS``, from a first order in the ``HISTORY_DAYS`` before the
  cutoff; a known share (``STOPPED_SHARE``) stops for good at a moment drawn uniformly in
  the ``STOP_WINDOW_DAYS`` before the cutoff. After the cutoff the others go on at their
  rhythm. A customer "does not come back" when they place no order in the
  ``HORIZON_DAYS`` after the cutoff (the stopped ones, and active ones that happen to be
  slow); the stopped ones are also reported on their own.
* **Demo data**: the demo's own seeding (``demo.prepare.orders_top_up``, kept, then
  ``orders_link_to_customers`` and ``demo.seed_history.orders_date``: Saleor's sample
  orders spread over a year, rolled back), applied to the benchmark database; the cutoff is
  ``HORIZON_DAYS`` before today and "comes back" means a counted order in the channel
  after it. Saleor's generator deals orders to random customers, so nobody truly stops
  there: both rules should rank near chance, and the section says so.

Figures: ROC AUC (the chance that a random customer who did not come back scores above a
random one who did; ties count half) and precision among the top 10 % and 20 % by score
(ties broken by customer id).
"""

import dataclasses
import datetime
import math
import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from saleor.channel.models import Channel
from saleor.order import OrderStatus
from saleor.order.models import Order

from demo.prepare import orders_link_to_customers, orders_top_up
from demo.seed_history import orders_date
from saleor_crm_plugin.counting import EXCLUDED_STATUSES
from saleor_crm_plugin.segments import churn

User = get_user_model()
SEED = 20261130
CUSTOMERS = 1500
HISTORY_DAYS = 365
RHYTHM_DAYS = (7, 120)
STOPPED_SHARE = 0.4
STOP_WINDOW_DAYS = 180
HORIZON_DAYS = 90
TOP_SHARES = (0.1, 0.2)
DAY = datetime.timedelta(days=1)


@dataclasses.dataclass(frozen=True)
class SimCustomer:
    number: int
    rhythm_days: float  # the known mean interval
    stopped_at: datetime.datetime | None  # the known stop, None: still ordering
    orders: tuple[datetime.datetime, ...]  # up to the cutoff
    back_at: datetime.datetime | None  # the first order after the cutoff, in the horizon


def synthetic_shop(
    *,
    cutoff: datetime.datetime,
    customers: int = CUSTOMERS,
    seed: int = SEED,
) -> list[SimCustomer]:
    """The generated customers with at least one order before the cutoff."""
    rng = random.Random(seed)
    low, high = (math.log(days) for days in RHYTHM_DAYS)
    shop = []
    for number in range(customers):
        rhythm = math.exp(rng.uniform(low, high))
        start = cutoff - rng.uniform(1, HISTORY_DAYS) * DAY
        stopped_at = None
        if rng.random() < STOPPED_SHARE:
            stopped_at = cutoff - rng.uniform(0, STOP_WINDOW_DAYS) * DAY
        end = min(cutoff, stopped_at) if stopped_at else cutoff
        orders, moment = [], start
        while moment < end:
            orders.append(moment)
            moment += rng.expovariate(1 / rhythm) * DAY
        # After the cutoff a customer still ordering orders again after a fresh
        # exponential wait (memoryless); a stopped one never does.
        back_at = None
        if stopped_at is None:
            after = cutoff + rng.expovariate(1 / rhythm) * DAY
            back_at = after if after <= cutoff + HORIZON_DAYS * DAY else None
        if orders:
            shop.append(SimCustomer(number, rhythm, stopped_at, tuple(orders), back_at))
    return shop


# --- figures -------------------------------------------------------------------------


def roc_auc(scores: list[float], positives: list[bool]) -> float:
    """Mann–Whitney: P(score of a positive > score of a negative), ties count half."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and scores[order[end + 1]] == scores[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    count = sum(positives)
    others = len(scores) - count
    if not count or not others:
        return float("nan")
    rank_sum = sum(rank for rank, positive in zip(ranks, positives, strict=True) if positive)
    return (rank_sum - count * (count + 1) / 2) / (count * others)


def precision_at(
    scores: list[float], positives: list[bool], keys: list[int], share: float
) -> float:
    """The share of positives among the top ``share`` by score (ties: lower key first)."""
    top = max(1, round(len(scores) * share))
    ranked = sorted(range(len(scores)), key=lambda i: (-scores[i], keys[i]))[:top]
    return sum(positives[i] for i in ranked) / top


@dataclasses.dataclass(frozen=True)
class Ranking:
    auc: float
    precision: tuple[float, ...]  # at TOP_SHARES


@dataclasses.dataclass(frozen=True)
class BacktestResult:
    customers: int
    orders: int
    not_back: int  # positives
    churn: Ranking
    days_since: Ranking
    stopped: int = 0  # known stops (generated shop)
    churn_stopped: Ranking | None = None
    days_since_stopped: Ranking | None = None
    shop_interval_days: float = 0.0


def _rank(scores: list[float], positives: list[bool], keys: list[int]) -> Ranking:
    return Ranking(
        auc=roc_auc(scores, positives),
        precision=tuple(precision_at(scores, positives, keys, share) for share in TOP_SHARES),
    )


def _scores(estimates, cutoff):
    keys = [e.user_id for e in estimates]
    risk = [float(e.churn_risk) for e in estimates]
    days = [(cutoff - e.last_order_at) / DAY for e in estimates]
    return keys, risk, days


# --- the runs ------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _order_numbers(count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval('order_order_number_seq') FROM generate_series(1, %s)", [count]
        )
        return [number for (number,) in cursor.fetchall()]


def synthetic_backtest(
    *, cutoff: datetime.datetime, customers: int = CUSTOMERS, seed: int = SEED
) -> BacktestResult:
    """Write the generated shop in a channel of its own, score it at the cutoff, roll back."""
    shop = synthetic_shop(cutoff=cutoff, customers=customers, seed=seed)
    result = None
    try:
        with transaction.atomic():
            channel = Channel.objects.create(
                name="Churn backtest",
                slug=f"churn-backtest-{seed}",
                currency_code="USD",
                default_country="US",
            )
            users = User.objects.bulk_create(
                [User(email=f"churn-backtest-{seed}-{c.number}@example.com") for c in shop]
            )
            user_by_number = {c.number: user for c, user in zip(shop, users, strict=True)}
            rows = [(c, moment) for c in shop for moment in c.orders]
            numbers = _order_numbers(len(rows))
            Order.objects.bulk_create(
                [
                    Order(
                        number=number,
                        created_at=moment,
                        status=OrderStatus.FULFILLED,
                        user=user_by_number[c.number],
                        user_email=user_by_number[c.number].email,
                        channel=channel,
                        currency="USD",
                        total_charged_amount=10,
                        total_gross_amount=10,
                        total_net_amount=10,
                        lines_count=1,
                    )
                    for (c, moment), number in zip(rows, numbers, strict=True)
                ],
                batch_size=2000,
            )
            estimates = churn.churn_estimates(channel_id=channel.pk, now=cutoff)
            number_by_user = {user.pk: number for number, user in user_by_number.items()}
            by_number = {c.number: c for c in shop}
            keys, risk, days = _scores(estimates, cutoff)
            truth = [by_number[number_by_user[e.user_id]] for e in estimates]
            not_back = [c.back_at is None for c in truth]
            stopped = [c.stopped_at is not None for c in truth]
            result = BacktestResult(
                customers=len(estimates),
                orders=len(rows),
                not_back=sum(not_back),
                churn=_rank(risk, not_back, keys),
                days_since=_rank(days, not_back, keys),
                stopped=sum(stopped),
                churn_stopped=_rank(risk, stopped, keys),
                days_since_stopped=_rank(days, stopped, keys),
                shop_interval_days=float(estimates[0].shop_interval_days),
            )
            raise _Rollback
    except _Rollback:
        pass
    return result


def demo_backtest(*, now: datetime.datetime) -> BacktestResult:
    """The demo's seeded year of orders in the default channel, cut ``HORIZON_DAYS`` ago."""
    cutoff = now - HORIZON_DAYS * DAY
    # Saleor's sample orders topped up to the demo's number once, kept (as populatedb's
    # are): the generator is slow, and the orders are of the kind the database holds.
    orders_top_up()
    result = None
    try:
        with transaction.atomic():
            orders_link_to_customers()
            orders_date(now=now, rng=random.Random(12))  # the demo's seed
            channel = Channel.objects.get(slug=settings.DEFAULT_CHANNEL_SLUG)
            estimates = churn.churn_estimates(channel_id=channel.pk, now=cutoff)
            came_back = set(
                Order.objects.filter(
                    channel=channel,
                    created_at__gt=cutoff,
                    created_at__lte=now,
                    total_charged_amount__gt=0,
                    user__is_staff=False,
                )
                .exclude(status__in=EXCLUDED_STATUSES)
                .values_list("user_id", flat=True)
            )
            orders = (
                Order.objects.filter(channel=channel, created_at__lte=cutoff, user__isnull=False)
                .exclude(status__in=EXCLUDED_STATUSES)
                .filter(total_charged_amount__gt=0, user__is_staff=False)
                .count()
            )
            keys, risk, days = _scores(estimates, cutoff)
            not_back = [e.user_id not in came_back for e in estimates]
            result = BacktestResult(
                customers=len(estimates),
                orders=orders,
                not_back=sum(not_back),
                churn=_rank(risk, not_back, keys),
                days_since=_rank(days, not_back, keys),
                shop_interval_days=float(estimates[0].shop_interval_days) if estimates else 0.0,
            )
            raise _Rollback
    except _Rollback:
        pass
    return result


# --- the section ---------------------------------------------------------------------


def _row(data: str, customers: int, positives: int, rule: str, ranking: Ranking) -> str:
    precision = " | ".join(f"{value:.2f}" for value in ranking.precision)
    return f"| {data} | {customers} | {positives} | {rule} | {ranking.auc:.3f} | {precision} |"


def section(
    *, synthetic: BacktestResult, demo: BacktestResult, seconds: tuple[float, float]
) -> list[str]:
    top = " | ".join(f"Precision, top {share:.0%}" for share in TOP_SHARES)
    generated = f"Generated ({synthetic.orders} orders)"
    stops = "Generated: known stops"
    demo_data = f"Demo ({demo.orders} orders)"
    return [
        "## 6. Churn risk backtest",
        "",
        "Written by `bench/churn_backtest.py` (issue 14; formula in [churn](churn.md)): how "
        "well each score, read at a cutoff, ranks the customers who place no order in the "
        f"{HORIZON_DAYS} days after it. Churn risk = 1 − exp(−days since the last order / "
        "the customer's expected interval); the plain rule = days since the last order. "
        f"Generated shop: {CUSTOMERS} customers drawn, each ordering at random at a known "
        f"rhythm of {RHYTHM_DAYS[0]}–{RHYTHM_DAYS[1]} days (log-uniform) over "
        f"{HISTORY_DAYS} days; {STOPPED_SHARE:.0%} stop for good in the {STOP_WINDOW_DAYS} "
        'days before the cutoff ("known stops" ranks exactly those). Demo: the demo\'s '
        "seeding (Saleor's sample orders, dated over a year by `demo.seed_history`) in the "
        "default channel, cut "
        f"{HORIZON_DAYS} days before today; Saleor's generator deals orders to random "
        "customers (nobody truly stops) and few of its orders are charged, so the demo "
        "rows show the estimate running on the demo's data rather than its quality. Both "
        "shops are written and rolled back inside this run; the scores come "
        "from the SQL the daily run stores. ROC AUC: the chance that a customer who did not "
        "come back scores above one who did (ties half); precision: the share who did not "
        "come back among the top-scored.",
        "",
        f"| Data | Customers scored | Did not come back | Score | ROC AUC | {top} |",
        "|---|---|---|---|---|" + "---|" * len(TOP_SHARES),
        _row(generated, synthetic.customers, synthetic.not_back, "churn risk", synthetic.churn),
        _row(
            generated, synthetic.customers, synthetic.not_back, "days since", synthetic.days_since
        ),
        _row(stops, synthetic.customers, synthetic.stopped, "churn risk", synthetic.churn_stopped),
        _row(
            stops,
            synthetic.customers,
            synthetic.stopped,
            "days since",
            synthetic.days_since_stopped,
        ),
        _row(demo_data, demo.customers, demo.not_back, "churn risk", demo.churn),
        _row(demo_data, demo.customers, demo.not_back, "days since", demo.days_since),
        "",
        "Churn risk minus days since, ROC AUC: "
        f"{synthetic.churn_stopped.auc - synthetic.days_since_stopped.auc:+.3f} on the known "
        f"stops, {synthetic.churn.auc - synthetic.days_since.auc:+.3f} on not coming back in "
        f"{HORIZON_DAYS} days; precision in the top 10 %: "
        f"{synthetic.churn_stopped.precision[0] - synthetic.days_since_stopped.precision[0]:+.2f}"
        f" and {synthetic.churn.precision[0] - synthetic.days_since.precision[0]:+.2f}. "
        "Not coming back within a fixed horizon also counts steady but slow customers "
        "(a 120-day rhythm skips a 90-day window half the time): days since ranks them high "
        "because they are long silent, churn risk ranks them low because their silence is "
        "usual for them; it is built to find the customers whose silence is unusual (the "
        "known stops), which is what a win-back journey targets.",
        "",
        f"The shop's typical interval at the cutoff: {synthetic.shop_interval_days:.2f} days "
        f"(generated), {demo.shop_interval_days:.2f} days (demo). The generated shop took "
        f"{seconds[0]:.1f} s (writing its orders, mostly), the demo {seconds[1]:.1f} s.",
        "",
    ]
