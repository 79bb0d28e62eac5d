import graphene
from saleor.graphql.account.types import User
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.scalars import Date
from saleor.permission.auth_filters import AuthorizationFilters
from saleor.permission.enums import AccountPermissions

from ....loyalty import bonuses
from ....loyalty.error_codes import LoyaltyErrorCode
from ...utils import CRMBaseMutation, CustomerOrStaffMutationMixin
from ..enums import DOC_CATEGORY_LOYALTY
from ..types import LoyaltyErrorType


class CustomerBirthdaySet(CustomerOrStaffMutationMixin, CRMBaseMutation):
    user = graphene.Field(User, description="The customer.")
    birthday = Date(description="The customer's birthday as stored now.")

    class Arguments:
        customer_id = graphene.ID(
            description="ID of the customer; omit it to set your own birthday."
        )
        birthday = Date(description="The birthday (not in the future); null clears it.")

    class Meta:
        description = (
            "Set a customer's birthday, which earns the channel's birthday bonus once a "
            "year. Customers set their own; staff and apps need MANAGE_USERS."
        )
        doc_category = DOC_CATEGORY_LOYALTY
        permissions = (AccountPermissions.MANAGE_USERS, AuthorizationFilters.OWNER)
        error_type_class = LoyaltyErrorType

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, customer_id=None, birthday=None
    ):
        customer = cls.get_customer(
            info, customer_id, required_code=LoyaltyErrorCode.REQUIRED.value
        )
        profile = bonuses.customer_birthday_set(user=customer, birthday=birthday)
        return cls(user=customer, birthday=profile.birthday, errors=[])
