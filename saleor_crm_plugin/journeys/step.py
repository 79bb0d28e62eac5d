"""One step of one enrollment: claim the due stage, then send it. Safe to replay.

``enrollment_advance`` works in two transactions, as cart recovery does:

1. ``stage_claim``, under the enrollment's row lock (``SKIP LOCKED``: a concurrent sweep
   leaves it alone):

   * the journey was switched off → nothing (the enrollment waits);
   * the goal is met (``goals.goal_order``: an order placed since entering) → the
     enrollment is ``converted`` and closed: never a message after the goal;
   * quiet hours in the shop's time zone → the stage waits for their end;
   * the cause no longer stands (``triggers.cause_holds``: a post-purchase journey's
     order was cancelled or refunded in full) → the stage is skipped (``cause_gone``)
     and the enrollment closed: no thank-you and no points for a returned order;
   * otherwise the *latest* stage whose delay has passed is claimed (a sweep that fell
     behind jumps to it rather than sending the earlier ones in a burst): a
     ``JourneyMessage`` is inserted — unique per enrollment and stage — as ``claimed``,
     or directly ``skipped`` with its reason: the holdout group, then the shared guards
     (``guards``: consent, unsubscribe, frequency cap across journeys), checked under
     the shopper's lock so concurrent sweeps see each other's claims. No consent or an
     unsubscribe closes the enrollment (``suppressed``); after the last stage it is
     ``completed``.

   It returns a ``StageClaim`` (the enrollment, its stage and the message) or None.

2. ``stage_send``, after that commit, for a ``claimed`` message only: the offer's bonus
   points are posted through the loyalty ledger under the key ``journey:<message id>``
   (so a replay posts nothing more), the payload is built and handed to
   ``manager.notify("crm_journey_message")`` — our plugin sends it by SMTP, apps
   subscribed to NOTIFY_USER receive it. Success marks it ``sent``; an exception marks
   it ``failed`` and is raised again for the sweep to count. A claimed message is never
   sent again, whatever happens after the claim: at most once. The one exception: when
   nothing can have left (``mail.DeliveryNotAttempted``) the message is ``retry`` and
   the enrollment's stage due again (reopened if that stage had completed it): the next
   sweep claims it back through the same guards (``claims``), at most ``MAX_ATTEMPTS``.
"""

import dataclasses
import datetime

from django.db import transaction
from django.utils import timezone

from ..carts.lock_objects import shopper_lock
from ..config import ChannelConfig, load_channel_program
from . import goals, guards, offers, triggers
from .claims import message_claim, message_send
from .definition import JourneyStage, journey_stages
from .messages import JOURNEY_MESSAGE_EVENT, journey_message_payload
from .models import EnrollmentStatus, JourneyEnrollment, JourneyMessage, MessageStatus

# Reasons that close the enrollment: no later stage either.
CLOSING_REASONS = {
    guards.SkipReason.NO_CONSENT,
    guards.SkipReason.UNSUBSCRIBED,
    guards.SkipReason.NO_RECIPIENT,
}


@dataclasses.dataclass(frozen=True)
class StageClaim:
    """What a claim decided: the message (claimed or skipped) of one stage."""

    enrollment: JourneyEnrollment
    stage: JourneyStage
    message: JourneyMessage
    config: ChannelConfig

    @property
    def to_send(self) -> bool:
        return self.message.status == MessageStatus.CLAIMED


def due_stage(
    stages: list[JourneyStage], *, after_stage: int, triggered_at, now
) -> JourneyStage | None:
    """The latest stage after ``after_stage`` whose delay from the trigger has passed."""
    due = None
    for stage in stages:
        if stage.number > after_stage and triggered_at + _delay(stage) <= now:
            due = stage
    return due


def _delay(stage: JourneyStage) -> datetime.timedelta:
    return datetime.timedelta(seconds=stage.delay_seconds)


def _next_stage_at(stages: list[JourneyStage], *, after_stage: int, triggered_at):
    for stage in stages:
        if stage.number > after_stage:
            return triggered_at + _delay(stage)
    return None


def _close(enrollment: JourneyEnrollment, *, status: str, now) -> None:
    enrollment.status = status
    enrollment.closed_at = now
    enrollment.next_stage_at = None
    enrollment.save(update_fields=["status", "closed_at", "next_stage_at"])


def stage_claim(*, enrollment_id: int, now: datetime.datetime) -> StageClaim | None:
    with transaction.atomic():
        enrollment = (
            JourneyEnrollment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("journey")
            .filter(pk=enrollment_id, status=EnrollmentStatus.OPEN, next_stage_at__lte=now)
            .first()
        )
        if enrollment is None:
            return None
        journey = enrollment.journey
        program = load_channel_program(journey.channel_id)
        if not (program.active and journey.enabled):
            return None
        if goals.enrollment_convert(enrollment=enrollment, now=now):
            return None
        config = program.config
        if (quiet_until := config.journeys.quiet_until(now)) is not None:
            enrollment.next_stage_at = quiet_until
            enrollment.save(update_fields=["next_stage_at"])
            return None
        stages = journey_stages(journey.stages)
        stage = due_stage(
            stages, after_stage=enrollment.stage, triggered_at=enrollment.triggered_at, now=now
        )
        if stage is None:
            return _nothing_due(enrollment, stages, now=now)
        message = _message_claim(
            enrollment, stage, config=config, now=now, cause_holds=triggers.cause_holds(enrollment)
        )
        if message is None:
            return None
        _stage_claimed(enrollment, stages, stage=stage, reason=message.skip_reason, now=now)
    return StageClaim(enrollment=enrollment, stage=stage, message=message, config=config)


def _nothing_due(enrollment: JourneyEnrollment, stages, *, now) -> None:
    """The stages were reconfigured: reschedule, or complete when none is left."""
    next_at = _next_stage_at(
        stages, after_stage=enrollment.stage, triggered_at=enrollment.triggered_at
    )
    if next_at is None:
        _close(enrollment, status=EnrollmentStatus.COMPLETED, now=now)
    else:
        enrollment.next_stage_at = next_at
        enrollment.save(update_fields=["next_stage_at"])


def _message_claim(
    enrollment, stage: JourneyStage, *, config, now, cause_holds: bool
) -> JourneyMessage | None:
    # Until this claim commits, other sweeps' claims for the shopper wait (the cap).
    shopper_lock(email=enrollment.email)
    if not cause_holds:
        reason = guards.SkipReason.CAUSE_GONE
    elif enrollment.holdout:
        reason = guards.SkipReason.HOLDOUT
    else:
        reason = guards.message_skip_reason(
            email=enrollment.email,
            user_id=enrollment.user_id,
            config=config,
            now=now,
            enrollment_id=enrollment.pk,
        )
    return message_claim(
        JourneyMessage,
        reason=reason,
        enrollment=enrollment,
        stage=stage.number,
        email=enrollment.email,
        claimed_at=now,
    )


def _stage_claimed(enrollment, stages, *, stage: JourneyStage, reason: str, now) -> None:
    enrollment.stage = stage.number
    enrollment.next_stage_at = _next_stage_at(
        stages, after_stage=stage.number, triggered_at=enrollment.triggered_at
    )
    enrollment.save(update_fields=["stage", "next_stage_at"])
    if reason in CLOSING_REASONS:
        _close(enrollment, status=EnrollmentStatus.SUPPRESSED, now=now)
    elif reason == guards.SkipReason.CAUSE_GONE or enrollment.next_stage_at is None:
        _close(enrollment, status=EnrollmentStatus.COMPLETED, now=now)


def stage_send(claim: StageClaim, *, manager, now: datetime.datetime) -> JourneyMessage:
    enrollment, message = claim.enrollment, claim.message

    def send() -> None:
        offer = offers.stage_offer_grant(
            enrollment=enrollment, stage=claim.stage, message=message, now=now
        )
        payload = journey_message_payload(
            enrollment=enrollment,
            stage=claim.stage,
            message=message,
            offer=offer,
            stages_count=len(enrollment.journey.stages),
        )
        manager.notify(
            JOURNEY_MESSAGE_EVENT, lambda: payload, channel_slug=enrollment.journey.channel.slug
        )

    def retry() -> None:  # nothing left: the stage is due again at the next sweep
        JourneyEnrollment.objects.filter(
            pk=enrollment.pk,
            stage=message.stage,
            status__in=(EnrollmentStatus.OPEN, EnrollmentStatus.COMPLETED),
        ).update(
            stage=message.stage - 1,
            next_stage_at=now,
            status=EnrollmentStatus.OPEN,
            closed_at=None,
        )

    return message_send(message, send, now=now, retry=retry)


def enrollment_advance(
    *, enrollment_id: int, manager, now: datetime.datetime | None = None
) -> JourneyMessage | None:
    """Claim and send the due stage of one enrollment; None when nothing was claimed."""
    now = now or timezone.now()
    claim = stage_claim(enrollment_id=enrollment_id, now=now)
    if claim is None:
        return None
    if not claim.to_send:
        return claim.message
    return stage_send(claim, manager=manager, now=now)
