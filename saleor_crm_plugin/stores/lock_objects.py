"""Locks of the stores domain.

``store_purchase_qs_select_for_update`` locks purchase rows (links, unlinks, points).

``store_payment_lock`` is a PostgreSQL transaction-level advisory lock on one source
payment, ``(source, external_id)``, whether or not its purchase or refund row exists
yet. A purchase and its refund can arrive at once (Stripe does not keep its events in
order): the purchase reads the refunded total when it earns, the refund reads the
purchase to take its points back, and neither sees the other's uncommitted row. Both
take this lock first, so they take turns and the second sees the first. It is released
when the caller's transaction ends, and keys on a hash (a collision only makes two
payments wait for each other).

``claimant_lock`` is the same kind of lock on one shopper's receipt claims: a claim
start counts the shopper's claims of the last day, then writes one, so two starts at
once take turns and the second counts the first (the daily limit holds under
concurrency). It keys on the user id itself.
"""

from django.db import connection

from .models import StorePurchase

# First keys of the two-key advisory locks: "CRM store payment", "CRM store claims".
PAYMENT_LOCK_NAMESPACE = 0x43525350
CLAIMANT_LOCK_NAMESPACE = 0x43524D43


def store_purchase_qs_select_for_update():
    return StorePurchase.objects.order_by("pk").select_for_update(of=("self",))


def store_payment_lock(*, source: str, external_id: str) -> None:
    """Hold the payment's lock until the current transaction ends (must be in one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
            [PAYMENT_LOCK_NAMESPACE, f"{source}:{external_id}"],
        )


def claimant_lock(*, user_id: int) -> None:
    """Hold the shopper's claim lock until the current transaction ends (must be in one)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CLAIMANT_LOCK_NAMESPACE, user_id])
