"""Periodic CRM work, added to the Celery beat schedule that Saleor's beat reads."""

import datetime

from celery.schedules import crontab
from django.conf import settings

# Seconds between two cart-recovery sweeps (a setting so that deployments and the
# end-to-end test can change it).
CART_SWEEP_INTERVAL = getattr(settings, "CRM_CART_SWEEP_INTERVAL", 300)

PERIODIC_TASKS = {
    "crm-abandoned-checkouts": {
        "task": "saleor_crm_plugin.carts.tasks.abandoned_checkouts_sweep_task",
        "schedule": datetime.timedelta(seconds=CART_SWEEP_INTERVAL),
    },
    # Every journey but cart recovery: detect, record conversions, send due stages.
    "crm-journeys": {
        "task": "saleor_crm_plugin.journeys.tasks.journeys_sweep_task",
        "schedule": datetime.timedelta(seconds=CART_SWEEP_INTERVAL),
    },
    "crm-expire-recovery-offers": {
        "task": "saleor_crm_plugin.carts.tasks.expire_recovery_offers_task",
        "schedule": datetime.timedelta(minutes=15),
    },
    "crm-mature-pending-points": {
        "task": "saleor_crm_plugin.loyalty.tasks.mature_pending_points_task",
        "schedule": datetime.timedelta(minutes=15),
    },
    "crm-expire-points": {
        "task": "saleor_crm_plugin.loyalty.tasks.expire_points_task",
        "schedule": datetime.timedelta(hours=1),
    },
    "crm-release-abandoned-redemptions": {
        "task": "saleor_crm_plugin.loyalty.tasks.release_abandoned_redemptions_task",
        "schedule": datetime.timedelta(minutes=15),
    },
    # Saleor calls no hook of a deactivated plugin: refunds there are found by a scan.
    "crm-reconcile-inactive-programme-orders": {
        "task": ("saleor_crm_plugin.loyalty.tasks.reconcile_inactive_programme_orders_task"),
        "schedule": datetime.timedelta(hours=1),
    },
    # Order events lost with the broker (or out of retries): the changed orders of
    # active programmes are reconciled; an order whose sync ran finds nothing to do.
    "crm-reconcile-changed-orders": {
        "task": "saleor_crm_plugin.loyalty.tasks.reconcile_changed_orders_task",
        "schedule": datetime.timedelta(minutes=15),
    },
    # Pickups of click & collect orders no event told of (orderBulkCreate's imports).
    "crm-store-pickups": {
        "task": "saleor_crm_plugin.stores.tasks.order_pickups_sweep_task",
        "schedule": datetime.timedelta(hours=1),
    },
    "crm-daily-loyalty": {
        "task": "saleor_crm_plugin.tasks.daily_loyalty_task",
        "schedule": crontab(hour=3, minute=0),
    },
    # Only customers whose orders or join date crossed a segment's time boundary.
    "crm-segments-time-refresh": {
        "task": "saleor_crm_plugin.segments.tasks.segments_time_refresh_task",
        "schedule": datetime.timedelta(hours=1),
    },
    # RFM scores per channel, then the segments that read them.
    "crm-rfm-daily": {
        "task": "saleor_crm_plugin.segments.tasks.rfm_daily_task",
        "schedule": crontab(hour=4, minute=0),
    },
}


def register_periodic_tasks() -> None:
    for name, entry in PERIODIC_TASKS.items():
        settings.CELERY_BEAT_SCHEDULE.setdefault(name, entry)
