"""Staff lists, reports, previews and exports read the replica and never write there.

Each query goes through Saleor's real ``/graphql/`` view (with Saleor's
``restrict_writer_middleware``: touching the writer outside ``allow_writer`` fails) to
a real hot standby, which refuses any write. Points are adjusted on the writer while
the standby is paused, so a read that answered from the writer would show them: every
answer shows the replica's state, no statement of the request reaches the writer, and
none on the replica writes.
"""

import contextlib
import json
import re

import graphene
from django.conf import settings
from django.db import connections
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.journeys.models import JourneyKind
from saleor_crm_plugin.segments.actions import customer_tags_add

from ..graphql.segments.utils import VIP, create_segment

WRITER = settings.DATABASE_CONNECTION_DEFAULT_NAME
REPLICA = settings.DATABASE_CONNECTION_REPLICA_NAME
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|CREATE|ALTER|DROP)\b", re.I)

POINTS_ADJUST = """
mutation($customerId: ID!, $points: Int!, $key: String!) {
  loyaltyPointsAdjust(
    customerId: $customerId, channel: "main", points: $points, reason: "Goodwill",
    idempotencyKey: $key
  ) {
    account { balance }
    errors { field code message }
  }
}
"""

# Every staff list, report, preview and export of the CRM, in one request each.
STAFF_READS = {
    "loyaltyAccounts": """{ loyaltyAccounts(channel: "main", first: 10) {
        edges { node { balance user { email } entries(first: 5) { edges { node { points } } } } }
    } }""",
    "loyaltyReport": """{ loyaltyReport(channel: "main", unit: DAY) {
        buckets { adjusted liabilityPoints } tiers { tier accounts } } }""",
    "customerSegments": """{ customerSegments(first: 10) {
        edges { node { name memberCount members(first: 10) { edges { node { email } } } } }
    } }""",
    "customerSegmentPreview": """{ customerSegmentPreview(
        definition: "{\\"all\\": [{\\"field\\": \\"tags\\", \\"op\\": \\"has\\", \\"value\\": \\"vip\\"}]}"
    ) { count sample { email } errors { code } } }""",
    "customerTags": "{ customerTags { tag customerCount } }",
    "customerRfmGrid": '{ customerRfmGrid(channel: "main") { cells { customerCount } } }',
    "customerValueReport": '{ customerValueReport(channel: "main") { customerCount } }',
    "cartRecoveryStats": '{ cartRecoveryStats(channel: "main") { detected reminded } }',
    "abandonedCheckouts": """{ abandonedCheckouts(channel: "main", first: 10) {
        edges { node { id } } } }""",
    "storeReport": '{ storeReport(channel: "main") { stores { name purchases } } }',
    "storePurchases": '{ storePurchases(channel: "main", first: 10) { edges { node { id } } } }',
    "journeys": """{ journeys(channel: "main") { name stats { entered sent } } }""",
    "crmDataExport": """query($id: ID!) { user(id: $id) {
        crmTags crmDataExport segments { name } } }""",
}


@contextlib.contextmanager
def statements():
    """Yield the list of (alias, sql) the block runs on either alias."""
    executed: list[tuple[str, str]] = []

    def record(execute, sql, params, many, context):
        executed.append((context["connection"].alias, sql))
        return execute(sql, params, many, context)

    with connections[WRITER].execute_wrapper(record), connections[REPLICA].execute_wrapper(record):
        yield executed


def values_of(document, key: str) -> list:
    """Every value under ``key`` anywhere in a JSON document."""
    if isinstance(document, dict):
        own = [document[key]] if key in document else []
        return own + [found for value in document.values() for found in values_of(value, key)]
    if isinstance(document, list):
        return [found for item in document for found in values_of(item, key)]
    return []


def adjust(client, customer, points: int, key: str) -> dict:
    variables = {
        "customerId": graphene.Node.to_global_id("User", customer.pk),
        "points": points,
        "key": key,
    }
    response = client.post_graphql(POINTS_ADJUST, variables)
    return get_graphql_content(response)["data"]["loyaltyPointsAdjust"]


def test_staff_reads_answer_from_the_replica_and_write_nothing(
    replica_databases, crm_staff, crm_usd, journey_on, customer_user
):
    # given: 50 points, a tag, a segment and a journey, replayed on the standby, which
    # then pauses
    assert adjust(crm_staff, customer_user, 50, "first")["errors"] == []
    customer_tags_add(user=customer_user, tags=["vip"])
    create_segment(name="VIPs", definition={"all": [VIP]})
    journey_on(JourneyKind.POST_PURCHASE, name="Thank you")
    replica_databases.caught_up()
    user_id = graphene.Node.to_global_id("User", customer_user.pk)

    with replica_databases.replay_paused():
        # the writer moves on: 25 more points (the mutation reads the writer: 75)
        assert adjust(crm_staff, customer_user, 25, "second")["account"]["balance"] == 75

        # when: staff read every list, report, preview and export
        answers, executed = {}, {}
        for name, query in STAFF_READS.items():
            with statements() as executed[name]:
                response = crm_staff.post_graphql(query, {"id": user_id})
            answers[name] = get_graphql_content(response)["data"]

    # then: all from the replica, which had not replayed the 25 points yet
    writer_statements = {
        name: [sql for alias, sql in ran if alias == WRITER] for name, ran in executed.items()
    }
    assert writer_statements == {name: [] for name in STAFF_READS}
    writes = {
        name: [sql for _alias, sql in ran if WRITE.match(sql)] for name, ran in executed.items()
    }
    assert writes == {name: [] for name in STAFF_READS}
    [account] = answers["loyaltyAccounts"]["loyaltyAccounts"]["edges"]
    assert account["node"]["balance"] == 50
    assert [edge["node"]["points"] for edge in account["node"]["entries"]["edges"]] == [50]
    assert sum(b["adjusted"] for b in answers["loyaltyReport"]["loyaltyReport"]["buckets"]) == 50
    assert answers["customerSegments"]["customerSegments"]["edges"] == [
        {
            "node": {
                "name": "VIPs",
                "memberCount": 1,
                "members": {"edges": [{"node": {"email": customer_user.email}}]},
            }
        }
    ]
    assert answers["customerSegmentPreview"]["customerSegmentPreview"]["count"] == 1
    assert answers["customerTags"]["customerTags"] == [{"tag": "vip", "customerCount": 1}]
    assert answers["journeys"]["journeys"] == [
        {"name": "Thank you", "stats": {"entered": 0, "sent": 0}}
    ]
    export = json.loads(answers["crmDataExport"]["user"]["crmDataExport"])
    assert sorted(values_of(export, "points")) == [50]
    assert answers["crmDataExport"]["user"]["segments"] == [{"name": "VIPs"}]
