"""Celery entry points of the segments domain: take ids, reload, call one action.

Each is safe to run twice: membership moves by diff, so a repeated refresh finds
nothing left to change.
"""

from celery.utils.log import get_task_logger
from django.utils import timezone
from saleor.celeryconf import app
from saleor.core.db.connection import allow_writer

from ..retries import EVENT_TASK_RETRIES

from . import actions, export, refresh, rfm
from .models import SegmentMembersExport

task_logger = get_task_logger(__name__)


@app.task(**EVENT_TASK_RETRIES)
@allow_writer()
def customer_segments_refresh_task(user_id: int, reason: str):
    """An event concerning one customer: re-evaluate them against every segment."""
    changes = actions.customer_segments_refresh(user_id=user_id, reason=reason)
    task_logger.debug("Customer %s: %s segment(s) changed (%s)", user_id, len(changes), reason)


@app.task
@allow_writer()
def segments_time_refresh_task():
    """Customers whose orders or join date crossed a segment's time boundary."""
    results = refresh.segments_time_refresh(now=timezone.now())
    task_logger.debug("Time refresh: %s segment(s) checked", len(results))


@app.task
@allow_writer()
def rfm_daily_task():
    """Recompute RFM scores of every channel, then the segments that read them."""
    for channel_id in rfm.rfm_channel_ids():
        rfm.rfm_compute(channel_id=channel_id)
        actions.rfm_segments_recompute(channel_id=channel_id)


@app.task(name="export-customer-segment-members")
@allow_writer()
def segment_members_export_task(members_export_id: int):
    """Write a members CSV; a failure marks the job failed and notifies the requester."""
    members_export = (
        SegmentMembersExport.objects.select_related("app", "user")
        .filter(pk=members_export_id)
        .first()
    )
    if members_export is None:
        return
    try:
        export.segment_members_export(members_export=members_export)
    except Exception as error:
        export.segment_members_export_failed(members_export=members_export, message=str(error))
        raise
