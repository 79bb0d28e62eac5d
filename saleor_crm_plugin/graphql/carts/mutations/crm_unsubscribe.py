import graphene
from saleor.graphql.core import ResolveInfo

from ....carts import unsubscribe
from ...utils import CRMBaseMutation
from ..enums import DOC_CATEGORY_CART_RECOVERY
from ..types import CartRecoveryErrorType


class CrmUnsubscribe(CRMBaseMutation):
    email = graphene.String(description="The address that no longer gets CRM marketing.")

    class Arguments:
        token = graphene.String(
            required=True, description="The signed token of the message's unsubscribe link."
        )

    class Meta:
        description = (
            "Withdraw marketing consent through the unsubscribe link of a CRM message. "
            "Needs no login: the signed token names the address. Doing it twice changes "
            "nothing; a forged or altered token is refused with INVALID_TOKEN."
        )
        doc_category = DOC_CATEGORY_CART_RECOVERY
        error_type_class = CartRecoveryErrorType

    @classmethod
    def perform_mutation(cls, _root, _info: ResolveInfo, /, *, token: str):  # type: ignore[override]
        email = unsubscribe.shopper_unsubscribe(token=token)
        return cls(email=email, errors=[])
