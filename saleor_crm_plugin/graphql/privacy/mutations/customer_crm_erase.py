import graphene
from django.core.exceptions import ValidationError
from saleor.graphql.account.types import User
from saleor.graphql.core import ResolveInfo
from saleor.permission.enums import AccountPermissions

from ....privacy.erasure import customer_data_erase
from ....privacy.error_codes import PrivacyErrorCode
from ...utils import CRMBaseMutation, get_node_or_error
from ..types import PrivacyErrorType
from ...consent.enums import DOC_CATEGORY_PRIVACY


class CustomerCrmErase(CRMBaseMutation):
    user = graphene.Field(User, description="The customer; their Saleor account stays.")
    erased_rows = graphene.Int(
        description="How many CRM rows were deleted or pseudonymised (0 when run again)."
    )

    class Arguments:
        id = graphene.ID(required=True, description="ID of the customer.")

    class Meta:
        description = (
            "Erase a customer's personal data from the CRM at their request, without "
            "deleting their Saleor account (docs/privacy.md): consent answers and their "
            "history, tags, RFM, birthday, receipt claims and card recognitions go; "
            "abandoned checkouts, reminders and offers are pseudonymised; loyalty "
            "accounts keep their entries without the customer; the customer is recorded "
            "as objecting to marketing e-mail and profiling. Reports keep their sums. "
            "Requires MANAGE_USERS."
        )
        doc_category = DOC_CATEGORY_PRIVACY
        permissions = (AccountPermissions.MANAGE_USERS,)
        error_type_class = PrivacyErrorType

    @classmethod
    def perform_mutation(cls, _root, info: ResolveInfo, /, *, id: str):  # type: ignore[override]
        customer = get_node_or_error(info, id, only_type=User)
        if customer.is_staff:
            raise ValidationError(
                {
                    "id": ValidationError(
                        "A staff account is not a customer.",
                        code=PrivacyErrorCode.INVALID.value,
                    )
                }
            )
        result = customer_data_erase(
            user_id=customer.pk, emails=[customer.email], account_deleted=False
        )
        return cls(user=customer, erased_rows=result.changed, errors=[])
