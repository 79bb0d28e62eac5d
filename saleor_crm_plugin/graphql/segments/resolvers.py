"""Resolvers of the segment queries and ``User`` fields (schema.py declares them).

The preview, the explanations and the value report run the domain's set-based SQL on
the request's database alias (``get_database_connection_name``): the replica for a
query, the writer when a mutation's payload asks for them (Saleor's executor allows the
writer there). Nothing here writes, so nothing needs ``allow_writer()``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from graphql.error import GraphQLError
from promise import Promise
from saleor.account.models import User as UserModel
from saleor.graphql.channel.dataloaders.by_self import ChannelBySlugLoader
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import get_database_connection_name
from saleor.graphql.core.mutations import validation_error_to_error_type

from ...segments import actions, explain, rfm
from ...segments.exceptions import SegmentError
from ...segments.models import CustomerSegment as CustomerSegmentModel
from ...segments.models import SegmentMembersExport as SegmentMembersExportModel
from ..utils import (
    accessible_rows,
    channel_or_none,
    check_channel_access,
    check_channel_id_access,
    domain_error_to_validation_error,
    get_node_or_error,
    global_id_to_pk,
    is_channel_slug,
    node_or_none,
)
from .dataloaders import (
    CustomerRfmByUserAndChannelIdLoader,
    CustomerTagsByUserIdLoader,
    SegmentsByUserIdLoader,
)
from .mutations.utils import clean_definition, get_channel_or_error
from .types import (
    CustomerSegment,
    CustomerSegmentErrorType,
    CustomerSegmentExportFile,
    CustomerSegmentPreview,
)

PREVIEW_SAMPLE_SIZE = 10


def segment_or_none(global_id: str, *, info: ResolveInfo) -> CustomerSegmentModel | None:
    return node_or_none(global_id, only_type=CustomerSegment, info=info)


def export_file_or_none(global_id: str, *, info: ResolveInfo) -> SegmentMembersExportModel | None:
    return node_or_none(global_id, only_type=CustomerSegmentExportFile, info=info)


def _preview(info: ResolveInfo, definition, channel: str | None, id: str | None):
    """The domain's preview; a ValidationError or a SegmentError for bad input."""
    database = get_database_connection_name(info.context)
    definition = clean_definition(definition)
    segment = None
    if id is not None:
        segment = get_node_or_error(info, id, only_type=CustomerSegment, field="id")
    channel_id = segment.channel_id if segment else None
    if channel is not None:
        check_channel_access(info, channel)
        channel_id = get_channel_or_error(channel, using=database).pk
    elif segment is not None:
        check_channel_id_access(info, segment.channel_id)
    return actions.customer_segment_preview(
        definition=definition,
        channel_id=channel_id,
        segment=segment,
        sample_size=PREVIEW_SAMPLE_SIZE,
        using=database,
    )


def resolve_customer_segment_preview(info: ResolveInfo, *, definition, channel, id):
    """The preview, or its input errors in Saleor's mutation format."""
    try:
        preview = _preview(info, definition, channel, id)
    except SegmentError as error:
        return CustomerSegmentPreview(
            errors=validation_error_to_error_type(
                domain_error_to_validation_error(error), CustomerSegmentErrorType
            )
        )
    except ValidationError as error:
        return CustomerSegmentPreview(
            errors=validation_error_to_error_type(error, CustomerSegmentErrorType)
        )
    return CustomerSegmentPreview(
        count=preview.count,
        sample=preview.sample_user_ids,
        entering=preview.entering,
        leaving=preview.leaving,
        errors=[],
    )


def resolve_customer_value_report(info: ResolveInfo, *, channel: str, top_percent, first: int):
    top_percent = Decimal(str(top_percent))
    if not Decimal(0) < top_percent <= Decimal(100):
        raise GraphQLError("topPercent must be greater than 0 and at most 100.")
    if not 0 <= first <= settings.GRAPHQL_PAGINATION_LIMIT:
        raise GraphQLError(f"first must be between 0 and {settings.GRAPHQL_PAGINATION_LIMIT}.")
    check_channel_access(info, channel)
    database = get_database_connection_name(info.context)
    channel_obj = channel_or_none(channel, using=database)
    if channel_obj is None:
        return None
    return rfm.customer_value_report(
        channel_id=channel_obj.pk, top_percent=top_percent, limit=first, using=database
    )


def resolve_user_crm_tags(root: UserModel, info: ResolveInfo):
    return CustomerTagsByUserIdLoader(info.context).load(root.pk)


def resolve_user_segments(root: UserModel, info: ResolveInfo):
    return (
        SegmentsByUserIdLoader(info.context)
        .load(root.pk)
        .then(lambda segments: accessible_rows(info, segments))
    )


def resolve_user_segment_explanations(
    root: UserModel, info: ResolveInfo, ids: list[str] | None = None
):
    """One evaluation per customer: meant for a customer's page, not for lists."""
    segment_ids = None if ids is None else [global_id_to_pk(id, CustomerSegment) for id in ids]
    return explain.customer_segments_explain(
        user=root, segment_ids=segment_ids, using=get_database_connection_name(info.context)
    )


def resolve_user_rfm(root: UserModel, info: ResolveInfo, channel: str | None = None):
    loader = CustomerRfmByUserAndChannelIdLoader(info.context)
    if channel is None:
        return loader.load((root.pk, None)).then(lambda rows: accessible_rows(info, rows))
    check_channel_access(info, channel)
    if not is_channel_slug(channel):
        return []

    def with_channel(channel_obj):
        if channel_obj is None:
            return Promise.resolve([])
        return loader.load((root.pk, channel_obj.pk))

    return ChannelBySlugLoader(info.context).load(channel).then(with_channel)
