"""How well reminders recover carts, per channel and period, stage and variant.

The population is the channel's abandoned checkouts *detected* in the period.

* **detected**: all of them, the funnel's first step;
* **reminded**: checkouts for which at least one reminder was sent;
* **recovered**: those that completed after it (``recovered``, see ``attribution``);
* **recovery rate**: recovered / reminded (0 when nobody was reminded);
* **recovered revenue**: the recovered orders' gross totals;
* **discount cost**: what our offer codes took off those orders.

Per stage, a checkout counts as reminded at every stage it was sent, and a recovery is
credited to the *last* stage sent before the order (last touch), so the stages'
recoveries add up to the total. Per variant, the figures are those of the checkouts
assigned to it; each variant's rate is compared with the reference (the holdout, i.e. the
first variant without an offer, else the first variant) by a two-sided two-proportion
z-test with the pooled proportion: ``z = (p1 − p0) / sqrt(p(1 − p)(1/n1 + 1/n0))`` and
``p-value = erfc(|z| / √2)`` (= 2·(1 − Φ(|z|))). It is ``None`` for the reference
itself and when either side has nobody reminded or the pooled rate is 0 or 1.

Four aggregate queries, whatever the number of checkouts.
"""

import dataclasses
import datetime
import math
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from .models import AbandonedCheckout, AbandonedStatus, CartReminder, ReminderStatus


@dataclasses.dataclass(frozen=True)
class RecoveryFigures:
    reminded: int
    recovered: int
    recovered_revenue: Decimal
    discount_cost: Decimal

    @property
    def recovery_rate(self) -> float:
        return self.recovered / self.reminded if self.reminded else 0.0


@dataclasses.dataclass(frozen=True)
class StageFigures(RecoveryFigures):
    stage: int = 0


@dataclasses.dataclass(frozen=True)
class VariantFigures(RecoveryFigures):
    name: str = ""
    is_reference: bool = False
    p_value: float | None = None


@dataclasses.dataclass(frozen=True)
class CartRecoveryStats:
    detected: int
    total: RecoveryFigures
    by_stage: list[StageFigures]
    by_variant: list[VariantFigures]


def two_proportion_p_value(
    *, successes: int, trials: int, reference_successes: int, reference_trials: int
) -> float | None:
    """Two-sided p-value of the pooled two-proportion z-test; None when undefined."""
    if trials <= 0 or reference_trials <= 0:
        return None
    pooled = (successes + reference_successes) / (trials + reference_trials)
    variance = pooled * (1 - pooled) * (1 / trials + 1 / reference_trials)
    if variance <= 0:
        return None
    z = (successes / trials - reference_successes / reference_trials) / math.sqrt(variance)
    return math.erfc(abs(z) / math.sqrt(2))


def detected_between(
    checkouts: QuerySet[AbandonedCheckout],
    *,
    since: datetime.datetime | None,
    until: datetime.datetime | None,
) -> QuerySet[AbandonedCheckout]:
    """The checkouts detected in ``[since, until]`` (either end open): the population of
    the stats, shared with the ``abandonedCheckouts`` filter so both count alike."""
    if since is not None:
        checkouts = checkouts.filter(detected_at__gte=since)
    if until is not None:
        checkouts = checkouts.filter(detected_at__lte=until)
    return checkouts


def _figures_aggregates():
    recovered = Q(status=AbandonedStatus.RECOVERED)
    return {
        "recovered": Count("pk", filter=recovered),
        "revenue": Sum("order_total_amount", filter=recovered),
        "cost": Sum("discount_amount", filter=recovered),
    }


def _amount(value) -> Decimal:
    return value if value is not None else Decimal(0)


def cart_recovery_stats(
    *,
    channel_id: int,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    reference_variant: str | None = None,
    using: str = "default",
) -> CartRecoveryStats:
    """Figures of the checkouts detected in ``[since, until]`` (either end open)."""
    checkouts = detected_between(
        AbandonedCheckout.objects.using(using).filter(channel_id=channel_id),
        since=since,
        until=until,
    )
    sent = CartReminder.objects.using(using).filter(status=ReminderStatus.SENT)
    last_sent_stage = Subquery(
        sent.filter(abandoned_id=OuterRef("pk")).order_by("-stage").values("stage")[:1]
    )
    reminded_checkouts = checkouts.annotate(last_stage=last_sent_stage).filter(
        last_stage__isnull=False
    )

    stage_reminded = dict(
        sent.filter(abandoned__in=checkouts.values("pk"))
        .values("stage")
        .annotate(reminded=Count("abandoned_id", distinct=True))
        .values_list("stage", "reminded")
    )
    by_last_stage = {
        row["last_stage"]: row
        for row in reminded_checkouts.values("last_stage")
        .annotate(**_figures_aggregates())
        .order_by()
    }
    by_stage = [
        StageFigures(
            stage=stage,
            reminded=stage_reminded[stage],
            recovered=by_last_stage.get(stage, {}).get("recovered", 0),
            recovered_revenue=_amount(by_last_stage.get(stage, {}).get("revenue")),
            discount_cost=_amount(by_last_stage.get(stage, {}).get("cost")),
        )
        for stage in sorted(stage_reminded)
    ]
    variant_rows = _variant_rows(reminded_checkouts)
    total = RecoveryFigures(
        reminded=sum(row["reminded"] for row in variant_rows),
        recovered=sum(figure.recovered for figure in by_stage),
        recovered_revenue=sum((f.recovered_revenue for f in by_stage), Decimal(0)),
        discount_cost=sum((f.discount_cost for f in by_stage), Decimal(0)),
    )
    return CartRecoveryStats(
        detected=checkouts.count(),
        total=total,
        by_stage=by_stage,
        by_variant=_variants(variant_rows, reference_variant),
    )


def _variant_rows(reminded_checkouts) -> list[dict]:
    return list(
        reminded_checkouts.values("variant")
        .annotate(reminded=Count("pk"), **_figures_aggregates())
        .order_by("variant")
    )


def _variants(variant_rows: list[dict], reference_variant: str | None) -> list[VariantFigures]:
    rows = [row for row in variant_rows if row["variant"]]
    if not rows:
        return []
    names = [row["variant"] for row in rows]
    reference_name = reference_variant if reference_variant in names else names[0]
    reference = next(row for row in rows if row["variant"] == reference_name)
    figures = []
    for row in rows:
        is_reference = row["variant"] == reference_name
        figures.append(
            VariantFigures(
                name=row["variant"],
                is_reference=is_reference,
                reminded=row["reminded"],
                recovered=row["recovered"],
                recovered_revenue=_amount(row["revenue"]),
                discount_cost=_amount(row["cost"]),
                p_value=None
                if is_reference
                else two_proportion_p_value(
                    successes=row["recovered"],
                    trials=row["reminded"],
                    reference_successes=reference["recovered"],
                    reference_trials=reference["reminded"],
                ),
            )
        )
    return figures
