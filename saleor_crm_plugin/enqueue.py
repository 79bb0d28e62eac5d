"""The one way the plugin, the API and the domains schedule Celery work.

A task reads rows by id, so it must not start before the transaction that wrote them
commits, and a transaction that rolls back must schedule nothing (Saleor schedules its
own work the same way). Outside a transaction the task is sent at once.

The same task with the same arguments (or the same ``key``) is sent once per
transaction and once per request. Saleor fires several hooks for one change (a paid
checkout: ``order_created``, ``order_paid``, ``order_fully_paid``), each asking for the
same idempotent sync; one run reads the same committed state as three would. Inside a
transaction a repeat is found among the callbacks waiting for its commit (a savepoint
rolled back takes its callbacks with it). Saleor runs those hooks after its commit,
outside any transaction: there, during a request (or a Celery task), what is due is
collected and sent once the request (task) ends, each key once. Sent last, a task reads
everything the request committed, whatever it wrote between two hooks.

Nothing here raises into Saleor's request: the commit callback is ``robust`` and the
sends at a request's end are logged when they fail. A broker that cannot be reached
loses the event; the periodic reconciliations catch up with it.
"""

import dataclasses
import logging
import threading

from celery import signals as celery_signals
from django.core import signals as django_signals
from django.db import transaction

logger = logging.getLogger(__name__)


@dataclasses.dataclass(eq=False)
class _Send:
    """``task.delay(*args)``, known by ``key``: what it sends unless the caller names it."""

    task: object
    args: tuple
    key: object
    committed: bool = False  # its transaction committed (Django's test harness can run
    # commit callbacks inside a test's transaction and leave them in its list)

    def __post_init__(self):
        # Django names a failed robust commit callback by its ``__qualname__``.
        self.__qualname__ = f"{self.key!r}.delay"

    def __call__(self) -> None:
        self.committed = True
        _due.add(self)


def _task_key(task) -> object:
    """A Celery task by name; a signature or chain by its tasks and arguments."""
    if hasattr(task, "tasks"):  # a chain
        return tuple(_task_key(each) for each in task.tasks)
    if hasattr(task, "args") and hasattr(task, "task"):  # a signature
        return (task.task, tuple(task.args), tuple(sorted(task.kwargs.items())))
    return task.name


class _Due(threading.local):
    """What a request (or task) has committed to send, each key once, sent at its end."""

    def __init__(self):
        self.depth = 0  # 0: no request or task here, send at once
        self.sends: dict = {}

    def add(self, send: _Send) -> None:
        if self.depth == 0:
            send.task.delay(*send.args)
        else:
            self.sends.setdefault(send.key, send)

    def open(self, *, reset: bool) -> None:
        if reset:  # requests do not nest: anything left from an earlier one goes now
            self.depth = 0
            self.flush()
        self.depth += 1

    def close(self) -> None:
        self.depth = max(self.depth - 1, 0)
        if self.depth == 0:
            self.flush()

    def flush(self) -> None:
        while self.sends:
            sends, self.sends = list(self.sends.values()), {}
            for send in sends:
                try:
                    send.task.delay(*send.args)
                except Exception:  # the response is out; one lost send must not stop the rest
                    logger.exception("saleor-crm: could not send %r%r", send.key, send.args)


_due = _Due()


def enqueue_after_commit(task, *args, key=None) -> None:
    """``task.delay(*args)`` once the current transaction commits, once per transaction
    and request.

    ``task`` is a Celery task or signature (a ``chain`` of them runs in order). Two sends
    with the same ``key`` (by default the task and its arguments) are one: the first.
    """
    send = _Send(task, args, (_task_key(task), args) if key is None else key)
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        waiting = (
            func.key
            for _ids, func, _robust in connection.run_on_commit
            if isinstance(func, _Send) and not func.committed
        )
        if send.key in waiting:
            return
    transaction.on_commit(send, robust=True)


def _request_started(**_kwargs):
    _due.open(reset=True)


def _scope_ended(**_kwargs):
    _due.close()


def _task_started(**_kwargs):
    _due.open(reset=False)


django_signals.request_started.connect(_request_started, dispatch_uid="saleor-crm-enqueue")
django_signals.request_finished.connect(_scope_ended, dispatch_uid="saleor-crm-enqueue")
celery_signals.task_prerun.connect(_task_started, dispatch_uid="saleor-crm-enqueue")
celery_signals.task_postrun.connect(_scope_ended, dispatch_uid="saleor-crm-enqueue")
