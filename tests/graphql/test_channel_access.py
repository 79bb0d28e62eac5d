"""Channel-restricted staff see the CRM data of their channels only, as Saleor's orders.

Every CRM field and mutation that takes a channel (the list of ``test_bad_ids``, which
proves it names every such argument of the schema) is asked, through /graphql/, by a
staff member whose only permission group reaches channel_USD: for channel_PLN it is
refused with Saleor's ``PermissionDenied`` and writes nothing; for channel_USD it is
not refused; staff in an unrestricted group reach both. Lists without a channel leave
other channels' rows out; objects named by ID in another channel are null (queries) or
refused (mutations). Fields a customer or anyone asks for their own or public data
(``EXEMPT``) are not restricted.
"""

from decimal import Decimal

import graphene
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from saleor.account.models import Group
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.journeys.actions import journey_create
from saleor_crm_plugin.journeys.models import JourneyKind
from saleor_crm_plugin.segments import actions
from saleor_crm_plugin.segments.models import CustomerRfm

from .test_bad_ids import (
    CHANNEL,
    MUTATIONS,
    PREVIEW,
    QUERIES,
    _variables,
    crm_naming_arguments,
    valid,
    written_rows,
)

__all__ = ["valid"]  # the fixture of test_bad_ids, shared

# Public, or the signed-in customer's own: not staff data of a channel.
EXEMPT = {"loyaltyProgram", "storePurchaseClaimStart", "storeCardRecognitionForget"}

PERMISSIONS = (
    "permission_manage_users",
    "permission_manage_checkouts",
    "permission_impersonate_user",
    "permission_manage_orders",
)


def _channel_argument(operation):
    """The operation's argument naming a channel (not a text sent as one), or None."""
    return next(
        (
            argument
            for argument in operation.arguments
            if argument.kind == CHANNEL
            and all(path.endswith(".channel") for path in argument.covers)
        ),
        None,
    )


def _channel_operations():
    return [
        operation
        for operation in [*MUTATIONS, *QUERIES, PREVIEW]
        if operation.name not in EXEMPT and _channel_argument(operation)
    ]


CHANNEL_OPERATIONS = [
    pytest.param(operation, id=operation.name) for operation in _channel_operations()
]


def _staff_in_group(request, staff_api_client, *, restricted: bool, channels):
    group = Group.objects.create(
        name=f"CRM {'restricted' if restricted else 'all channels'}",
        restricted_access_to_channels=restricted,
    )
    group.permissions.add(*(request.getfixturevalue(name) for name in PERMISSIONS))
    group.channels.add(*channels)
    group.user_set.add(staff_api_client.user)
    return staff_api_client


@pytest.fixture
def usd_only_staff(request, staff_api_client, channel_USD):
    """Staff whose only group reaches channel_USD."""
    return _staff_in_group(request, staff_api_client, restricted=True, channels=[channel_USD])


@pytest.fixture
def all_channels_staff(request, staff_api_client):
    return _staff_in_group(request, staff_api_client, restricted=False, channels=[])


def _ask(client, operation, valid, slug):
    variables = _variables(operation, _channel_argument(operation), slug, valid)
    response = client.post_graphql(operation.document, variables)
    return get_graphql_content(response, ignore_errors=True)


def _denied(content) -> bool:
    return any(
        error["extensions"]["exception"]["code"] == "PermissionDenied"
        for error in content.get("errors", [])
    )


def _channel_paths(operations) -> set[str]:
    return {
        path
        for operation in operations
        for path in operation.covered()
        if path.endswith(".channel")
    }


def test_every_channel_argument_is_restricted_or_exempt():
    # given
    in_schema = {path for path in crm_naming_arguments() if path.endswith(".channel")}
    exempt = [op for op in [*MUTATIONS, *QUERIES, PREVIEW] if op.name in EXEMPT]

    # when
    asked = _channel_paths(_channel_operations())

    # then
    assert len(exempt) == len(EXEMPT)
    assert in_schema - _channel_paths(exempt) == asked


@pytest.mark.parametrize("operation", CHANNEL_OPERATIONS)
def test_restricted_staff_are_refused_another_channel(
    usd_only_staff, valid, channel_PLN, operation
):
    # given
    rows = written_rows()

    # when
    content = _ask(usd_only_staff, operation, valid, channel_PLN.slug)

    # then
    assert _denied(content), content
    assert [error["message"] for error in content["errors"]][0] == (
        f"You do not have access to the {channel_PLN.slug} channel."
    )
    if operation.parent == "Mutation":
        assert content["data"][operation.name] is None
    assert written_rows() == rows


@pytest.mark.parametrize("operation", CHANNEL_OPERATIONS)
def test_restricted_staff_reach_their_channel(usd_only_staff, valid, operation):
    # when
    content = _ask(usd_only_staff, operation, valid, valid[CHANNEL])

    # then
    assert not _denied(content), content
    assert content["data"][operation.name] is not None


@pytest.mark.parametrize("operation", CHANNEL_OPERATIONS)
def test_unrestricted_staff_reach_every_channel(all_channels_staff, valid, channel_PLN, operation):
    # when
    content = _ask(all_channels_staff, operation, valid, channel_PLN.slug)

    # then
    assert not _denied(content), content


def test_an_unknown_channel_is_refused_to_restricted_staff(usd_only_staff):
    # when: as Saleor's orders(channel:) for a slug outside the staff member's channels
    response = usd_only_staff.post_graphql(
        'query { loyaltyReport(channel: "no-such-channel") { currency } }'
    )

    # then
    assert _denied(get_graphql_content(response, ignore_errors=True))


SEGMENTS = "query { customerSegments(first: 10) { edges { node { name } } } }"


@pytest.fixture
def segment_per_channel(channel_USD, channel_PLN):
    definition = {"all": [{"field": "order_count", "op": "gte", "value": 1}]}
    return {
        name: actions.customer_segment_create(
            name=name, definition=definition, channel_id=channel_id, auto_tag=""
        )
        for name, channel_id in (
            ("every channel", None),
            ("USD", channel_USD.pk),
            ("PLN", channel_PLN.pk),
        )
    }


def test_segment_lists_leave_out_other_channels(usd_only_staff, segment_per_channel):
    # when
    content = get_graphql_content(usd_only_staff.post_graphql(SEGMENTS))

    # then
    names = [edge["node"]["name"] for edge in content["data"]["customerSegments"]["edges"]]
    assert sorted(names) == ["USD", "every channel"]


def test_all_channels_staff_list_every_segment(all_channels_staff, segment_per_channel):
    # when
    content = get_graphql_content(all_channels_staff.post_graphql(SEGMENTS))

    # then
    names = [edge["node"]["name"] for edge in content["data"]["customerSegments"]["edges"]]
    assert sorted(names) == ["PLN", "USD", "every channel"]


def _id(segment):
    return graphene.Node.to_global_id("CustomerSegment", segment.pk)


def test_a_segment_of_another_channel_is_null(usd_only_staff, segment_per_channel):
    # when
    content = get_graphql_content(
        usd_only_staff.post_graphql(
            "query($a: ID!, $b: ID!) { a: customerSegment(id: $a) { name } "
            "b: customerSegment(id: $b) { name } }",
            {"a": _id(segment_per_channel["USD"]), "b": _id(segment_per_channel["PLN"])},
        )
    )

    # then
    assert content["data"] == {"a": {"name": "USD"}, "b": None}


@pytest.mark.parametrize(
    "document",
    [
        "mutation($id: ID!) { customerSegmentDelete(id: $id) { errors { code } } }",
        "mutation($id: ID!) { customerSegmentMembersExport(id: $id) { errors { code } } }",
        'mutation($id: ID!) { customerSegmentUpdate(id: $id, input: {name: "x"}) '
        "{ errors { code } } }",
    ],
)
def test_mutating_a_segment_of_another_channel_is_refused(
    usd_only_staff, segment_per_channel, document
):
    # given
    rows = written_rows()

    # when
    response = usd_only_staff.post_graphql(document, {"id": _id(segment_per_channel["PLN"])})

    # then
    assert _denied(get_graphql_content(response, ignore_errors=True))
    assert written_rows() == rows


def test_journeys_of_another_channel_are_null_and_refused(
    usd_only_staff, channel_PLN, segment_per_channel
):
    # given
    journey = journey_create(
        channel_id=channel_PLN.pk,
        kind=JourneyKind.SEGMENT_JOINED,
        trigger_settings={"segment": segment_per_channel["PLN"].pk},
    )
    journey_id = graphene.Node.to_global_id("Journey", journey.pk)
    rows = written_rows()

    # when
    read = usd_only_staff.post_graphql(
        "query($id: ID!) { journey(id: $id) { id } }", {"id": journey_id}
    )
    update = usd_only_staff.post_graphql(
        'mutation($id: ID!) { journeyUpdate(id: $id, input: {name: "x"}) { errors { code } } }',
        {"id": journey_id},
    )

    # then
    assert get_graphql_content(read)["data"]["journey"] is None
    assert _denied(get_graphql_content(update, ignore_errors=True))
    assert written_rows() == rows


def test_a_customers_rfm_and_segments_show_only_their_channels(
    usd_only_staff, customer_user, channel_USD, channel_PLN, segment_per_channel
):
    # given
    for channel in (channel_USD, channel_PLN):
        CustomerRfm.objects.create(
            user=customer_user,
            channel=channel,
            recency=5,
            frequency=4,
            monetary=3,
            group="champions",
            last_order_at=timezone.now(),
            order_count=2,
            total_spent=Decimal("80.000"),
        )
    for segment in segment_per_channel.values():
        segment.memberships.create(user=customer_user)

    # when
    content = get_graphql_content(
        usd_only_staff.post_graphql(
            "query($id: ID!) { user(id: $id) { rfm { channel { slug } } segments { name } } }",
            {"id": graphene.Node.to_global_id("User", customer_user.pk)},
        )
    )

    # then
    user = content["data"]["user"]
    assert user["rfm"] == [{"channel": {"slug": channel_USD.slug}}]
    assert sorted(segment["name"] for segment in user["segments"]) == ["USD", "every channel"]


CUSTOMERS = "query { customers(first: 20) { edges { node { rfm { group } segments { name } } } } }"


def _customers_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        get_graphql_content(client.post_graphql(CUSTOMERS))
    return len(queries)


@pytest.mark.parametrize("requester", ["usd_only_staff", "all_channels_staff"], indirect=True)
def test_the_rule_costs_the_same_queries_for_one_customer_or_many(
    requester, customer_users, segment_per_channel
):
    # given
    first, *others = customer_users
    for segment in segment_per_channel.values():
        segment.memberships.create(user=first)
    _customers_queries(requester)  # warm-up: the requester's permissions
    few = _customers_queries(requester)

    # when
    for customer in others:
        for segment in segment_per_channel.values():
            segment.memberships.create(user=customer)
    many = _customers_queries(requester)

    # then
    assert many == few
