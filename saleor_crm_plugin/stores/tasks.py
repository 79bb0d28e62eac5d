"""Celery entry points of the stores domain: take ids, reload, call one action.

Each is safe to run twice and concurrently.
"""

from celery.utils.log import get_task_logger
from django.utils import timezone
from saleor.celeryconf import app
from saleor.core.db.connection import allow_writer
from saleor.plugins.manager import get_plugins_manager

from ..config import active_channel_programs
from .claim_email import store_purchase_claim_code_send
from .pickup import order_pickups_record, order_pickups_sweep

task_logger = get_task_logger(__name__)


@app.task
@allow_writer()
def store_purchase_claim_code_send_task(claim_id: int):
    """E-mail a receipt claim its one-time code (drawn here: never in the broker).

    A claim with a code already, confirmed or closed sends nothing, so a run twice
    sends one code. A sending error fails the task with the code forgotten.
    """
    store_purchase_claim_code_send(
        claim_id=claim_id, manager=get_plugins_manager(allow_replica=False)
    )


@app.task
@allow_writer()
def order_pickups_record_task(order_ids: list[str]):
    """Fulfilments were approved or an order fulfilled: record the pickups of those
    orders that are click & collect orders handed over (a pickup is recorded once)."""
    recorded = order_pickups_record(order_ids=order_ids)
    task_logger.debug("Pickups: %s of %s order(s) recorded", len(recorded), len(order_ids))


@app.task
@allow_writer()
def order_pickups_sweep_task():
    """Pickups no event told of (orders imported with orderBulkCreate, failed tasks)."""
    recorded = order_pickups_sweep(channel_ids=list(active_channel_programs()), now=timezone.now())
    task_logger.debug("Pickup sweep: %s order(s) recorded", len(recorded))
