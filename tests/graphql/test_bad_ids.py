"""Generated input: every CRM mutation and query argument that names an ID or a channel.

Each argument gets the values a careless client or a fuzzer sends: an empty string, a
NUL byte, a global ID whose key is a non-ASCII digit (``User:²``), a key of the wrong
shape (a UUID for an integer key, an integer for a UUID key), a raw UUID, an ID of
another type, an ID that names nothing; channels also get an over-long slug and an
unknown one. Mutations must answer ``errors { field code }`` naming the argument and
write nothing; queries must answer Saleor's coded ``GraphQLError`` or null / empty, as
Saleor's own ``user(id:)`` does. Never an internal error.
"""

import base64
import pathlib
import uuid
from dataclasses import dataclass

import graphene
import pytest
from django.apps import apps
from graphene.utils.str_converters import to_camel_case
from graphql import GraphQLInputObjectType
from saleor.account.models import User
from saleor.csv.models import ExportFile
from saleor.giftcard.models import GiftCard
from saleor.graphql.api import schema
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin import graphql as crm_graphql
from saleor_crm_plugin.graphql.schema import (
    TYPE_EXTENSIONS,
    CRMMutations,
    CRMQueries,
    _class_members,
)

from .conftest import with_permission

CHANNEL = "channel"
# Saleor's own codes for coded top-level errors of a query.
CODED_QUERY_ERRORS = {"GraphQLError", "PermissionDenied"}


def _raw_global_id(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def bad_ids(type_name: str, valid: dict) -> list[tuple[str, str]]:
    """(label, value) of IDs that must never resolve to a ``type_name``; ``valid``
    holds a real ID of each type (an empty dict is enough for the labels)."""
    other = "CustomerSegment" if type_name == "User" else "User"
    wrong_shape = 12345 if type_name == "Checkout" else uuid.uuid4()
    nothing = uuid.uuid4() if type_name == "Checkout" else 0
    return [
        ("empty", ""),
        ("nul", "\x00"),
        ("non-ascii-digit", _raw_global_id(f"{type_name}:²")),
        ("user-non-ascii-digit", _raw_global_id("User:²")),
        ("wrong-key-shape", graphene.Node.to_global_id(type_name, wrong_shape)),
        ("raw-uuid", str(uuid.uuid4())),
        ("wrong-type", valid.get(other, "")),
        ("nonexistent", graphene.Node.to_global_id(type_name, nothing)),
        ("huge-key", graphene.Node.to_global_id(type_name, 10**30)),
    ]


def bad_channels() -> list[tuple[str, str]]:
    return [
        ("empty", ""),
        ("nul", "\x00"),
        ("nul-inside", "default-channel\x00"),
        ("too-long", "c" * 1000),
        ("unknown", "no-such-channel"),
        ("non-ascii-digit-id", _raw_global_id("Channel:²")),
    ]


@dataclass(frozen=True)
class Argument:
    name: str  # the variable, named as the argument (the error's field)
    kind: str  # a type name or CHANNEL
    covers: tuple[str, ...] = ()  # schema arguments it reaches: "Parent.field.argument"


@dataclass(frozen=True)
class Operation:
    name: str
    document: str
    arguments: tuple[Argument, ...]

    @property
    def parent(self) -> str:
        return "Mutation" if self.document.lstrip().startswith("mutation") else "Query"

    def covered(self) -> set[str]:
        return {
            path
            for argument in self.arguments
            for path in argument.covers or (f"{self.parent}.{self.name}.{argument.name}",)
        }


MUTATIONS = [
    Operation(
        "loyaltyPointsAdjust",
        """mutation($customerId: ID!, $channel: String!) {
          loyaltyPointsAdjust(customerId: $customerId, channel: $channel, points: 10,
                              reason: "fuzz") { errors { field code } } }""",
        (Argument("customerId", "User"), Argument("channel", CHANNEL)),
    ),
    Operation(
        "loyaltyAccountOpen",
        """mutation($customerId: ID, $channel: String!) {
          loyaltyAccountOpen(customerId: $customerId, channel: $channel) {
            errors { field code } } }""",
        (Argument("customerId", "User"), Argument("channel", CHANNEL)),
    ),
    Operation(
        "customerBirthdaySet",
        """mutation($customerId: ID) {
          customerBirthdaySet(customerId: $customerId, birthday: "1990-05-01") {
            errors { field code } } }""",
        (Argument("customerId", "User"),),
    ),
    Operation(
        "customerMarketingConsentSet",
        """mutation($customerId: ID) {
          customerMarketingConsentSet(customerId: $customerId, granted: true) {
            errors { field code } } }""",
        (Argument("customerId", "User"),),
    ),
    Operation(
        "customerCrmErase",
        """mutation($id: ID!) { customerCrmErase(id: $id) { errors { field code } } }""",
        (Argument("id", "User"),),
    ),
    Operation(
        "checkoutLoyaltyPointsApply",
        """mutation($id: ID!) {
          checkoutLoyaltyPointsApply(id: $id, points: 10) { errors { field code } } }""",
        (Argument("id", "Checkout"),),
    ),
    Operation(
        "checkoutLoyaltyPointsRemove",
        """mutation($id: ID!) {
          checkoutLoyaltyPointsRemove(id: $id) { errors { field code } } }""",
        (Argument("id", "Checkout"),),
    ),
    Operation(
        "customerSegmentCreate",
        """mutation($channel: String) {
          customerSegmentCreate(input: {name: "Fuzz", channel: $channel,
            definition: "{\\"all\\": [{\\"field\\": \\"order_count\\", \\"op\\": \\"gte\\", \\"value\\": 1}]}"}) {
            errors { field code } } }""",
        (Argument("channel", CHANNEL, ("Mutation.customerSegmentCreate.input.channel",)),),
    ),
    Operation(
        "customerSegmentUpdate",
        """mutation($id: ID!) {
          customerSegmentUpdate(id: $id, input: {name: "Renamed"}) { errors { field code } } }""",
        (Argument("id", "CustomerSegment"),),
    ),
    Operation(
        "customerSegmentDelete",
        """mutation($id: ID!) { customerSegmentDelete(id: $id) { errors { field code } } }""",
        (Argument("id", "CustomerSegment"),),
    ),
    Operation(
        "customerSegmentMembersExport",
        """mutation($id: ID!) {
          customerSegmentMembersExport(id: $id) { errors { field code } } }""",
        (Argument("id", "CustomerSegment"),),
    ),
    Operation(
        "customerTagsAdd",
        """mutation($customerId: ID!) {
          customerTagsAdd(customerId: $customerId, tags: ["fuzz"]) { errors { field code } } }""",
        (Argument("customerId", "User"),),
    ),
    Operation(
        "customerTagsRemove",
        """mutation($customerId: ID!) {
          customerTagsRemove(customerId: $customerId, tags: ["vip"]) { errors { field code } } }""",
        (Argument("customerId", "User"),),
    ),
    Operation(
        "storePurchaseRecord",
        """mutation($channel: String!, $store: ID!) {
          storePurchaseRecord(input: {channel: $channel, store: $store, externalId: "fuzz",
            total: 10.00, currency: "USD", purchasedAt: "2026-01-01T00:00:00+00:00"}) {
            errors { field code } } }""",
        (
            Argument("channel", CHANNEL, ("Mutation.storePurchaseRecord.input.channel",)),
            Argument("store", "Warehouse", ("Mutation.storePurchaseRecord.input.store",)),
        ),
    ),
    Operation(
        "storePurchaseLink",
        """mutation($id: ID!) {
          storePurchaseLink(id: $id, customer: {email: "test@example.com"}) {
            errors { field code } } }""",
        (Argument("id", "StorePurchase"),),
    ),
    Operation(
        "storePurchaseUnlink",
        """mutation($id: ID!) {
          storePurchaseUnlink(id: $id, reason: "fuzz") { errors { field code } } }""",
        (Argument("id", "StorePurchase"),),
    ),
    Operation(
        "storePurchaseClaimStart",
        """mutation($channel: String!) {
          storePurchaseClaimStart(channel: $channel, receiptCode: "0000000000") {
            errors { field code } } }""",
        (Argument("channel", CHANNEL),),
    ),
    Operation(
        "storePurchaseClaimConfirm",
        """mutation($claimId: ID!) {
          storePurchaseClaimConfirm(claimId: $claimId, code: "123456") {
            errors { field code } } }""",
        (Argument("claimId", "StorePurchaseClaim"),),
    ),
    Operation(
        "storeCardRecognitionForget",
        """mutation($channel: String!) {
          storeCardRecognitionForget(channel: $channel) { errors { field code } } }""",
        (Argument("channel", CHANNEL),),
    ),
    Operation(
        "journeyCreate",
        """mutation($channel: String!, $segment: ID!) {
          journeyCreate(input: {channel: $channel, kind: SEGMENT_JOINED,
                                triggerSettings: {segment: $segment}}) {
            errors { field code } } }""",
        (
            Argument("channel", CHANNEL, ("Mutation.journeyCreate.input.channel",)),
            Argument(
                "segment",
                "CustomerSegment",
                ("Mutation.journeyCreate.input.triggerSettings.segment",),
            ),
        ),
    ),
    Operation(
        "journeyUpdate",
        """mutation($id: ID!, $segment: ID!) {
          journeyUpdate(id: $id, input: {triggerSettings: {segment: $segment}}) {
            errors { field code } } }""",
        (
            Argument("id", "Journey"),
            Argument(
                "segment",
                "CustomerSegment",
                ("Mutation.journeyUpdate.input.triggerSettings.segment",),
            ),
        ),
    ),
]

# Queries answer null / empty for what names nothing, or a coded GraphQLError.
QUERIES = [
    Operation(
        "loyaltyProgram",
        """query($channel: String!) { loyaltyProgram(channel: $channel) { channel } }""",
        (Argument("channel", CHANNEL),),
    ),
    Operation(
        "loyaltyAccounts",
        """query($channel: String!) {
          loyaltyAccounts(channel: $channel, first: 5) { edges { node { balance } } } }""",
        (Argument("channel", CHANNEL),),
    ),
    Operation(
        "loyaltyAccounts",
        """query($text: String!) {
          loyaltyAccounts(channel: "main", first: 5,
                          filter: {search: $text, tiers: [$text], tags: [$text]}) {
            edges { node { balance } } } }""",
        (Argument("text", CHANNEL, ("Query.loyaltyAccounts.filter.search",)),),
    ),
    Operation(
        "customerSegments",
        """query($channel: String!) {
          customerSegments(first: 5, filter: {channel: $channel, search: $channel}) {
            edges { node { name } } } }""",
        (Argument("channel", CHANNEL, ("Query.customerSegments.filter.channel",)),),
    ),
    Operation(
        "customerSegment",
        """query($id: ID!) { customerSegment(id: $id) { name } }""",
        (Argument("id", "CustomerSegment"),),
    ),
    Operation(
        "customerSegmentExportFile",
        """query($id: ID!) { customerSegmentExportFile(id: $id) { status } }""",
        (Argument("id", "CustomerSegmentExportFile"),),
    ),
    Operation(
        "customerValueReport",
        """query($channel: String!) { customerValueReport(channel: $channel) { customerCount } }""",
        (Argument("channel", CHANNEL),),
    ),
    Operation(
        "abandonedCheckouts",
        """query($channel: String!) {
          abandonedCheckouts(channel: $channel, first: 5, filter: {search: $channel}) {
            edges { node { email } } } }""",
        (Argument("channel", CHANNEL),),
    ),
    Operation(
        "customerRfmGrid",
        """query($channel: String!) { customerRfmGrid(channel: $channel) { computedAt } }""",
        (Argument("channel", CHANNEL),),
    ),
    Operation(
        "loyaltyReport",
        """query($channel: String!) { loyaltyReport(channel: $channel) { currency } }""",
        (Argument("channel", CHANNEL),),
    ),
    Operation(
        "cartRecoveryStats",
        """query($channel: String!) { cartRecoveryStats(channel: $channel) { reminded } }""",
        (Argument("channel", CHANNEL),),
    ),
    Operation(
        "storePurchases",
        """query($channel: String!, $store: ID!) {
          storePurchases(channel: $channel, first: 5, filter: {stores: [$store]}) {
            edges { node { receiptCode } } } }""",
        (
            Argument("channel", CHANNEL),
            Argument("store", "Warehouse", ("Query.storePurchases.filter.stores",)),
        ),
    ),
    Operation(
        "journeys",
        """query($channel: String!) { journeys(channel: $channel) { id } }""",
        (Argument("channel", CHANNEL),),
    ),
    Operation(
        "journey",
        """query($id: ID!) { journey(id: $id) { id } }""",
        (Argument("id", "Journey"),),
    ),
    Operation(
        "storeReport",
        """query($channel: String!) { storeReport(channel: $channel) { currency } }""",
        (Argument("channel", CHANNEL),),
    ),
    Operation(
        "user",
        """query($customerId: ID!, $channel: String, $ids: [ID!]) {
          user(id: $customerId) {
            loyalty(channel: $channel) { balance }
            rfm(channel: $channel) { group }
            crmStoreActivity(channel: $channel) { storeVisits }
            segmentExplanations(ids: $ids) { isMember }
          } }""",
        (
            Argument(
                "channel",
                CHANNEL,
                ("User.loyalty.channel", "User.rfm.channel", "User.crmStoreActivity.channel"),
            ),
            Argument("ids", "CustomerSegment", ("User.segmentExplanations.ids",)),
        ),
    ),
]

# customerSegmentPreview reports bad input in its own `errors`, like a mutation.
PREVIEW = Operation(
    "customerSegmentPreview",
    """query($id: ID, $channel: String) {
      customerSegmentPreview(
        definition: "{\\"all\\": [{\\"field\\": \\"order_count\\", \\"op\\": \\"gte\\", \\"value\\": 1}]}",
        id: $id, channel: $channel
      ) { count errors { field code } } }""",
    (Argument("id", "CustomerSegment"), Argument("channel", CHANNEL)),
)


def _unwrap(graphql_type):
    while hasattr(graphql_type, "of_type"):
        graphql_type = graphql_type.of_type
    return graphql_type


def _naming_arguments(prefix: str, arguments: dict) -> set[str]:
    """Paths of the arguments (and input object fields) that name an ID or a channel."""
    found = set()
    for name, argument in arguments.items():
        graphql_type = _unwrap(argument.type)
        if graphql_type.name == "ID" or name == "channel":
            found.add(f"{prefix}.{name}")
        elif isinstance(graphql_type, GraphQLInputObjectType):
            found |= _naming_arguments(f"{prefix}.{name}", graphql_type.fields)
    return found


def crm_naming_arguments() -> set[str]:
    """Every argument of the CRM's queries, mutations and added fields naming an ID or
    a channel, read from the schema Saleor serves."""
    roots = {
        "Query": (schema.get_query_type(), _class_members(CRMQueries)),
        "Mutation": (schema.get_mutation_type(), _class_members(CRMMutations)),
    }
    found = set()
    for parent, (root_type, members) in roots.items():
        for member in members:
            if member.startswith("resolve_"):
                continue
            name = to_camel_case(member)
            found |= _naming_arguments(f"{parent}.{name}", root_type.fields[name].args)
    for saleor_type, member, _field in TYPE_EXTENSIONS:
        name = to_camel_case(member)
        graphql_type = schema.get_type(saleor_type._meta.name)
        found |= _naming_arguments(
            f"{saleor_type._meta.name}.{name}", graphql_type.fields[name].args
        )
    return found


def test_every_argument_naming_an_id_or_a_channel_is_generated():
    # given
    covered = set().union(*(operation.covered() for operation in [*MUTATIONS, *QUERIES, PREVIEW]))

    # when
    in_schema = crm_naming_arguments()

    # then
    assert {"Mutation.loyaltyPointsAdjust.customerId", "User.rfm.channel"} <= in_schema
    assert in_schema - covered == set()


# Lookups that skip the shared helpers of saleor_crm_plugin/graphql/utils.py.
BYPASSES = ("cls.get_node_or_error(", "from_global_id_or_error(", "Channel.objects")


def test_ids_and_slugs_are_resolved_only_by_the_shared_helpers():
    # given
    package = pathlib.Path(crm_graphql.__file__).parent
    modules = [path for path in package.rglob("*.py") if path != package / "utils.py"]

    # when
    bypasses = [
        f"{path.relative_to(package)}: {bypass}"
        for path in modules
        for bypass in BYPASSES
        if bypass in path.read_text()
    ]

    # then
    assert bypasses == []


def _cases(operations):
    """(operation, argument, label) for every argument and bad value."""
    for operation in operations:
        for argument in operation.arguments:
            values = bad_channels() if argument.kind == CHANNEL else bad_ids(argument.kind, {})
            for label, _value in values:
                yield pytest.param(
                    operation,
                    argument,
                    label,
                    id=f"{operation.name}-{argument.name}-{label}",
                )


def _bad_value(argument: Argument, label: str, valid: dict) -> str:
    values = bad_channels() if argument.kind == CHANNEL else bad_ids(argument.kind, valid)
    return dict(values)[label]


def written_rows() -> dict[str, int]:
    """Rows of every CRM table and of the Saleor tables our mutations write to."""
    models = [*apps.get_app_config("saleor_crm").get_models(), ExportFile, GiftCard]
    counts = {model.__name__: model.objects.count() for model in models}
    counts["User.updated_at"] = sorted(User.objects.values_list("updated_at", flat=True))
    return counts


@pytest.fixture
def everything_staff(
    staff_api_client,
    permission_manage_users,
    permission_manage_checkouts,
    permission_impersonate_user,
    permission_manage_orders,
):
    for permission in (
        permission_manage_users,
        permission_manage_checkouts,
        permission_impersonate_user,
        permission_manage_orders,
    ):
        with_permission(staff_api_client, permission)
    return staff_api_client


@pytest.fixture
def valid(crm_objects, crm_usd):
    """Valid values of every kind; the case under test replaces one of them."""
    return {**crm_objects.global_ids(), CHANNEL: crm_usd.slug}


def _variables(operation: Operation, argument: Argument, value: str, valid: dict) -> dict:
    variables = {}
    for each in operation.arguments:
        good = valid[each.kind]
        variables[each.name] = good if each.name != "ids" else [good]
    variables["customerId"] = valid["User"]
    variables[argument.name] = [value] if argument.name == "ids" else value
    return variables


@pytest.mark.parametrize(("operation", "argument", "label"), list(_cases(MUTATIONS)))
def test_mutation_answers_a_coded_error_and_writes_nothing(
    everything_staff, valid, operation, argument, label
):
    # given
    value = _bad_value(argument, label, valid)
    rows = written_rows()

    # when
    response = everything_staff.post_graphql(
        operation.document, _variables(operation, argument, value, valid)
    )

    # then
    content = get_graphql_content(response)
    errors = content["data"][operation.name]["errors"]
    assert errors, f"{value!r} was accepted"
    assert {error["field"] for error in errors} == {argument.name}
    assert all(error["code"] for error in errors)
    assert written_rows() == rows


@pytest.mark.parametrize(("operation", "argument", "label"), list(_cases(QUERIES)))
def test_query_answers_a_coded_error_or_nothing(
    everything_staff, valid, operation, argument, label
):
    # given
    value = _bad_value(argument, label, valid)
    rows = written_rows()

    # when
    response = everything_staff.post_graphql(
        operation.document, _variables(operation, argument, value, valid)
    )

    # then
    content = get_graphql_content(response, ignore_errors=True)
    codes = {error["extensions"]["exception"]["code"] for error in content.get("errors", [])}
    assert codes <= CODED_QUERY_ERRORS, content["errors"]
    if not codes and label != "empty" and operation.name != "user":
        # An empty filter or argument is "not given"; anything else names nothing.
        assert content["data"][operation.name] in (None, {"edges": []}, [])
    assert written_rows() == rows


@pytest.mark.parametrize(("operation", "argument", "label"), list(_cases([PREVIEW])))
def test_preview_answers_a_coded_error_naming_the_argument(
    everything_staff, valid, operation, argument, label
):
    # given
    value = _bad_value(argument, label, valid)

    # when
    response = everything_staff.post_graphql(
        operation.document, _variables(operation, argument, value, valid)
    )

    # then
    content = get_graphql_content(response)
    preview = content["data"]["customerSegmentPreview"]
    assert preview["count"] is None
    assert {error["field"] for error in preview["errors"]} == {argument.name}
    assert all(error["code"] for error in preview["errors"])
