import graphene
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.fields import JSONString
from saleor.graphql.core.types import BaseInputObjectType
from saleor.permission.enums import AccountPermissions

from ....segments import actions
from ...utils import CRMBaseMutation, get_node_or_error
from ..enums import DOC_CATEGORY_SEGMENTS
from ..types import CustomerSegment, CustomerSegmentErrorType
from .utils import clean_definition


class CustomerSegmentUpdateInput(BaseInputObjectType):
    name = graphene.String(description="Name of the segment.")
    definition = JSONString(description="The new condition tree (see docs/segments.md).")
    auto_tag = graphene.String(
        description="The tag members carry automatically; an empty string removes it."
    )

    class Meta:
        doc_category = DOC_CATEGORY_SEGMENTS


class CustomerSegmentUpdate(CRMBaseMutation):
    customer_segment = graphene.Field(
        CustomerSegment, description="The segment, its members recomputed."
    )

    class Arguments:
        id = graphene.ID(required=True, description="ID of the segment.")
        input = CustomerSegmentUpdateInput(
            required=True, description="What to change; omitted fields stay."
        )

    class Meta:
        description = (
            "Rename a segment or change its definition or automatic tag. A new "
            "definition is validated and membership is recomputed at once; customers "
            'who join or leave get a history event "definition changed". The channel '
            "of a segment cannot change: create another segment."
        )
        doc_category = DOC_CATEGORY_SEGMENTS
        permissions = (AccountPermissions.MANAGE_USERS,)
        error_type_class = CustomerSegmentErrorType

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, id: str, input
    ):
        segment = get_node_or_error(info, id, only_type=CustomerSegment)
        definition = None
        if "definition" in input:
            definition = clean_definition(input["definition"])
        segment = actions.customer_segment_update(
            segment=segment,
            name=input.get("name"),
            definition=definition,
            auto_tag=input.get("auto_tag"),
        )
        return cls(customer_segment=segment, errors=[])
