import graphene
from saleor.graphql.account.types import User
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.types import NonNullList
from saleor.permission.enums import AccountPermissions

from ....segments import actions
from ...utils import CRMBaseMutation, get_node_or_error
from ..enums import DOC_CATEGORY_SEGMENTS
from ..types import CustomerSegmentErrorType


class CustomerTagsMutation(CRMBaseMutation):
    """Shared payload and lookup of tagsAdd / tagsRemove."""

    user = graphene.Field(User, description="The customer.")
    tags = NonNullList(
        graphene.String, description="The customer's tags afterwards (manual and automatic)."
    )

    class Meta:
        abstract = True

    @classmethod
    def change_tags(cls, info: ResolveInfo, customer_id: str, tags: list[str], change):
        customer = get_node_or_error(info, customer_id, only_type=User, field="customerId")
        tags_after = change(user=customer, tags=tags)
        return cls(user=customer, tags=tags_after, errors=[])


class CustomerTagsAdd(CustomerTagsMutation):
    class Arguments:
        customer_id = graphene.ID(required=True, description="ID of the customer.")
        tags = NonNullList(
            graphene.String,
            required=True,
            description="Tags to add: up to 50 characters of letters, digits, spaces, "
            "`-`, `_` and `:`; stored lower-cased with whitespace collapsed.",
        )

    class Meta:
        description = (
            "Tag a customer. Tags the customer already has are kept; segments with tag "
            "conditions are re-evaluated for the customer."
        )
        doc_category = DOC_CATEGORY_SEGMENTS
        permissions = (AccountPermissions.MANAGE_USERS,)
        error_type_class = CustomerSegmentErrorType

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, customer_id: str, tags: list[str]
    ):
        return cls.change_tags(info, customer_id, tags, actions.customer_tags_add)
