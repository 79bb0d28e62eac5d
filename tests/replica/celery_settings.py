"""Settings of the Celery workers of the replica tests: the test's settings with a real
broker, the test's site, ``default`` on the dedicated primary and ``replica`` on its standby (the ports
come from the test), and one queue of the test's own on Redis."""

import os

from tests.carts.celery_settings import *  # noqa: F403

CELERY_BEAT_SCHEDULE = {}
CELERY_TASK_DEFAULT_QUEUE = os.environ["CRM_REPLICA_QUEUE"]
SITE_ID = int(os.environ["CRM_REPLICA_SITE_ID"])  # the test's site (Saleor's site_settings)

for _alias, _port in [
    (DATABASE_CONNECTION_DEFAULT_NAME, os.environ["CRM_REPLICA_PRIMARY_PORT"]),  # noqa: F405
    (DATABASE_CONNECTION_REPLICA_NAME, os.environ["CRM_REPLICA_STANDBY_PORT"]),  # noqa: F405
]:
    DATABASES[_alias].update(  # noqa: F405
        HOST="127.0.0.1", PORT=_port, USER="postgres", PASSWORD="", TEST={"MIRROR": None}
    )
