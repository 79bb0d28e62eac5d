import graphene
from saleor.graphql.core.scalars import DateTime
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
        description="Who gave the answer: `customer`, `staff`, `unsubscribe_link` (a link "
        "in a CRM message) or `import`.",
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
        description="Who gave the answer: `customer`, `staff`, `unsubscribe_link` or "
        "`import`; null when never answered."
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
    reason = graphene.String(required=True, description="Why, when staff gave one.")
    created_at = DateTime(required=True, description="When.")

    class Meta:
        model = models.ConsentEvent
        description = "One change of a customer's consent (the history is append-only)."
        doc_category = DOC_CATEGORY_PRIVACY


class ConsentErrorType(Error):
    code = ConsentErrorCodeEnum(description="The error code.", required=True)

    class Meta:
        name = "ConsentError"
        doc_category = DOC_CATEGORY_PRIVACY
