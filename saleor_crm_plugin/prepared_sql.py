"""Hot statements as prepared statements of each database connection.

``execute_prepared`` runs a statement written with ``$1``, ``$2``, … placeholders:
the first time on a connection it sends ``PREPARE name AS …`` and ``EXECUTE name(…)``
in one round trip (a call is always one query), later only ``EXECUTE name(…)`` with the
values. PostgreSQL then neither parses nor plans the statement again, and the driver
sends a few values instead of the whole text. Used by the kept statements
(``kept_sql``: a checkout's ``loyalty`` and ``crmOffers``, each sweep's channels) and
the ledger's writer (``loyalty.ledger_sql``).

It pays on a connection Django keeps (``CONN_MAX_AGE``; Saleor's ``DB_CONN_MAX_AGE``);
with a connection per request the statement is prepared once per request, which costs
what sending it whole does. A pooler in *transaction* mode (PgBouncer's
``pool_mode = transaction``) does not keep a session's prepared statements: set
``CRM_PREPARED_STATEMENTS = False`` there, and callers send their statements whole.
"""

import itertools
import weakref

from django.conf import settings
from django.db import DatabaseError

# What each open database connection has prepared: statement text -> prepared name.
_PREPARED: "weakref.WeakKeyDictionary[object, dict[str, str]]" = weakref.WeakKeyDictionary()
# Numbers the names this process prepares, so that no name is ever prepared twice on one
# connection (a first ``PREPARE`` may outlive a failed ``EXECUTE`` sent with it).
_NAMES = itertools.count(1)
# SQLSTATE of ``EXECUTE`` of a name the connection has not prepared.
_MISSING = "26000"


def prepared_statements_enabled(connection) -> bool:
    return connection.vendor == "postgresql" and bool(
        getattr(settings, "CRM_PREPARED_STATEMENTS", True)
    )


def execute_prepared(connection, cursor, text: str, arguments: list) -> None:
    """``EXECUTE`` ``text`` (SQL with ``$n`` placeholders and no ``%``-placeholders) with
    ``arguments`` on ``cursor`` of ``connection``, preparing it first if this connection
    has not.

    A prepared statement can vanish only if something outside Django drops it
    (``DEALLOCATE``, a pooler in transaction mode): it is then prepared again at once
    outside a transaction, and at the next call inside one (that transaction is lost).
    """
    placeholders = f"({', '.join(['%s'] * len(arguments))})" if arguments else ""
    prepared = _PREPARED.setdefault(connection.connection, {})
    name = prepared.get(text)
    if name is not None:
        try:
            cursor.execute(f"EXECUTE {name}{placeholders}", arguments)
            return
        except DatabaseError as error:
            if getattr(error.__cause__, "sqlstate", None) != _MISSING:
                raise
            del prepared[text]
            if connection.in_atomic_block:
                raise
    name = f"crm_prepared_{next(_NAMES)}"
    escaped = text.replace("%", "%%")
    cursor.execute(f"PREPARE {name} AS {escaped}; EXECUTE {name}{placeholders}", arguments)
    cursor.nextset()
    prepared[text] = name
