"""Settings of the real Celery worker and beat started by the end-to-end test.

The test's settings, with a real broker (a dedicated Redis database) instead of eager
tasks, both database aliases on the test database the test process committed its data
to, and a beat schedule holding only the cart-recovery and journeys sweeps, every second.
"""

import datetime
import os

from tests.settings import *  # noqa: F403

CELERY_BROKER_URL = os.environ["CRM_E2E_BROKER_URL"]
CELERY_TASK_ALWAYS_EAGER = False
CELERY_RESULT_BACKEND = None

for _alias in DATABASES:  # noqa: F405
    DATABASES[_alias]["NAME"] = os.environ["CRM_E2E_DATABASE_NAME"]  # noqa: F405

CRM_CART_SWEEP_INTERVAL = 1
CELERY_BEAT_SCHEDULE = {
    "crm-abandoned-checkouts": {
        "task": "saleor_crm_plugin.carts.tasks.abandoned_checkouts_sweep_task",
        "schedule": datetime.timedelta(seconds=CRM_CART_SWEEP_INTERVAL),
    },
    "crm-journeys": {
        "task": "saleor_crm_plugin.journeys.tasks.journeys_sweep_task",
        "schedule": datetime.timedelta(seconds=CRM_CART_SWEEP_INTERVAL),
    },
}
