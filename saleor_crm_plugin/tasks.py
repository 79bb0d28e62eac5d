"""Celery discovers tasks in ``<app>.tasks``; each domain keeps its own module.

Tasks whose work spans domains live here, above them: a domain reports what it changed
(a loyalty action returns the tier changes it recorded) and this layer tells the other
domain (segments re-evaluate those customers). Domains never import each other for that.
"""

from celery.utils.log import get_task_logger
from django.utils import timezone
from saleor.celeryconf import app
from saleor.core.db.connection import allow_writer

from .carts.tasks import (  # noqa: F401
    abandoned_checkouts_sweep_task,
    cart_order_created_task,
    expire_recovery_offers_task,
)
from .config import active_channel_programs
from .enqueue import enqueue_after_commit
from .journeys.tasks import journeys_sweep_task  # noqa: F401
from .loyalty import bonuses, tiers
from .loyalty.models import LoyaltyTierChange
from .loyalty.tasks import (  # noqa: F401
    award_signup_bonus_task,
    expire_points_task,
    mature_pending_points_task,
    release_abandoned_redemptions_task,
    sync_order_points_task,
)
from .privacy.tasks import customer_data_erase_task  # noqa: F401
from .segments.tasks import (  # noqa: F401
    customer_segments_refresh_task,
    rfm_daily_task,
    segment_members_export_task,
    segments_time_refresh_task,
)
from .stores.tasks import (  # noqa: F401
    order_pickups_record_task,
    order_pickups_sweep_task,
    store_purchase_claim_code_send_task,
)

task_logger = get_task_logger(__name__)


def tier_changes_announce(changes: list[LoyaltyTierChange]) -> None:
    """Segments reading the tier re-evaluate each customer whose tier changed."""
    for change in changes:
        if change.account.user_id is not None:
            reason = f"loyalty tier {change.to_tier or 'none'} ({change.reason})"
            enqueue_after_commit(
                customer_segments_refresh_task, change.account.user_id, reason[:255]
            )


@app.task
@allow_writer()
def daily_loyalty_task():
    """Birthdays and tier review (spend leaving the rolling window), then segments."""
    now = timezone.now()
    for channel_id in active_channel_programs():
        bonuses.birthday_bonuses_award(channel_id=channel_id, today=now.date())
    changes = tiers.tiers_review(now=now)
    tier_changes_announce(changes)
    task_logger.debug("Daily loyalty: %s tier change(s)", len(changes))
