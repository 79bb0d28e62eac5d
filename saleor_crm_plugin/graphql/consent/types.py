import graphene
from saleor.graphql.core.scalars import DateTime
from saleor.graphql.core.types import ModelObjectType

from ...consent import models
from ..carts.enums import DOC_CATEGORY_CART_RECOVERY


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
