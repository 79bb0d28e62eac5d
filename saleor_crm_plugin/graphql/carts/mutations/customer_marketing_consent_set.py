import graphene
from saleor.graphql.account.types import User
from saleor.graphql.core import ResolveInfo
from saleor.permission.auth_filters import AuthorizationFilters
from saleor.permission.enums import AccountPermissions

from ....consent.actions import marketing_consent_set
from ....consent.error_codes import ConsentErrorCode
from ....consent.models import ConsentSource
from ...consent.types import ConsentErrorType
from ...utils import CRMBaseMutation, CustomerOrStaffMutationMixin
from ..enums import DOC_CATEGORY_CART_RECOVERY


class CustomerMarketingConsentSet(CustomerOrStaffMutationMixin, CRMBaseMutation):
    user = graphene.Field(User, description="The customer.")
    granted = graphene.Boolean(description="The consent as stored now.")

    class Arguments:
        granted = graphene.Boolean(
            required=True, description="Whether the CRM may send marketing messages."
        )
        customer_id = graphene.ID(description="ID of the customer; omit it to answer for yourself.")
        reason = graphene.String(
            description="Why staff or an app changes the customer's answer; required to "
            "give back a consent the customer withdrew. Recorded in their consent history."
        )

    class Meta:
        description = (
            "Record a customer's marketing consent (reminders of abandoned checkouts and "
            "other CRM messages). Customers answer for themselves; staff and apps need "
            "MANAGE_USERS, may always withdraw, and give back a withdrawn consent only "
            "with a `reason` (else `REASON_REQUIRED`), recorded as theirs in the "
            "customer's consent history."
        )
        doc_category = DOC_CATEGORY_CART_RECOVERY
        permissions = (AccountPermissions.MANAGE_USERS, AuthorizationFilters.OWNER)
        error_type_class = ConsentErrorType

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, granted: bool, customer_id=None, reason=None
    ):
        requestor = info.context.user
        app = info.context.app
        customer = cls.get_customer(
            info, customer_id, required_code=ConsentErrorCode.REQUIRED.value
        )
        if requestor is not None and requestor.pk == customer.pk:
            source, by = ConsentSource.CUSTOMER, {}
        elif app is not None:
            source, by = ConsentSource.APP, {"app_id": app.pk}
        else:
            source, by = ConsentSource.STAFF, {"staff_user_id": requestor.pk}
        consent = marketing_consent_set(
            email=customer.email,
            granted=granted,
            source=source,
            user_id=customer.pk,
            reason=reason or "",
            **by,
        )
        return cls(user=customer, granted=consent.granted, errors=[])
