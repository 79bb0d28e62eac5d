"""The one way the plugin, the API and the domains schedule Celery work.

A task reads rows by id, so it must not start before the transaction that wrote them
commits, and a transaction that rolls back must schedule nothing (Saleor schedules its
own work the same way). Outside a transaction the task is sent at once.
"""

import functools

from django.db import transaction


def enqueue_after_commit(task, *args) -> None:
    """``task.delay(*args)`` once the current transaction commits.

    ``task`` is a Celery task or signature (a ``chain`` of them runs in order).
    """
    transaction.on_commit(functools.partial(task.delay, *args))
