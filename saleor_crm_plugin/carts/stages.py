"""One step of an abandoned checkout's reminder sequence, safe to replay.

``abandoned_checkout_advance`` handles one due row in two transactions:

1. Under the row's lock (``SKIP LOCKED``: a concurrent sweep leaves it alone) it
   re-reads Saleor's checkout and decides:

   * gone → the order that completed it (if any) is attributed, else ``expired``;
   * changed since last seen (``last_change`` moved: the shopper came back) → the
     snapshot is refreshed and the clock restarts: the next stage is due its delay
     after the new last change. Stages already claimed in a round are never repeated;
     a change after the round ran out starts a new round (the cart was left again);
   * no longer abandoned (emptied, lost its e-mail) → ``expired``; completion under
     way (Saleor's checkout lock) → looked at again later;
   * the shop's quiet hours (``config.journeys``, shared by every journey) → the
     stage waits for their end;
   * otherwise the *latest* stage whose delay has passed is claimed (a sweep that fell
     behind jumps to it instead of sending the earlier ones in a burst): a
     ``CartReminder`` row is inserted — unique per checkout and stage — as ``claimed``,
     or directly ``skipped`` with its suppression reason (``suppression``; consent and
     the cap across journeys are the guards every journey shares, ``journeys.guards``).
     The suppression check and the claim hold the shopper's lock, so the frequency cap
     sees concurrent sweeps' claims. ``stage_claim`` returns a ``CartStageClaim``.
     The row's stage and next due time move on in the same transaction. After the last stage the row stays open
     (``CLOSE_AFTER``) so that a late order still counts as recovered, then expires.

2. After that commit, a claimed stage is sent: the offer is issued for an offer stage
   (CARTB's ``offers.recovery_offer_issue``; an A/B variant may replace the configured
   offer), the payload is built and handed to ``manager.notify("crm_cart_reminder")``,
   which our plugin's ``notify`` (SMTP) and apps subscribed to NOTIFY_USER receive.
   Success marks the reminder ``sent``; an exception marks it ``failed`` and is raised
   again (the sweep goes on, or stops that channel's batch when the SMTP server or
   connection failed). A claimed reminder is never sent again,
   whatever happens after the claim: at most once, never twice. The one exception:
   when nothing can have left (``mail.DeliveryNotAttempted``) the reminder is ``retry``
   and its stage due again: the next sweep claims it back through the same checks
   (``journeys.claims``), at most ``MAX_ATTEMPTS`` times.
"""

import dataclasses
import datetime
import logging

from django.conf import settings
from django.db import transaction
from saleor.checkout.models import Checkout
from saleor.plugins.manager import get_plugins_manager

from ..config import CartStage, ChannelConfig, OfferSpec, load_channel_program
from ..consent.actions import normalize_email
from ..journeys.claims import message_claim, message_send
from . import attribution, experiments, offers
from .error_codes import CartRecoveryErrorCode
from .exceptions import CartRecoveryError
from .lock_objects import shopper_lock
from .messages import CART_REMINDER_EVENT, cart_message_payload
from .models import (
    AbandonedCheckout,
    AbandonedStatus,
    CartRecoveryOffer,
    CartReminder,
    ReminderKind,
    ReminderStatus,
    SkipReason,
)
from .suppression import CLOSING_STATUS, checkout_order_id, reminder_skip_reason

logger = logging.getLogger(__name__)

# After its last stage an abandoned checkout stays open this long, then expires.
CLOSE_AFTER = datetime.timedelta(days=7)
# A checkout whose completion has started is looked at again after this.
COMPLETING_RECHECK = datetime.timedelta(hours=1)


def due_stage(
    config: ChannelConfig, *, after_stage: int, last_change: datetime.datetime, now
) -> CartStage | None:
    """The latest stage after ``after_stage`` whose delay from ``last_change`` has passed."""
    due = None
    for stage in config.carts.stages:
        if stage.number > after_stage and last_change + _delay(stage) <= now:
            due = stage
    return due


def completion_under_way(checkout: Checkout, *, now: datetime.datetime) -> bool:
    """Saleor's checkout lock (``Checkout.is_checkout_locked``), at ``now``."""
    lock = datetime.timedelta(seconds=settings.CHECKOUT_COMPLETION_LOCK_TIME)
    started = checkout.completing_started_at
    return started is not None and started > now - lock


def next_stage_at(
    config: ChannelConfig, *, after_stage: int, last_change: datetime.datetime
) -> datetime.datetime:
    for stage in config.carts.stages:
        if stage.number > after_stage:
            return last_change + _delay(stage)
    last = config.carts.stages[-1] if config.carts.stages else None
    return last_change + (_delay(last) if last else datetime.timedelta(0)) + CLOSE_AFTER


def _delay(stage: CartStage) -> datetime.timedelta:
    return datetime.timedelta(seconds=stage.delay_seconds)


@dataclasses.dataclass(frozen=True)
class CartStageClaim:
    """What a claim decided: the reminder (claimed or skipped) of one stage."""

    abandoned: AbandonedCheckout
    checkout: Checkout
    stage: CartStage
    config: ChannelConfig
    reminder: CartReminder

    @property
    def to_send(self) -> bool:
        return self.reminder.status == ReminderStatus.CLAIMED


def abandoned_checkout_advance(
    *, abandoned_id: int, now: datetime.datetime, manager=None
) -> CartReminder | None:
    """Claim and send the due stage of one abandoned checkout; None when nothing was due."""
    claim = stage_claim(abandoned_id=abandoned_id, now=now)
    if claim is None:
        return None
    if not claim.to_send:
        return claim.reminder
    return _send(claim, now=now, manager=manager or get_plugins_manager(allow_replica=False))


def stage_claim(*, abandoned_id: int, now) -> CartStageClaim | None:
    with transaction.atomic():
        abandoned = (
            AbandonedCheckout.objects.select_for_update(skip_locked=True)
            .filter(pk=abandoned_id, status=AbandonedStatus.OPEN, next_stage_at__lte=now)
            .first()
        )
        if abandoned is None:
            return None
        program = load_channel_program(abandoned.channel_id)
        config = program.config
        if not (program.active and config.carts.enabled):
            return None
        checkout = _checkout_still_abandoned(abandoned, config=config, now=now)
        if checkout is None:
            return None
        stage = due_stage(
            config, after_stage=abandoned.stage, last_change=checkout.last_change, now=now
        )
        if stage is None:
            _no_stage_due(abandoned, checkout, config=config, now=now)
            return None
        if (quiet_until := config.journeys.quiet_until(now)) is not None:
            abandoned.next_stage_at = quiet_until
            abandoned.save(update_fields=_SNAPSHOT_FIELDS)
            return None
        _assign_variant(abandoned, config=config)
        reminder = _reminder_claim(abandoned, stage, config=config, now=now)
        if reminder is None:
            return None
        _stage_claimed(
            abandoned, checkout, stage=stage, config=config, reason=reminder.skip_reason, now=now
        )
    return CartStageClaim(
        abandoned=abandoned, checkout=checkout, stage=stage, config=config, reminder=reminder
    )


def _checkout_still_abandoned(abandoned, *, config, now) -> Checkout | None:
    """Saleor's checkout, its changes taken in; None (and the row updated) when it is
    gone, emptied, without an e-mail or being completed."""
    checkout = Checkout.objects.filter(token=abandoned.token).select_related("user").first()
    if checkout is None:
        _close_gone(abandoned, now=now)
        return None
    if checkout.last_change > abandoned.last_change_seen:
        _restart(abandoned, checkout, config=config)
    email = normalize_email(checkout.get_customer_email())
    if not email or not checkout.lines.exists():
        _close(abandoned, status=AbandonedStatus.EXPIRED, now=now)
        return None
    if completion_under_way(checkout, now=now):
        abandoned.next_stage_at = now + COMPLETING_RECHECK
        abandoned.save(update_fields=["next_stage_at"])
        return None
    return checkout


def _reminder_claim(abandoned, stage: CartStage, *, config, now) -> CartReminder | None:
    """Insert the stage's reminder (claimed, or skipped with its reason); None if it was
    claimed before (a replay: never again)."""
    # Until this claim commits, other sweeps' claims for the shopper wait (the cap).
    shopper_lock(email=abandoned.email)
    return message_claim(
        CartReminder,
        reason=reminder_skip_reason(abandoned=abandoned, config=config, now=now),
        abandoned=abandoned,
        round=abandoned.round,
        stage=stage.number,
        email=abandoned.email,
        kind=stage.kind,
        claimed_at=now,
    )


def _no_stage_due(abandoned, checkout, *, config, now) -> None:
    if abandoned.stage >= len(config.carts.stages):
        _close(abandoned, status=AbandonedStatus.EXPIRED, now=now)
    else:  # the shopper came back, or the stages were reconfigured
        abandoned.next_stage_at = next_stage_at(
            config, after_stage=abandoned.stage, last_change=checkout.last_change
        )
        abandoned.save(update_fields=_SNAPSHOT_FIELDS)


def _stage_claimed(abandoned, checkout, *, stage, config, reason, now) -> None:
    abandoned.stage = stage.number
    abandoned.next_stage_at = next_stage_at(
        config, after_stage=stage.number, last_change=checkout.last_change
    )
    abandoned.save(update_fields=[*_SNAPSHOT_FIELDS, "variant"])
    if reason == SkipReason.CHECKOUT_COMPLETED:
        order_id = checkout_order_id(token=abandoned.token)
        attribution.abandoned_checkout_attribute(order_id=order_id)
    elif reason and CLOSING_STATUS[reason]:
        _close(abandoned, status=CLOSING_STATUS[reason], now=now)


_SNAPSHOT_FIELDS = [
    "round",
    "stage",
    "user",
    "email",
    "currency",
    "total_gross_amount",
    "lines_count",
    "last_change_seen",
    "next_stage_at",
]


def _restart(abandoned: AbandonedCheckout, checkout: Checkout, *, config: ChannelConfig) -> None:
    """The shopper came back: refresh the snapshot; the next stage waits its full delay.

    If the round had run out (every stage claimed), the cart was left again: a new round
    starts from the first stage.
    """
    if abandoned.stage and not any(stage.number > abandoned.stage for stage in config.carts.stages):
        abandoned.round += 1
        abandoned.stage = 0
    abandoned.user_id = checkout.user_id
    abandoned.email = normalize_email(checkout.get_customer_email()) or abandoned.email
    abandoned.currency = checkout.currency
    abandoned.total_gross_amount = checkout.total_gross_amount
    abandoned.lines_count = checkout.lines.count()
    abandoned.last_change_seen = checkout.last_change
    abandoned.next_stage_at = next_stage_at(
        config, after_stage=abandoned.stage, last_change=checkout.last_change
    )


def _assign_variant(abandoned: AbandonedCheckout, *, config: ChannelConfig) -> None:
    if config.carts.experiment and not abandoned.variant:
        variant = experiments.variant_for(
            email=abandoned.email, channel_id=abandoned.channel_id, variants=config.carts.experiment
        )
        abandoned.variant = variant.name if variant else ""


def _offer_spec(abandoned: AbandonedCheckout, *, config: ChannelConfig) -> OfferSpec | None:
    if config.carts.experiment:
        for variant in config.carts.experiment:
            if variant.name == abandoned.variant:
                return variant.offer
        return None
    return config.carts.offer


def _close(abandoned: AbandonedCheckout, *, status: str, now) -> None:
    abandoned.status = status
    abandoned.closed_at = now
    abandoned.next_stage_at = None
    abandoned.save(update_fields=["status", "closed_at", "next_stage_at"])


def _close_gone(abandoned: AbandonedCheckout, *, now) -> None:
    """The checkout no longer exists: completed (attribute its order) or deleted."""
    order_id = checkout_order_id(token=abandoned.token)
    if order_id:
        attribution.abandoned_checkout_attribute(order_id=order_id)
        abandoned.refresh_from_db(fields=["status"])
    if abandoned.status == AbandonedStatus.OPEN:
        _close(abandoned, status=AbandonedStatus.EXPIRED, now=now)


def _send(claim: CartStageClaim, *, now, manager) -> CartReminder:
    abandoned, reminder = claim.abandoned, claim.reminder

    def send() -> None:
        offer = _issue_offer(abandoned, stage=claim.stage, config=claim.config, now=now)
        payload = cart_message_payload(
            abandoned=abandoned,
            checkout=claim.checkout,
            stage=claim.stage,
            offer=offer,
            config=claim.config,
            reminder=reminder,
        )
        manager.notify(CART_REMINDER_EVENT, lambda: payload, channel_slug=abandoned.channel.slug)

    def retry() -> None:  # nothing left: the stage is due again at the next sweep
        AbandonedCheckout.objects.filter(
            pk=abandoned.pk, round=reminder.round, stage=reminder.stage
        ).update(stage=reminder.stage - 1, next_stage_at=now)

    try:
        return message_send(reminder, send, now=now, retry=retry)
    except _CheckoutGone:
        reminder.status, reminder.skip_reason = ReminderStatus.SKIPPED, SkipReason.CHECKOUT_GONE
        reminder.save(update_fields=["status", "skip_reason"])
        return reminder


class _CheckoutGone(Exception):
    pass


def _issue_offer(abandoned, *, stage: CartStage, config, now) -> CartRecoveryOffer | None:
    if stage.kind != ReminderKind.OFFER:
        return None
    spec = _offer_spec(abandoned, config=config)
    if spec is None:
        return None
    try:
        return offers.recovery_offer_issue(abandoned=abandoned, spec=spec, now=now)
    except CartRecoveryError as error:
        if error.code == CartRecoveryErrorCode.NOT_FOUND:
            raise _CheckoutGone() from error
        raise
