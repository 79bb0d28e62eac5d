import graphene
from django.core.exceptions import ValidationError
from saleor.graphql.account.types import User
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.mutations import BaseMutation
from saleor.graphql.core.scalars import Date
from saleor.permission.auth_filters import AuthorizationFilters
from saleor.permission.enums import AccountPermissions
from saleor.permission.utils import one_of_permissions_or_auth_filter_required

from ....loyalty import bonuses
from ....loyalty.error_codes import LoyaltyErrorCode
from ....loyalty.exceptions import LoyaltyError as LoyaltyDomainError
from ..enums import DOC_CATEGORY_LOYALTY
from ..types import LoyaltyError
from .utils import to_validation_error


class CustomerBirthdaySet(BaseMutation):
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
        cls, _root, info: ResolveInfo, /, *, customer_id=None, birthday=None
    ):
        if customer_id is None:
            customer = info.context.user
            if customer is None:
                raise ValidationError(
                    {
                        "customerId": ValidationError(
                            "An app must name the customer.",
                            code=LoyaltyErrorCode.REQUIRED.value,
                        )
                    }
                )
        else:
            customer = cls.get_node_or_error(info, customer_id, only_type=User, field="customerId")
        try:
            profile = bonuses.set_customer_birthday(user=customer, birthday=birthday)
        except LoyaltyDomainError as error:
            raise to_validation_error(error) from error
        return cls(user=customer, birthday=profile.birthday, errors=[])
