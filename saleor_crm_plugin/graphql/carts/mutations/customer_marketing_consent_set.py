import graphene
from django.core.exceptions import ValidationError
from saleor.graphql.account.types import User
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.mutations import BaseMutation
from saleor.permission.auth_filters import AuthorizationFilters
from saleor.permission.enums import AccountPermissions
from saleor.permission.utils import one_of_permissions_or_auth_filter_required

from ....carts.error_codes import CartRecoveryErrorCode
from ....consent.actions import marketing_consent_set
from ....consent.models import ConsentSource
from ..enums import DOC_CATEGORY_CART_RECOVERY
from ..types import CartRecoveryError


class CustomerMarketingConsentSet(BaseMutation):
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
        error_type_class = CartRecoveryError

    @classmethod
    def check_permissions(cls, context, permissions=None, **data):
        if one_of_permissions_or_auth_filter_required(context, [AccountPermissions.MANAGE_USERS]):
            return True
        user = context.user
        customer_id = data["data"].get("customer_id")
        return bool(user) and (
            customer_id is None or customer_id == graphene.Node.to_global_id("User", user.pk)
        )

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, granted: bool, customer_id=None
    ):
        requestor = info.context.user
        if customer_id is None:
            if requestor is None:
                raise ValidationError(
                    {
                        "customerId": ValidationError(
                            "An app must name the customer.",
                            code=CartRecoveryErrorCode.REQUIRED.value,
                        )
                    }
                )
            customer = requestor
        else:
            customer = cls.get_node_or_error(info, customer_id, only_type=User, field="customerId")
        is_self = requestor is not None and requestor.pk == customer.pk
        consent = marketing_consent_set(
            email=customer.email,
            granted=granted,
            source=ConsentSource.CUSTOMER if is_self else ConsentSource.STAFF,
            user_id=customer.pk,
        )
        return cls(user=customer, granted=consent.granted, errors=[])
