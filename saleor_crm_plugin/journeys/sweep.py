"""The journeys' periodic sweep: orchestration only.

Per channel with an active programme, the cart-recovery journey's row is kept in step
with its configuration (``cart_recovery``); then per enabled journey (cart recovery has
its own sweep, ``carts.detection``, sharing the guards and the claim-before-send rule):

1. **detect** (``triggers``): new causes become enrollments (unique per cause); date
   triggers (win-back, birthday, tier at risk, points expiring) once a day;
2. **measure** (``goals.conversions_record``): orders placed since entering close
   enrollments as converted, held-out ones included;
3. **advance** at most ``messages_per_run`` due enrollments, oldest first, each in its
   own transactions (``step.enrollment_advance``). One failing message fails only
   itself; a failure of the SMTP server or the connection (``stops_the_batch``) stops the
   channel's batch — the rest waits for the next sweep rather than failing the same way.

Detection moves the journey's ``scanned_until`` forward only after its enrollments are
inserted: a worker killed in between finds the same causes again next time, and the
unique keys keep them once.
"""

import dataclasses
import datetime
import logging

from django.db.models import F, Q
from django.db.models.functions import Greatest
from saleor.plugins.manager import get_plugins_manager

from ..carts.email import stops_the_batch
from ..mail import DeliveryNotAttempted
from ..config import active_channel_programs
from . import goals, triggers
from .cart_recovery import cart_recovery_journey_sync
from .definition import journey_stages
from .models import EnrollmentStatus, Journey, JourneyEnrollment, JourneyKind, MessageStatus
from .step import enrollment_advance

logger = logging.getLogger(__name__)

# Causes read per journey and sweep (incremental triggers: the rest next sweep, from
# the cursor) or per day (date triggers, read once a day).
DETECTION_LIMIT = 5000
DAILY_DETECTION_LIMIT = 100_000
DAILY_KINDS = (
    JourneyKind.WIN_BACK,
    JourneyKind.BIRTHDAY,
    JourneyKind.TIER_AT_RISK,
    JourneyKind.POINTS_EXPIRING,
)


@dataclasses.dataclass
class JourneySweepResult:
    entered: int = 0
    converted: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retrying: int = 0
    untouched: int = 0

    def add(self, other: "JourneySweepResult") -> None:
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


def journeys_due(*, channel_ids) -> list[Journey]:
    return list(
        Journey.objects.filter(channel_id__in=channel_ids, enabled=True)
        .exclude(kind=JourneyKind.CART_RECOVERY)
        .select_related("channel")
        .order_by("pk")
    )


def journey_detect(*, journey: Journey, config, now: datetime.datetime) -> int:
    """Insert the journey's new enrollments; move its cursor on; how many entered.

    Date triggers (``DAILY_KINDS``) read the state of the day once a day (in the shop's
    time zone), with a day's bound; the others read what happened since their cursor at
    every sweep.
    """
    stages = journey_stages(journey.stages)
    if not stages:
        return 0
    daily = journey.kind in DAILY_KINDS
    if (
        daily
        and journey.scanned_until
        and journey.scanned_until >= triggers.local_midnight(config, now)
    ):
        return 0
    limit = DAILY_DETECTION_LIMIT if daily else DETECTION_LIMIT
    first_delay = stages[0].delay_seconds
    causes = triggers.journey_causes(
        journey=journey, config=config, first_delay=first_delay, now=now, limit=limit
    )
    entered = triggers.enrollments_insert(
        journey=journey, causes=causes, first_delay=first_delay, now=now
    )
    reached = now if len(causes) < limit else max(c.triggered_at for c in causes)
    Journey.objects.filter(pk=journey.pk).filter(
        Q(scanned_until__isnull=True) | Q(scanned_until__lt=reached)
    ).update(scanned_until=Greatest(F("scanned_until"), reached))
    return entered


def due_enrollment_ids(*, journey_id: int, now: datetime.datetime, limit: int) -> list[int]:
    return list(
        JourneyEnrollment.objects.filter(
            journey_id=journey_id, status=EnrollmentStatus.OPEN, next_stage_at__lte=now
        )
        .order_by("next_stage_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def _advance_all(ids: list[int], *, now, manager) -> JourneySweepResult:
    result = JourneySweepResult()
    for position, enrollment_id in enumerate(ids):
        try:
            message = enrollment_advance(enrollment_id=enrollment_id, manager=manager, now=now)
        except Exception as error:
            # Recorded as failed (never retried: it may have left), or as retry when
            # nothing left (``mail.DeliveryNotAttempted``, ``journeys.claims``).
            logger.exception("saleor-crm: journey message for enrollment %s failed", enrollment_id)
            if isinstance(error, DeliveryNotAttempted):
                result.retrying += 1
            else:
                result.failed += 1
            if stops_the_batch(error):
                result.untouched += len(ids) - position - 1
                break
            continue
        if message is None:
            continue
        if message.status == MessageStatus.SENT:
            result.sent += 1
        elif message.status == MessageStatus.SKIPPED:
            result.skipped += 1
    return result


def journeys_sweep(*, now: datetime.datetime) -> JourneySweepResult:
    """Detect, measure and advance every enabled journey of every active channel."""
    result = JourneySweepResult()
    programs = active_channel_programs()
    for channel_id, config in programs.items():
        cart_recovery_journey_sync(channel_id=channel_id, config=config)
    manager = None
    for journey in journeys_due(channel_ids=list(programs)):
        config = programs[journey.channel_id]
        result.entered += journey_detect(journey=journey, config=config, now=now)
        result.converted += goals.conversions_record(journey_id=journey.pk, now=now)
        ids = due_enrollment_ids(
            journey_id=journey.pk, now=now, limit=config.carts.messages_per_run
        )
        if ids:
            manager = manager or get_plugins_manager(allow_replica=False)
            result.add(_advance_all(ids, now=now, manager=manager))
    return result
