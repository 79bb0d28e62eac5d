"""Locks of cart recovery.

``shopper_lock`` is a PostgreSQL transaction-level advisory lock on one shopper's
normalised e-mail. Decisions that read what was done for the shopper's *other* carts
and then write (the frequency cap before a stage is claimed, the one live offer before
one is issued) take it first, so that two sweeps working on two carts of one shopper
take turns: the second sees the first's claim or offer. It is released at the end of
the caller's transaction, and keys on a hash (a collision only makes two shoppers wait
for each other).
"""

from django.db import connection

# First key of the two-key advisory lock: "CRM cart shopper".
SHOPPER_LOCK_NAMESPACE = 0x43524D53


def shopper_lock(*, email: str) -> None:
    """Hold the shopper's lock until the current transaction ends (must be in one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [SHOPPER_LOCK_NAMESPACE, email]
        )
