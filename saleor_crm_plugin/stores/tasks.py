"""Celery entry points of the stores domain: take ids, reload, call one action.

Each is safe to run twice and concurrently.
"""

from saleor.celeryconf import app
from saleor.core.db.connection import allow_writer
from saleor.plugins.manager import get_plugins_manager

from .claim_email import store_purchase_claim_code_send


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
