"""Celery discovers tasks in ``<app>.tasks``; each domain keeps its own module."""

from .carts.tasks import (  # noqa: F401
    abandoned_checkouts_sweep_task,
    cart_order_created_task,
    expire_recovery_offers_task,
)
from .loyalty.tasks import (  # noqa: F401
    award_signup_bonus_task,
    daily_loyalty_task,
    expire_points_task,
    mature_pending_points_task,
    release_abandoned_redemptions_task,
    settle_order_redemptions_task,
    sync_order_points_task,
)
from .segments.tasks import (  # noqa: F401
    customer_segments_refresh_task,
    rfm_daily_task,
    segment_members_export_task,
    segment_recompute_task,
    segments_time_refresh_task,
)
