"""Replication lag: a segment read right after saving it is current; staff lists may lag.

Saleor decides per request: a mutation calls ``disallow_replica_in_context``, so
everything it reads, including its payload (the read right after the save), goes to
the writer; a query reads the replica (``get_database_connection_name``). Here the
standby stops replaying WAL (``pg_wal_replay_pause()``) before the save: the
mutation's payload shows the new segment, the staff list still shows the old one, and
nothing errors; once replay resumes the list catches up.
"""

import json

from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.segments.models import CustomerSegment

from ..graphql.segments.utils import VIP, create_segment, segment_id, tag

SEGMENT_UPDATE = """
mutation($id: ID!, $input: CustomerSegmentUpdateInput!) {
  customerSegmentUpdate(id: $id, input: $input) {
    customerSegment { name memberCount members(first: 10) { edges { node { email } } } }
    errors { field code message }
  }
}
"""

SEGMENTS = """
query($id: ID!) {
  customerSegments(first: 10) { edges { node { name memberCount } } }
  customerSegment(id: $id) { name members(first: 10) { edges { node { email } } } }
}
"""

NEWSLETTER = {"field": "tags", "op": "has", "value": "newsletter"}


def emails(segment: dict) -> list[str]:
    return [edge["node"]["email"] for edge in segment["members"]["edges"]]


def test_the_save_reads_the_writer_while_the_replica_lags(
    replica_databases, crm_staff, customer_user, customer_user2
):
    # given: a saved segment of VIPs, replayed on the standby, which then stops replaying
    tag(customer_user, "vip")
    tag(customer_user2, "newsletter")
    segment = create_segment(name="VIPs", definition={"all": [VIP]})
    replica_databases.caught_up()
    variables = {"id": segment_id(segment)}

    with replica_databases.replay_paused():
        # when: staff change the segment, then list segments
        saved = get_graphql_content(
            crm_staff.post_graphql(
                SEGMENT_UPDATE,
                {
                    "id": segment_id(segment),
                    "input": {"name": "Readers", "definition": json.dumps({"all": [NEWSLETTER]})},
                },
            )
        )["data"]["customerSegmentUpdate"]
        lagging = get_graphql_content(crm_staff.post_graphql(SEGMENTS, variables))

    # then: the save's own read is current; the lists read the replica, still old
    assert saved["errors"] == []
    assert saved["customerSegment"]["name"] == "Readers"
    assert emails(saved["customerSegment"]) == [customer_user2.email]
    assert CustomerSegment.objects.get().name == "Readers"
    assert lagging["data"]["customerSegments"]["edges"] == [
        {"node": {"name": "VIPs", "memberCount": 1}}
    ]
    assert lagging["data"]["customerSegment"]["name"] == "VIPs"
    assert emails(lagging["data"]["customerSegment"]) == [customer_user.email]

    # when: the standby replays again
    replica_databases.caught_up()
    current = get_graphql_content(crm_staff.post_graphql(SEGMENTS, variables))

    # then
    assert current["data"]["customerSegments"]["edges"] == [
        {"node": {"name": "Readers", "memberCount": 1}}
    ]
    assert emails(current["data"]["customerSegment"]) == [customer_user2.email]
