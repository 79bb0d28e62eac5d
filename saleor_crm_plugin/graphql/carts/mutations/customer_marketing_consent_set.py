import graphene
from saleor.graphql.account.types import User
from saleor.graphql.core import ResolveInfo
from saleor.permission.auth_filters import AuthorizationFilters
from saleor.permission.enums import AccountPermissions

from ....carts.error_codes import CartRecoveryErrorCode
from ....consent.actions import marketing_consent_set
from ....consent.models import ConsentSource
from ...utils import CRMBaseMutation, CustomerOrStaffMutationMixin
from ..enums import DOC_CATEGORY_CART_RECOVERY
from ..types import CartRecoveryErrorType


class CustomerMarketingConsentSet(CustomerOrStaffMutationMixin, CRMBaseMutation):
    user = graphene.Field(User, description="The customer.")
    granted = graphene.Boolean(description="The consent as stored now.")

    class Arguments:
        granted = graphene.Boolean(
            required=True, description="Whether the CRM may send marketing messages."
        )
        customer_id = graphene.ID(description="ID of the customer; omit it to answer for yourself.")

    class Meta:
        description = (
            "Record a customer's marketing consent (reminders of abandoned checkouts and "
            "other CRM messages). Customers answer for themselves; staff and apps need "
            "MANAGE_USERS."
        )
        doc_category = DOC_CATEGORY_CART_RECOVERY
        permissions = (AccountPermissions.MANAGE_USERS, AuthorizationFilters.OWNER)
        error_type_class = CartRecoveryErrorType

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, granted: bool, customer_id=None
    ):
        requestor = info.context.user
        customer = cls.get_customer(
            info, customer_id, required_code=CartRecoveryErrorCode.REQUIRED.value
        )
        is_self = requestor is not None and requestor.pk == customer.pk
        consent = marketing_consent_set(
            email=customer.email,
            granted=granted,
            source=ConsentSource.CUSTOMER if is_self else ConsentSource.STAFF,
            user_id=customer.pk,
        )
        return cls(user=customer, granted=consent.granted, errors=[])
