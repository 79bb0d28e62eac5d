"""Celery entry points of the loyalty domain: take ids, reload, call one action.

Each is safe to run twice (the actions are idempotent) and to run concurrently.
"""

from celery.utils.log import get_task_logger
from django.utils import timezone
from saleor.celeryconf import app
from saleor.core.db.connection import allow_writer

from ..retries import EVENT_TASK_RETRIES

from . import bonuses, notifications, points_lifecycle, redemption
from .reconcile import (
    active_program_orders_reconcile,
    inactive_program_orders_reconcile,
    order_loyalty_reconcile,
)

task_logger = get_task_logger(__name__)


def _reconcile_order(order_id: str) -> None:
    result = order_loyalty_reconcile(order_id=order_id)
    task_logger.debug(
        "Order %s: settled %s redemptions, earned %s, reversed %s, returned %s",
        order_id,
        result.settled,
        result.earned,
        result.reversed,
        result.returned,
    )


@app.task(**EVENT_TASK_RETRIES)
@allow_writer()
def sync_order_points_task(order_id: str):
    """An order was created, paid, refunded, cancelled or edited: reconcile its points.

    Every order event runs this one task (settle what it spent, earn/reverse, return),
    so tasks of one order running in any order, or some of them not at all, end in
    the same ledger.
    """
    _reconcile_order(order_id)


@app.task
@allow_writer()
def reconcile_inactive_programme_orders_task():
    """Refunds and cancellations in channels whose programme is off (no hook hears)."""
    reconciled = inactive_program_orders_reconcile(now=timezone.now())
    task_logger.debug("Reconciled %s orders of inactive programmes", reconciled)


@app.task
@allow_writer()
def reconcile_changed_orders_task():
    """Orders of active programmes whose event never reached a worker (the broker was
    down when Saleor committed, a task ran out of retries): their points catch up."""
    reconciled = active_program_orders_reconcile(now=timezone.now())
    task_logger.debug("Reconciled %s changed orders of active programmes", reconciled)


@app.task
@allow_writer()
def release_abandoned_redemptions_task():
    settled = redemption.redemptions_release_abandoned(now=timezone.now())
    task_logger.debug("Released %s abandoned redemptions", settled)


@app.task(**EVENT_TASK_RETRIES)
@allow_writer()
def award_signup_bonus_task(user_id: int, channel_id: int):
    bonuses.signup_bonus_award(user_id=user_id, channel_id=channel_id)


@app.task
@allow_writer()
def mature_pending_points_task():
    matured = points_lifecycle.due_points_mature(now=timezone.now())
    task_logger.debug("Matured %s pending batches", matured)


@app.task
@allow_writer()
def expire_points_task():
    now = timezone.now()
    expired = points_lifecycle.due_points_expire(now=now)
    warned = notifications.expiry_warnings_send(now=now)
    task_logger.debug("Expired %s batches, sent %s warnings", expired, warned)
