"""The guards every journey's message passes, cart recovery's included: written once.

In the order they are checked, right before a stage is claimed:

1. **consent** (``consent_skip_reason``): the shopper's e-mail-marketing consent, by
   account then e-mail. An unsubscribe wins over everything (``unsubscribed``) until the
   shopper grants consent again; a shopper who never answered gets the channel's
   ``marketing_consent_default`` (``no_consent`` otherwise). Both close the enrollment.
2. **frequency cap** (``frequency_capped``): a marketing message of *any* journey —
   cart reminders included — claimed for the same e-mail within the channel's
   ``message_frequency_cap``. Claimed counts, not only sent (a message claimed by a
   concurrent sweep is one the shopper gets); messages of the same enrollment (the same
   cart, the same journey run) do not cap each other, their delays space them. The
   caller holds the shopper's lock (``lock_objects.shopper_lock``) from the check to its
   claim, so two sweeps take turns and the second sees the first's claim. A capped
   stage is skipped and the next one stays scheduled.
3. **quiet hours** (``config.journeys.quiet_until``): not a skip — the stage waits for
   the end of the shop's quiet window and is claimed then.

The goal ("never after the goal is met") and the holdout are the journey's own
(``step``); idempotence is the claim (a unique row per stage, inserted before sending).
"""

import datetime

from ..carts.models import CartReminder
from ..config import ChannelConfig
from ..consent.actions import marketing_consent_for
from .models import JourneyMessage, MessageStatus


class SkipReason:
    NO_CONSENT = "no_consent"
    UNSUBSCRIBED = "unsubscribed"
    FREQUENCY_CAP = "frequency_cap"
    HOLDOUT = "holdout"
    NO_RECIPIENT = "no_recipient"
    CAUSE_GONE = "cause_gone"


# Messages the shopper gets (or may have got): all but the skipped ones. Cart
# reminders' statuses have the same values (a test says so).
COUNTED_BY_CAP = (MessageStatus.CLAIMED, MessageStatus.SENT, MessageStatus.FAILED)


def consent_skip_reason(*, email: str, user_id: int | None, config: ChannelConfig) -> str | None:
    consent = marketing_consent_for(email=email, user_id=user_id)
    if consent is None:
        return None if config.carts.marketing_consent_default else SkipReason.NO_CONSENT
    if consent.granted:
        return None
    return SkipReason.UNSUBSCRIBED if consent.unsubscribed_at else SkipReason.NO_CONSENT


def frequency_capped(
    *,
    email: str,
    config: ChannelConfig,
    now: datetime.datetime,
    cart_id: int | None = None,
    enrollment_id: int | None = None,
) -> bool:
    """Whether another marketing message was claimed for ``email`` within the cap.

    ``cart_id`` / ``enrollment_id``: the abandoned checkout or enrollment the new
    message belongs to, whose own messages do not count.
    """
    if not config.carts.message_frequency_cap_seconds:
        return False
    since = now - datetime.timedelta(seconds=config.carts.message_frequency_cap_seconds)
    reminders = CartReminder.objects.filter(
        email=email, status__in=COUNTED_BY_CAP, claimed_at__gt=since
    )
    messages = JourneyMessage.objects.filter(
        email=email, status__in=COUNTED_BY_CAP, claimed_at__gt=since
    )
    if cart_id is not None:
        reminders = reminders.exclude(abandoned_id=cart_id)
    if enrollment_id is not None:
        messages = messages.exclude(enrollment_id=enrollment_id)
    return reminders.exists() or messages.exists()


def message_skip_reason(
    *,
    email: str,
    user_id: int | None,
    config: ChannelConfig,
    now: datetime.datetime,
    cart_id: int | None = None,
    enrollment_id: int | None = None,
) -> str | None:
    """Consent, then the cap: why this marketing message must not go out, or None."""
    if not email:
        return SkipReason.NO_RECIPIENT
    reason = consent_skip_reason(email=email, user_id=user_id, config=config)
    if reason:
        return reason
    if frequency_capped(
        email=email, config=config, now=now, cart_id=cart_id, enrollment_id=enrollment_id
    ):
        return SkipReason.FREQUENCY_CAP
    return None
