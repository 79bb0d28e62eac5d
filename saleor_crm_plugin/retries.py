"""How the CRM's idempotent event tasks retry: transient errors, backoff and jitter.

The tasks that react to one Saleor event (an order's points sync with its redemption
settlement, an order's cart attribution, a customer's segment refresh, a sign-up bonus)
are safe to run twice, so a failure that the next attempt may not meet is retried the
way Saleor's own tasks retry (``autoretry_for`` with ``retry_backoff``): a dropped or
restarted database connection, a lock or statement timeout, a serialization failure or
deadlock (all PostgreSQL ``OperationalError``), and a broker that could not be reached
when the task scheduled its follow-up. Waits grow exponentially (1 s, 2 s, 4 s, …, at
most ``RETRY_BACKOFF_MAX``) with full jitter, so workers retrying together spread out.
Any other error (a bug, a row broken outside the API) fails the task at once: another
attempt would fail the same way. An event still lost after the last attempt is found by
the periodic reconciliation (``loyalty.reconcile.active_program_orders_reconcile``).
"""

from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    BrokerOperationalError,
)
MAX_RETRIES = 5
RETRY_BACKOFF_MAX = 600  # seconds

# ``@app.task(**EVENT_TASK_RETRIES)``
EVENT_TASK_RETRIES = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "retry_kwargs": {"max_retries": MAX_RETRIES},
}
