import graphene
from saleor.graphql.account.types import User
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.mutations import BaseMutation
from saleor.graphql.core.scalars import Date
from saleor.permission.auth_filters import AuthorizationFilters
from saleor.permission.enums import AccountPermissions

from ....loyalty import bonuses
from ....loyalty.error_codes import LoyaltyErrorCode
from ....loyalty.exceptions import LoyaltyError as LoyaltyDomainError
from ...utils import CustomerOrStaffMutationMixin
from ..enums import DOC_CATEGORY_LOYALTY
from ..types import LoyaltyError
from .utils import to_validation_error


class CustomerBirthdaySet(CustomerOrStaffMutationMixin, BaseMutation):
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
        error_type_class = LoyaltyError

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, customer_id=None, birthday=None
    ):
        customer = cls.get_customer(
            info, customer_id, required_code=LoyaltyErrorCode.REQUIRED.value
        )
        try:
            profile = bonuses.customer_birthday_set(user=customer, birthday=birthday)
        except LoyaltyDomainError as error:
            raise to_validation_error(error) from error
        return cls(user=customer, birthday=profile.birthday, errors=[])
