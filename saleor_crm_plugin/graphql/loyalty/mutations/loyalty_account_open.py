import graphene
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import get_database_connection_name
from saleor.permission.auth_filters import AuthorizationFilters
from saleor.permission.enums import AccountPermissions

from ....loyalty.accounts import account_open
from ....loyalty.error_codes import LoyaltyErrorCode
from ...utils import CRMBaseMutation, CustomerOrStaffMutationMixin, check_channel_access
from ..enums import DOC_CATEGORY_LOYALTY
from ..types import LoyaltyAccount, LoyaltyErrorType
from .utils import get_channel_or_error


class LoyaltyAccountOpen(CustomerOrStaffMutationMixin, CRMBaseMutation):
    account = graphene.Field(LoyaltyAccount, description="The customer's account, open.")

    class Arguments:
        channel = graphene.String(required=True, description="Slug of the channel.")
        customer_id = graphene.ID(
            description="ID of the customer; omit it to join the programme yourself."
        )

    class Meta:
        description = (
            "Join a channel's loyalty programme before earning anything, so the shopper "
            "has a member code (`LoyaltyAccount.memberCode`) to show at the till. Opening "
            "an open account returns it unchanged; the sign-up bonus follows the "
            "programme's rules. Customers open their own; staff and apps need "
            "MANAGE_USERS."
        )
        doc_category = DOC_CATEGORY_LOYALTY
        permissions = (AccountPermissions.MANAGE_USERS, AuthorizationFilters.OWNER)
        error_type_class = LoyaltyErrorType

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, channel: str, customer_id=None
    ):
        check_channel_access(info, channel)
        customer = cls.get_customer(
            info, customer_id, required_code=LoyaltyErrorCode.REQUIRED.value
        )
        channel_obj = get_channel_or_error(
            channel, using=get_database_connection_name(info.context)
        )
        account = account_open(user_id=customer.pk, channel_id=channel_obj.pk)
        return cls(account=account, errors=[])
