"""Celery entry points of cart recovery: take ids, reload, call one action.

Each is safe to run twice and concurrently: detection inserts by unique token, a stage
is claimed by a unique insert before it is sent, settling and attribution are
idempotent.
"""

from celery.utils.log import get_task_logger
from django.utils import timezone
from saleor.celeryconf import app
from saleor.core.db.connection import allow_writer

from ..retries import EVENT_TASK_RETRIES

from . import attribution, detection, offers

task_logger = get_task_logger(__name__)


@app.task
@allow_writer()
def abandoned_checkouts_sweep_task():
    result = detection.abandoned_checkouts_sweep(now=timezone.now())
    task_logger.debug("Cart recovery sweep: %s", result)


@app.task(**EVENT_TASK_RETRIES)
@allow_writer()
def cart_order_created_task(order_id: str):
    """An order exists: settle the shopper's offers, then attribute it to their carts."""
    offers.recovery_offers_settle(order_id=order_id)
    attribution.abandoned_checkout_attribute(order_id=order_id)


@app.task
@allow_writer()
def expire_recovery_offers_task():
    offers.recovery_offers_expire(now=timezone.now())
