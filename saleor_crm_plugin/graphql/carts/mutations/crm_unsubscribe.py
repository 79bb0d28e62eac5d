import graphene
from django.core.exceptions import ValidationError
from saleor.graphql.core import ResolveInfo

from ....carts.error_codes import CartRecoveryErrorCode
from ....consent.unsubscribe import InvalidUnsubscribeToken, marketing_recipient_unsubscribe
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
            "Needs no login: the signed token names the recipient. Doing it twice changes "
            "nothing; a forged, altered or expired token (180 days after its message) is "
            "refused with INVALID_TOKEN."
        )
        doc_category = DOC_CATEGORY_CART_RECOVERY
        error_type_class = CartRecoveryErrorType

    @classmethod
    def perform_mutation(cls, _root, _info: ResolveInfo, /, *, token: str):  # type: ignore[override]
        try:
            email = marketing_recipient_unsubscribe(token=token)
        except InvalidUnsubscribeToken as error:
            raise ValidationError(
                {
                    "token": ValidationError(
                        error.message, code=CartRecoveryErrorCode.INVALID_TOKEN.value
                    )
                }
            ) from error
        return cls(email=email, errors=[])
