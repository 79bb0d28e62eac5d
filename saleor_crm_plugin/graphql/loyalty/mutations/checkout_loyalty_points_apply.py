import graphene
from django.core.exceptions import ValidationError
from saleor.checkout.actions import call_checkout_event
from saleor.core.exceptions import PermissionDenied
from saleor.graphql.app.dataloaders import get_app_promise
from saleor.graphql.checkout.mutations.utils import get_checkout
from saleor.graphql.checkout.types import Checkout
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import SyncWebhookControlContext
from saleor.graphql.plugins.dataloaders import get_plugin_manager_promise
from saleor.graphql.utils import get_user_or_app_from_context
from saleor.permission.auth_filters import AuthorizationFilters
from saleor.permission.enums import AccountPermissions
from saleor.webhook.event_types import WebhookEventAsyncType

from ....loyalty import checkout_points
from ....loyalty.error_codes import LoyaltyErrorCode
from ...utils import clean_global_id, CRMBaseMutation
from ..enums import DOC_CATEGORY_LOYALTY
from ..types import LoyaltyErrorType


class CheckoutLoyaltyPointsMutation(CRMBaseMutation):
    """Shared by apply and remove: the points belong to the checkout's customer."""

    checkout = graphene.Field(Checkout, description="The checkout with its new totals.")

    class Meta:
        abstract = True

    @classmethod
    def get_customer_checkout(cls, info: ResolveInfo, checkout_id: str):
        """The checkout, if it has a customer and the requestor may act for them.

        As ``checkoutCustomerAttach`` decides for a customer: the customer themself,
        or staff and apps with IMPERSONATE_USER.
        """
        # Saleor's lookup takes "" for no ID and a key of the wrong shape to the database.
        clean_global_id(checkout_id, only_type=Checkout, field="id")
        checkout = get_checkout(cls, info, id=checkout_id)
        if checkout.user_id is None:
            raise ValidationError(
                {
                    "id": ValidationError(
                        "Points can be redeemed only on a checkout of a signed-in customer.",
                        code=LoyaltyErrorCode.ACCOUNT_REQUIRED.value,
                    )
                }
            )
        user = info.context.user
        if user is None or user.pk != checkout.user_id:
            requestor = get_user_or_app_from_context(info.context)
            if not requestor or not requestor.has_perm(AccountPermissions.IMPERSONATE_USER):
                raise PermissionDenied(
                    permissions=[AuthorizationFilters.OWNER, AccountPermissions.IMPERSONATE_USER]
                )
        return checkout

    @classmethod
    def checkout_updated(cls, info: ResolveInfo, checkout):
        checkout.refresh_from_db()
        manager = get_plugin_manager_promise(info.context).get()
        call_checkout_event(
            manager, event_name=WebhookEventAsyncType.CHECKOUT_UPDATED, checkout=checkout
        )
        return cls(checkout=SyncWebhookControlContext(node=checkout), errors=[])


class CheckoutLoyaltyPointsApply(CheckoutLoyaltyPointsMutation):
    class Arguments:
        id = graphene.ID(required=True, description="ID of the checkout.")
        points = graphene.Int(
            required=True,
            description="Points to redeem; replaces what the checkout had applied. "
            "At most `checkout.loyalty.maxRedeemablePoints`.",
        )

    class Meta:
        description = (
            "Pay part of a checkout with the customer's loyalty points: they are "
            "reserved and a gift card worth them is applied to the checkout. Requires "
            "the checkout's customer, or IMPERSONATE_USER."
        )
        doc_category = DOC_CATEGORY_LOYALTY
        permissions = (
            AuthorizationFilters.AUTHENTICATED_APP,
            AuthorizationFilters.AUTHENTICATED_USER,
        )
        error_type_class = LoyaltyErrorType

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, id: str, points: int
    ):
        checkout = cls.get_customer_checkout(info, id)
        checkout_points.checkout_points_apply(
            checkout=checkout,
            points=points,
            manager=get_plugin_manager_promise(info.context).get(),
            actor_user=info.context.user,
            actor_app=get_app_promise(info.context).get(),
        )
        return cls.checkout_updated(info, checkout)
