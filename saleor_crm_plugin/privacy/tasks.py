"""Celery entry point of privacy: take ids, call one action, safe to run twice."""

from celery.utils.log import get_task_logger
from saleor.celeryconf import app
from saleor.core.db.connection import allow_writer

from saleor.account.models import User

from .erasure import customer_data_erase

task_logger = get_task_logger(__name__)


@app.task
@allow_writer()
def customer_data_erase_task(user_id: int, email: str):
    """Saleor deleted customer ``user_id`` (whose address was ``email``): erase their data.

    The account is gone, so its address comes with the id; the task finds the rest. An
    account that still exists (its deletion rolled back) is left alone.
    """
    if User.objects.filter(pk=user_id).exists():
        task_logger.warning("Customer %s still exists: nothing erased", user_id)
        return
    result = customer_data_erase(user_id=user_id, emails=[email], account_deleted=True)
    task_logger.info("Deleted customer %s: %s CRM row(s) erased", user_id, result.changed)
