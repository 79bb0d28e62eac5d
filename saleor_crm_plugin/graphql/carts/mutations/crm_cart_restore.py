import graphene
from django.utils import timezone
from saleor.graphql.checkout.types import Checkout
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import SyncWebhookControlContext

from ....carts import restore
from ...loyalty.checkout import CrmOffer, cart_recovery_crm_offer
from ...utils import CRMBaseMutation
from ..enums import DOC_CATEGORY_CART_RECOVERY
from ..types import CartRecoveryErrorType


class CrmCartRestore(CRMBaseMutation):
    checkout = graphene.Field(Checkout, description="The abandoned checkout to resume.")
    offer = graphene.Field(
        CrmOffer, description="The recovery offer made for it, while it is live."
    )

    class Arguments:
        token = graphene.String(
            required=True, description="The signed `crm` parameter of the reminder's link."
        )

    class Meta:
        description = (
            "Open the cart a CRM reminder links to: the checkout and its live recovery "
            "offer. Needs no login: the signed token names the checkout. A forged, "
            "altered or expired token is refused with INVALID_TOKEN; a checkout Saleor "
            "has deleted with NOT_FOUND. Writes nothing."
        )
        doc_category = DOC_CATEGORY_CART_RECOVERY
        error_type_class = CartRecoveryErrorType

    @classmethod
    def perform_mutation(cls, _root, _info: ResolveInfo, /, *, token: str):  # type: ignore[override]
        restored = restore.cart_restore(token=token, now=timezone.now())
        checkout = restored.checkout
        offer = restored.offer
        return cls(
            checkout=SyncWebhookControlContext(node=checkout, allow_sync_webhooks=False),
            offer=cart_recovery_crm_offer(offer, checkout.currency) if offer else None,
            errors=[],
        )
