"""What a journey did: entered, sent, converted, revenue, offer cost, and its uplift.

Figures are over the enrollments that *entered* in the period (all time by default), in
three queries whatever their number:

- per group (treated / held out): entered, converted, revenue of the conversions;
- per stage: messages sent, skipped and failed, and the offers' cost (bonus points at
  the channel's point value when sent);
- per stage: conversions attributed to the last stage claimed before the order (stage
  0: the order came before the first message).

**Uplift** is the treated group's conversion rate less the held-out group's, with a 95 %
interval (normal approximation for a difference of two proportions:
``d ± 1.96·√(p₁(1−p₁)/n₁ + p₀(1−p₀)/n₀)``). It is null until both groups have members; an
interval that contains 0 means the journey has not (yet) shown an effect.
"""

import dataclasses
import datetime
import math
from decimal import Decimal

from django.db.models import Count, Q, Sum

from .models import JourneyEnrollment, JourneyMessage, MessageStatus

Z_95 = 1.96


@dataclasses.dataclass(frozen=True)
class StageStats:
    stage: int
    sent: int
    skipped: int
    failed: int
    converted: int
    revenue: Decimal
    offer_cost: Decimal


@dataclasses.dataclass(frozen=True)
class Uplift:
    treated_rate: float
    holdout_rate: float
    difference: float
    low: float
    high: float


@dataclasses.dataclass(frozen=True)
class JourneyStats:
    entered: int
    held_out: int
    sent: int
    converted: int
    holdout_converted: int
    revenue: Decimal
    offer_cost: Decimal
    stages: list[StageStats]
    uplift: Uplift | None


def uplift_estimate(
    *, treated: int, treated_converted: int, held: int, held_converted: int
) -> Uplift | None:
    if not treated or not held:
        return None
    p1, p0 = treated_converted / treated, held_converted / held
    spread = Z_95 * math.sqrt(p1 * (1 - p1) / treated + p0 * (1 - p0) / held)
    difference = p1 - p0
    return Uplift(p1, p0, difference, difference - spread, difference + spread)


def _groups(enrollments) -> tuple[dict, dict]:
    """(treated, held out): entered, converted and revenue of each group."""
    converted = Q(converted_order_id__isnull=False)
    groups = {
        row["holdout"]: row
        for row in enrollments.values("holdout").annotate(
            entered=Count("pk"),
            converted=Count("pk", filter=converted),
            revenue=Sum("revenue", filter=converted),
        )
    }
    return groups.get(False, {}), groups.get(True, {})


def _stages(enrollments, *, using: str) -> list[StageStats]:
    by_stage = {
        row["stage"]: row
        for row in JourneyMessage.objects.using(using)
        .filter(enrollment__in=enrollments)
        .values("stage")
        .annotate(
            sent=Count("pk", filter=Q(status=MessageStatus.SENT)),
            skipped=Count("pk", filter=Q(status=MessageStatus.SKIPPED)),
            failed=Count("pk", filter=Q(status=MessageStatus.FAILED)),
            cost=Sum("offer_value", filter=Q(status=MessageStatus.SENT)),
        )
    }
    conversions = {
        row["stage"]: row
        for row in enrollments.filter(converted_order_id__isnull=False, holdout=False)
        .values("stage")
        .annotate(converted=Count("pk"), revenue=Sum("revenue"))
    }
    return [
        StageStats(
            stage=stage,
            sent=by_stage.get(stage, {}).get("sent", 0),
            skipped=by_stage.get(stage, {}).get("skipped", 0),
            failed=by_stage.get(stage, {}).get("failed", 0),
            converted=conversions.get(stage, {}).get("converted", 0),
            revenue=conversions.get(stage, {}).get("revenue") or Decimal(0),
            offer_cost=by_stage.get(stage, {}).get("cost") or Decimal(0),
        )
        for stage in sorted(set(by_stage) | set(conversions))
    ]


def journey_stats(
    *,
    journey_id: int,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    using: str = "default",
) -> JourneyStats:
    window = Q()
    if since is not None:
        window &= Q(entered_at__gte=since)
    if until is not None:
        window &= Q(entered_at__lt=until)
    enrollments = JourneyEnrollment.objects.using(using).filter(window, journey_id=journey_id)
    treated, held = _groups(enrollments)
    stages = _stages(enrollments, using=using)
    return JourneyStats(
        entered=treated.get("entered", 0) + held.get("entered", 0),
        held_out=held.get("entered", 0),
        sent=sum(stage.sent for stage in stages),
        converted=treated.get("converted", 0),
        holdout_converted=held.get("converted", 0),
        revenue=treated.get("revenue") or Decimal(0),
        offer_cost=sum((stage.offer_cost for stage in stages), Decimal(0)),
        stages=stages,
        uplift=uplift_estimate(
            treated=treated.get("entered", 0),
            treated_converted=treated.get("converted", 0),
            held=held.get("entered", 0),
            held_converted=held.get("converted", 0),
        ),
    )
