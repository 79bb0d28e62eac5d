"""PostgreSQL's ``statement_timeout`` cuts a heavy segment preview served by /graphql/.

The preview's statement runs under ``CRM_SEGMENTS_STATEMENT_TIMEOUT_MS``. To make it
outlast the timeout on every run (never a race on the machine's speed), another session
holds Saleor's order table, which the definition reads, until PostgreSQL cancels the
statement: the API answers with the ``TIMEOUT`` code (no 500, no uncoded error) and
nothing is written. Once the table is free, the same preview answers.
"""

import json

from django.conf import settings as django_settings
from django.db import connection, connections
from saleor.core.db.connection import allow_writer
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order.models import Order

from tests.graphql.segments.utils import written_rows

from .conftest import other_session

PREVIEW = """
query($definition: JSONString!) {
  customerSegmentPreview(definition: $definition) {
    count
    errors { field code message }
  }
}
"""
HEAVY = {"field": "order_count", "op": "gte", "value": 0}


def _state_to_writer() -> None:
    """Drop the transaction state earlier tests left on the fake replica's own name, so
    that it reads the writer's again."""
    fake = connections[django_settings.DATABASE_CONNECTION_REPLICA_NAME]
    for name in list(vars(fake)):
        if name not in ("replica_conn", "writer_conn"):
            del vars(fake)[name]


def _preview(client):
    """Run the preview through /graphql/.

    Saleor's tests make "replica" a second name of the writer's connection
    (``FakeDbReplicaConnection``): the preview's savepoint on "replica" meets the
    writer's guard (a real replica never does; ``written_rows`` checks that nothing is
    written), and a statement the replica cut leaves ``needs_rollback`` set on both
    names although the savepoint was rolled back (the atomic block's state is split
    between them), which is put back here.
    """
    writer = connections[django_settings.DATABASE_CONNECTION_DEFAULT_NAME]
    _state_to_writer()
    with allow_writer():
        response = client.post_graphql(PREVIEW, {"definition": json.dumps(HEAVY)})
    writer.needs_rollback = False
    _state_to_writer()
    assert response.status_code == 200
    return get_graphql_content(response)["data"]["customerSegmentPreview"]


def test_a_preview_cut_by_the_statement_timeout_is_a_coded_error_and_writes_nothing(
    settings, staff_api_client, permission_manage_users, customer_users
):
    # given: the orders table held by another session (taken before this test's
    # transaction reads it), a 200 ms statement timeout
    settings.CRM_SEGMENTS_STATEMENT_TIMEOUT_MS = 200
    staff_api_client.user.user_permissions.add(permission_manage_users)
    rows = written_rows()
    holder = other_session()
    holder.execute("SET lock_timeout = '10s'")
    holder.execute("BEGIN")
    holder.execute(f"LOCK TABLE {Order._meta.db_table} IN ACCESS EXCLUSIVE MODE")

    # when
    try:
        data = _preview(staff_api_client)
    finally:
        holder.close()

    # then: Saleor's error format, the TIMEOUT code; the connection still works
    assert data["count"] is None
    assert data["errors"] == [
        {
            "field": "definition",
            "code": "TIMEOUT",
            "message": "The definition took too long to compute; make it narrower.",
        }
    ]
    assert written_rows() == rows
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("0",)

    # when / then: the same preview, the table free again
    assert _preview(staff_api_client) == {"count": len(customer_users), "errors": []}
