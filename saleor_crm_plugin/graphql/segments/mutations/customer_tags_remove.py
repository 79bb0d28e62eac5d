import graphene
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.types import NonNullList
from saleor.permission.enums import AccountPermissions

from ....segments import actions
from ..enums import DOC_CATEGORY_SEGMENTS
from ..types import CustomerSegmentErrorType
from .customer_tags_add import CustomerTagsMutation


class CustomerTagsRemove(CustomerTagsMutation):
    class Arguments:
        customer_id = graphene.ID(required=True, description="ID of the customer.")
        tags = NonNullList(
            graphene.String,
            required=True,
            description="Tags to remove (compared case-insensitively).",
        )

    class Meta:
        description = (
            "Remove tags set by staff from a customer. Automatic tags follow their "
            "segment's membership and stay."
        )
        doc_category = DOC_CATEGORY_SEGMENTS
        permissions = (AccountPermissions.MANAGE_USERS,)
        error_type_class = CustomerSegmentErrorType

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, customer_id: str, tags: list[str]
    ):
        return cls.change_tags(info, customer_id, tags, actions.customer_tags_remove)
