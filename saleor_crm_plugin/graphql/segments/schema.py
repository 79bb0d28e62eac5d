"""Queries, mutations and ``User`` fields of customer tags, segments and RFM.

Everything here is for staff and apps with MANAGE_USERS: tags and segments are internal
notes about customers, so a customer cannot read their own (``me { crmTags }`` is
denied). Queries read through the replica, as Saleor's do; the preview is a query
because it writes nothing.
"""

import graphene
from django.conf import settings
from saleor.graphql.account.types import User
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.connection import create_connection_slice
from saleor.graphql.core.context import get_database_connection_name
from saleor.graphql.core.fields import BaseField, ConnectionField, JSONString, PermissionsField
from saleor.graphql.core.scalars import PositiveDecimal
from saleor.graphql.core.types import NonNullList
from saleor.graphql.decorators import one_of_permissions_required
from saleor.permission.enums import AccountPermissions
from saleor.permission.utils import message_one_of_permissions_required

from ...segments.models import CustomerSegment as CustomerSegmentModel
from ..utils import accessible_channel_ids_filter, check_channel_access
from . import resolvers
from .enums import DOC_CATEGORY_SEGMENTS
from .filters import CustomerSegmentFilter, CustomerSegmentFilterInput, apply_filter
from .mutations import (
    CustomerSegmentCreate,
    CustomerSegmentDelete,
    CustomerSegmentMembersExport,
    CustomerSegmentUpdate,
    CustomerTagsAdd,
    CustomerTagsRemove,
)
from .types import (
    CustomerRfm,
    CustomerSegment,
    CustomerSegmentCountableConnection,
    CustomerSegmentExplanation,
    CustomerSegmentExportFile,
    CustomerSegmentPreview,
    CustomerValueReport,
)

MANAGE_USERS = [AccountPermissions.MANAGE_USERS]


class SegmentQueries(graphene.ObjectType):
    customer_segments = ConnectionField(
        CustomerSegmentCountableConnection,
        filter=CustomerSegmentFilterInput(description="Filtering options for segments."),
        description="Customer segments, by name.",
        permissions=MANAGE_USERS,
        doc_category=DOC_CATEGORY_SEGMENTS,
    )
    customer_segment = PermissionsField(
        CustomerSegment,
        id=graphene.Argument(graphene.ID, required=True, description="ID of the segment."),
        description="Look up a customer segment by ID.",
        permissions=MANAGE_USERS,
        doc_category=DOC_CATEGORY_SEGMENTS,
    )
    customer_segment_preview = PermissionsField(
        CustomerSegmentPreview,
        definition=graphene.Argument(
            JSONString, required=True, description="The condition tree to try."
        ),
        channel=graphene.Argument(
            graphene.String,
            description="Slug of the channel for money and loyalty conditions; "
            "defaults to the channel of the segment given by `id`.",
        ),
        id=graphene.Argument(
            graphene.ID,
            description="A segment to compare with: `entering` and `leaving` count "
            "the customers who would join or leave it.",
        ),
        description="Who a definition would select, without saving anything. Bad "
        "input is reported in `errors` like a mutation's.",
        permissions=MANAGE_USERS,
        doc_category=DOC_CATEGORY_SEGMENTS,
    )
    customer_segment_export_file = PermissionsField(
        CustomerSegmentExportFile,
        id=graphene.Argument(graphene.ID, required=True, description="ID of the export."),
        description="A segment members export (from `customerSegmentMembersExport`), with "
        "its download link once ready.",
        permissions=MANAGE_USERS,
        doc_category=DOC_CATEGORY_SEGMENTS,
    )
    customer_value_report = PermissionsField(
        CustomerValueReport,
        channel=graphene.Argument(
            graphene.String, required=True, description="Slug of the channel."
        ),
        top_percent=graphene.Argument(
            PositiveDecimal,
            default_value=20,
            description="The top share of customers by revenue, in percent (0 < x ≤ 100).",
        ),
        first=graphene.Argument(
            graphene.Int,
            default_value=100,
            description=f"How many top customers to list (at most "
            f"{settings.GRAPHQL_PAGINATION_LIMIT}).",
        ),
        description="Share of a channel's revenue that its top customers bring (Pareto), "
        "with the list. Null for an unknown channel.",
        permissions=MANAGE_USERS,
        doc_category=DOC_CATEGORY_SEGMENTS,
    )

    @staticmethod
    def resolve_customer_segments(_root, info: ResolveInfo, **kwargs):
        channel = (kwargs.get("filter") or {}).get("channel")
        if channel:
            check_channel_access(info, channel)
        segments = CustomerSegmentModel.objects.using(
            get_database_connection_name(info.context)
        ).all()
        segments = accessible_channel_ids_filter(info, segments, keep_none=True)
        segments = apply_filter(segments, CustomerSegmentFilter, kwargs.get("filter"))
        return create_connection_slice(segments, info, kwargs, CustomerSegmentCountableConnection)

    @staticmethod
    def resolve_customer_segment(_root, info: ResolveInfo, *, id: str):
        return resolvers.segment_or_none(id, info=info)

    @staticmethod
    def resolve_customer_segment_export_file(_root, info: ResolveInfo, *, id: str):
        return resolvers.export_file_or_none(id, info=info)

    @staticmethod
    def resolve_customer_segment_preview(
        _root, info: ResolveInfo, *, definition, channel=None, id=None
    ):
        return resolvers.resolve_customer_segment_preview(
            info, definition=definition, channel=channel, id=id
        )

    @staticmethod
    def resolve_customer_value_report(
        _root, info: ResolveInfo, *, channel: str, top_percent, first: int
    ):
        return resolvers.resolve_customer_value_report(
            info, channel=channel, top_percent=top_percent, first=first
        )


class SegmentMutations(graphene.ObjectType):
    customer_segment_create = CustomerSegmentCreate.Field()
    customer_segment_update = CustomerSegmentUpdate.Field()
    customer_segment_delete = CustomerSegmentDelete.Field()
    customer_segment_members_export = CustomerSegmentMembersExport.Field()
    customer_tags_add = CustomerTagsAdd.Field()
    customer_tags_remove = CustomerTagsRemove.Field()


def _user_field(graphql_type, resolver, description: str, **arguments) -> BaseField:
    """A ``User`` field for MANAGE_USERS only.

    Not a ``PermissionsField``: with an explicit ``resolver`` Saleor's ``BaseField``
    drops the permission wrapper, so the resolver is wrapped here.
    """
    return BaseField(
        graphql_type,
        required=True,
        resolver=one_of_permissions_required(MANAGE_USERS)(resolver),
        description=description + message_one_of_permissions_required(MANAGE_USERS),
        doc_category=DOC_CATEGORY_SEGMENTS,
        **arguments,
    )


# (Saleor type, field name, mounted field with its resolver): see ..schema
TYPE_EXTENSIONS: list = [
    (
        User,
        "crm_tags",
        _user_field(
            NonNullList(graphene.String),
            resolvers.resolve_user_crm_tags,
            "The customer's tags, set by staff or by segment rules (internal: not "
            "visible to the customer).",
        ),
    ),
    (
        User,
        "segments",
        _user_field(
            NonNullList(CustomerSegment),
            resolvers.resolve_user_segments,
            "The segments the customer is in now, by name.",
        ),
    ),
    (
        User,
        "segment_explanations",
        _user_field(
            NonNullList(CustomerSegmentExplanation),
            resolvers.resolve_user_segment_explanations,
            "For each segment (or those given), whether the customer is in it and "
            "which conditions hold or fail.",
            ids=NonNullList(graphene.ID, description="Segments to explain; all if omitted."),
        ),
    ),
    (
        User,
        "rfm",
        _user_field(
            NonNullList(CustomerRfm),
            resolvers.resolve_user_rfm,
            "The customer's RFM scores and group per channel (as last computed).",
            channel=graphene.Argument(
                graphene.String, description="Slug of a channel; all channels if omitted."
            ),
        ),
    ),
]
