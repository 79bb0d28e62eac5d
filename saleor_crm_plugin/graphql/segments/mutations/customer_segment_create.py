import graphene
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import get_database_connection_name
from saleor.graphql.core.fields import JSONString
from saleor.graphql.core.types import BaseInputObjectType
from saleor.permission.enums import AccountPermissions

from ....segments import actions
from ...utils import CRMBaseMutation, check_channel_access
from ..enums import DOC_CATEGORY_SEGMENTS
from ..types import CustomerSegment, CustomerSegmentErrorType
from .utils import clean_definition, get_channel_or_error


class CustomerSegmentCreateInput(BaseInputObjectType):
    name = graphene.String(required=True, description="Name of the segment.")
    channel = graphene.String(
        description="Slug of the channel; required when the definition has money or "
        "loyalty conditions."
    )
    definition = JSONString(required=True, description="The condition tree (see docs/segments.md).")
    auto_tag = graphene.String(
        description="A tag members carry automatically while they are in the segment."
    )

    class Meta:
        doc_category = DOC_CATEGORY_SEGMENTS


class CustomerSegmentCreate(CRMBaseMutation):
    customer_segment = graphene.Field(
        CustomerSegment, description="The new segment, its members already computed."
    )

    class Arguments:
        input = CustomerSegmentCreateInput(required=True, description="The segment.")

    class Meta:
        description = (
            "Create a rule-based customer segment. The definition is validated (errors "
            "name the node at fault) and membership is computed at once."
        )
        doc_category = DOC_CATEGORY_SEGMENTS
        permissions = (AccountPermissions.MANAGE_USERS,)
        error_type_class = CustomerSegmentErrorType

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, input
    ):
        definition = clean_definition(input["definition"])
        channel_id = None
        if input.get("channel") is not None:
            check_channel_access(info, input["channel"])
            channel_id = get_channel_or_error(
                input["channel"], using=get_database_connection_name(info.context)
            ).pk
        segment = actions.customer_segment_create(
            name=input["name"],
            definition=definition,
            channel_id=channel_id,
            auto_tag=input.get("auto_tag") or "",
        )
        return cls(customer_segment=segment, errors=[])
