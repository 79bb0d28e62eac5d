"""Celery entry point of journeys: one sweep, safe to run twice and concurrently
(enrollments are unique per cause, stages are claimed before they are sent)."""

from celery.utils.log import get_task_logger
from django.utils import timezone
from saleor.celeryconf import app
from saleor.core.db.connection import allow_writer

from . import sweep

task_logger = get_task_logger(__name__)


@app.task
@allow_writer()
def journeys_sweep_task():
    result = sweep.journeys_sweep(now=timezone.now())
    task_logger.debug("Journeys sweep: %s", result)
