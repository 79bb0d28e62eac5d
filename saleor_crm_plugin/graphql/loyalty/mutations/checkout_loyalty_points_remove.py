import graphene
from saleor.graphql.core import ResolveInfo
from saleor.permission.auth_filters import AuthorizationFilters

from ....loyalty import checkout_points
from ..enums import DOC_CATEGORY_LOYALTY
from ..types import LoyaltyErrorType
from .checkout_loyalty_points_apply import CheckoutLoyaltyPointsMutation


class CheckoutLoyaltyPointsRemove(CheckoutLoyaltyPointsMutation):
    class Arguments:
        id = graphene.ID(required=True, description="ID of the checkout.")

    class Meta:
        description = (
            "Take the loyalty points off a checkout: they are released to the customer "
            "and the checkout's points gift card is deactivated. Removing when nothing "
            "is applied changes nothing. Requires the checkout's customer, or "
            "IMPERSONATE_USER."
        )
        doc_category = DOC_CATEGORY_LOYALTY
        permissions = (
            AuthorizationFilters.AUTHENTICATED_APP,
            AuthorizationFilters.AUTHENTICATED_USER,
        )
        error_type_class = LoyaltyErrorType

    @classmethod
    def perform_mutation(cls, _root, info: ResolveInfo, /, *, id: str):  # type: ignore[override]
        checkout = cls.get_customer_checkout(info, id)
        checkout_points.checkout_points_remove(checkout=checkout)
        return cls.checkout_updated(info, checkout)
