import graphene
from saleor.graphql.account.dataloaders import UserByUserIdLoader
from saleor.graphql.app.dataloaders import AppByIdLoader
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.scalars import DateTime
from saleor.graphql.utils import get_user_or_app_from_context
from saleor.permission.enums import AccountPermissions
from saleor.graphql.core.types import BaseObjectType, Error, ModelObjectType

from ...consent import models
from ..carts.enums import DOC_CATEGORY_CART_RECOVERY
from .enums import (
    DOC_CATEGORY_PRIVACY,
    ConsentErrorCodeEnum,
    CustomerConsentActorEnum,
    CustomerConsentPurposeEnum,
)


class CustomerMarketingConsent(ModelObjectType[models.MarketingConsent]):
    granted = graphene.Boolean(
        required=True, description="Whether the CRM may send the customer marketing messages."
    )
    source = graphene.String(
        required=True,
        description="Who gave the answer: `customer`, `staff`, `app`, `unsubscribe_link` "
        "(a link in a CRM message) or `import`.",
    )
    updated_at = DateTime(required=True, description="When the answer was given.")

    class Meta:
        model = models.MarketingConsent
        description = "A customer's latest answer about marketing messages."
        doc_category = DOC_CATEGORY_CART_RECOVERY


class CustomerConsent(BaseObjectType):
    purpose = CustomerConsentPurposeEnum(required=True, description="What the answer allows.")
    granted = graphene.Boolean(
        description="The customer's latest answer; null when they never answered (the "
        "purpose's default applies: the channel's setting for marketing e-mail, yes for "
        "profiling)."
    )
    source = graphene.String(
        description="Who gave the answer: `customer`, `staff`, `app`, `unsubscribe_link` "
        "or `import`; null when never answered."
    )
    updated_at = DateTime(description="When the answer was given; null when never answered.")

    class Meta:
        description = "A customer's consent for one purpose, with its source and time."
        doc_category = DOC_CATEGORY_PRIVACY


class CustomerConsentEvent(ModelObjectType[models.ConsentEvent]):
    purpose = CustomerConsentPurposeEnum(required=True, description="What the answer allows.")
    granted = graphene.Boolean(required=True, description="The answer given.")
    source = graphene.String(required=True, description="Where the answer came from.")
    actor = CustomerConsentActorEnum(required=True, description="Who changed it.")
    reason = graphene.String(required=True, description="Why, when staff or an app gave one.")
    staff_user = graphene.Field(
        "saleor.graphql.account.types.User",
        description="The staff member who made the change; visible to them and to "
        "MANAGE_USERS or MANAGE_STAFF, as Saleor's order events.",
    )
    app = graphene.Field(
        "saleor.graphql.app.types.App", description="The app that made the change."
    )
    created_at = DateTime(required=True, description="When.")

    class Meta:
        model = models.ConsentEvent
        description = "One change of a customer's consent (the history is append-only)."
        doc_category = DOC_CATEGORY_PRIVACY

    @staticmethod
    def resolve_staff_user(root: models.ConsentEvent, info: ResolveInfo):
        requester = get_user_or_app_from_context(info.context)
        if root.staff_user_id is None or requester is None:
            return None

        def visible(staff_user):
            if (
                requester == staff_user
                or requester.has_perm(AccountPermissions.MANAGE_USERS)
                or requester.has_perm(AccountPermissions.MANAGE_STAFF)
            ):
                return staff_user
            return None

        return UserByUserIdLoader(info.context).load(root.staff_user_id).then(visible)

    @staticmethod
    def resolve_app(root: models.ConsentEvent, info: ResolveInfo):
        if root.app_id is None:
            return None
        return AppByIdLoader(info.context).load(root.app_id)


class ConsentErrorType(Error):
    code = ConsentErrorCodeEnum(description="The error code.", required=True)

    class Meta:
        name = "ConsentError"
        doc_category = DOC_CATEGORY_PRIVACY
