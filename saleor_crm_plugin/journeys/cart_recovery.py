"""Cart recovery as one journey among the others, for the staff who list them.

Cart recovery keeps its own tables (``AbandonedCheckout`` is its enrollment,
``CartReminder`` its message: their data is kept as it was) and is configured on the
Plugins page (the ``cart_*`` fields), but it is listed with the other journeys of its
channel: each journeys sweep keeps one ``Journey`` row of kind ``cart_recovery`` per
active channel in step with the configuration (enabled, stage delays and subjects),
created once cart recovery is first enabled. ``journeyUpdate`` refuses to edit it
(``NOT_EDITABLE``). Its figures are cart recovery's own (``carts.stats``), in the
journeys' shape: entered = checkouts detected, sent = reminders sent, converted =
recovered, revenue = recovered revenue, offer cost = what the codes took off. Its A/B
test holds out offers, not messages, so it has no message holdout and no uplift here
(``cartRecoveryStats`` gives the variants' test).
"""

from decimal import Decimal

from django.db.models import Count, Q

from ..carts.models import AbandonedCheckout, CartReminder, ReminderStatus
from ..carts.stats import cart_recovery_stats, detected_between
from ..config import ChannelConfig
from .models import Journey, JourneyKind
from .stats import JourneyStats, StageStats

NAME = "Abandoned cart recovery"


def _stages(config: ChannelConfig) -> list[dict]:
    return [
        {
            "delay": f"{stage.delay_seconds}s",
            "subject": config.carts.templates(stage.kind)[0],
            "body": "",
            "offer_points": 0,
        }
        for stage in config.carts.stages
    ]


def cart_recovery_journey_sync(*, channel_id: int, config: ChannelConfig) -> Journey | None:
    """Keep the channel's cart-recovery journey row as configured; None if it never was."""
    wanted = {"enabled": config.carts.enabled, "stages": _stages(config)}
    journey = Journey.objects.filter(channel_id=channel_id, kind=JourneyKind.CART_RECOVERY).first()
    if journey is None:
        if not config.carts.enabled:
            return None
        journey, _created = Journey.objects.get_or_create(
            channel_id=channel_id,
            kind=JourneyKind.CART_RECOVERY,
            defaults={"name": NAME, **wanted},
        )
        return journey
    if any(getattr(journey, field) != value for field, value in wanted.items()):
        Journey.objects.filter(pk=journey.pk).update(**wanted)
        journey.refresh_from_db()
    return journey


def cart_journey_stats(*, journey: Journey, since=None, until=None, using: str) -> JourneyStats:
    carts = cart_recovery_stats(
        channel_id=journey.channel_id, since=since, until=until, using=using
    )
    checkouts = detected_between(
        AbandonedCheckout.objects.using(using).filter(channel_id=journey.channel_id),
        since=since,
        until=until,
    )
    outcomes = {
        row["stage"]: row
        for row in CartReminder.objects.using(using)
        .filter(abandoned__in=checkouts.values("pk"))
        .values("stage")
        .annotate(
            sent=Count("pk", filter=Q(status=ReminderStatus.SENT)),
            skipped=Count("pk", filter=Q(status=ReminderStatus.SKIPPED)),
            failed=Count("pk", filter=Q(status=ReminderStatus.FAILED)),
        )
    }
    recovered = {figure.stage: figure for figure in carts.by_stage}
    stages = [
        StageStats(
            stage=stage,
            sent=outcomes.get(stage, {}).get("sent", 0),
            skipped=outcomes.get(stage, {}).get("skipped", 0),
            failed=outcomes.get(stage, {}).get("failed", 0),
            converted=recovered[stage].recovered if stage in recovered else 0,
            revenue=recovered[stage].recovered_revenue if stage in recovered else Decimal(0),
            offer_cost=recovered[stage].discount_cost if stage in recovered else Decimal(0),
        )
        for stage in sorted(set(outcomes) | set(recovered))
    ]
    return JourneyStats(
        entered=carts.detected,
        held_out=0,
        sent=sum(stage.sent for stage in stages),
        converted=carts.total.recovered,
        holdout_converted=0,
        revenue=carts.total.recovered_revenue,
        offer_cost=carts.total.discount_cost,
        stages=stages,
        uplift=None,
    )
