"""Every periodic task the CRM adds to Celery beat is registered with Saleor's app (a
worker would otherwise refuse it as unregistered)."""

from saleor.celeryconf import app

from saleor_crm_plugin.schedule import PERIODIC_TASKS


def test_every_periodic_task_is_registered():
    names = {entry["task"] for entry in PERIODIC_TASKS.values()}
    assert names - set(app.tasks) == set()
    assert "saleor_crm_plugin.journeys.tasks.journeys_sweep_task" in names
