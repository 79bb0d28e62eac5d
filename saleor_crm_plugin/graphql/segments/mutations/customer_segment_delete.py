import graphene
from saleor.graphql.core import ResolveInfo
from saleor.permission.enums import AccountPermissions

from ....segments import actions
from ...utils import CRMBaseMutation, get_node_or_error
from ..enums import DOC_CATEGORY_SEGMENTS
from ..types import CustomerSegment, CustomerSegmentErrorType


class CustomerSegmentDelete(CRMBaseMutation):
    customer_segment = graphene.Field(CustomerSegment, description="The deleted segment.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the segment.")

    class Meta:
        description = (
            "Delete a segment with its membership and history; the automatic tags it "
            "set are removed."
        )
        doc_category = DOC_CATEGORY_SEGMENTS
        permissions = (AccountPermissions.MANAGE_USERS,)
        error_type_class = CustomerSegmentErrorType

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, id: str
    ):
        segment = get_node_or_error(info, id, only_type=CustomerSegment)
        segment_id = segment.pk
        actions.customer_segment_delete(segment=segment)
        # As Saleor's delete mutations do: the payload keeps the deleted object's ID.
        segment.pk = segment_id
        return cls(customer_segment=segment, errors=[])
