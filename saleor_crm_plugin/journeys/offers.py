"""A stage's offer: bonus points through the loyalty ledger, granted when it is sent.

The ledger's idempotency key names the message (``journey:<message id>``): a stage is
claimed once, and a replayed send posts nothing more. The points are a bonus with the
programme's expiry; the offer's cost is their value at the channel's ``point_value``.
A shopper without an account (a guest) gets no points: the message goes without the
offer.
"""

import datetime

from ..config import load_channel_program
from ..loyalty.accounts import account_get_or_create, expires_after
from ..loyalty.ledger import EntrySource, post_entry
from ..loyalty.models import EntryType
from .definition import JourneyStage
from .models import JourneyEnrollment, JourneyMessage


def stage_offer_grant(
    *,
    enrollment: JourneyEnrollment,
    stage: JourneyStage,
    message: JourneyMessage,
    now: datetime.datetime,
) -> dict | None:
    """Post the stage's bonus points (once) and describe them, or None: no offer."""
    if stage.offer_points <= 0 or enrollment.user_id is None:
        return None
    channel_id = enrollment.journey.channel_id
    config = load_channel_program(channel_id).config
    account = account_get_or_create(user_id=enrollment.user_id, channel_id=channel_id, now=now)
    post_entry(
        account=account,
        points=stage.offer_points,
        entry_type=EntryType.BONUS,
        idempotency_key=f"journey:{message.pk}",
        source=EntrySource(reason=f"journey {enrollment.journey.name}, stage {stage.number}"),
        expires_at=expires_after(config.loyalty.expire_seconds, now),
        occurred_at=now,
    )
    message.offer_points = stage.offer_points
    message.offer_value = stage.offer_points * config.loyalty.point_value
    message.save(update_fields=["offer_points", "offer_value"])
    return {
        "points": stage.offer_points,
        "code": "",
        "description": f"{stage.offer_points} bonus points",
    }
