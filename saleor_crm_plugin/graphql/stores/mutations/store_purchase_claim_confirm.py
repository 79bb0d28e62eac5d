import graphene
from saleor.graphql.core import ResolveInfo
from saleor.permission.auth_filters import AuthorizationFilters

from ....stores.claims import store_purchase_claim_confirm
from ...utils import CRMBaseMutation, clean_global_id
from ..enums import DOC_CATEGORY_STORES
from ..types import StoreErrorType, StorePurchase, StorePurchaseClaim


class StorePurchaseClaimConfirm(CRMBaseMutation):
    purchase = graphene.Field(StorePurchase, description="The purchase, now in your account.")
    # Nullable, as Saleor's mutation payloads are: null when the claim is refused.
    points_earned = graphene.Int(
        description="Points it earned, back-dated to the purchase, less what refunds of "
        "it took back (null when refused)."
    )
    card_remembered = graphene.Boolean(
        description="Whether the card that paid is now recognised (null when refused)."
    )

    class Arguments:
        claim_id = graphene.ID(
            required=True, description="ID of the claim (`storePurchaseClaimStart`)."
        )
        code = graphene.String(required=True, description="The six digits e-mailed to you.")

    class Meta:
        description = (
            "Confirm your claim of an in-store purchase with the code e-mailed to you: "
            "the purchase is linked to your account and earns its points, back-dated to "
            "the purchase. Five wrong codes lock the claim (start again for a new code). "
            "Requires the signed-in customer who started the claim."
        )
        doc_category = DOC_CATEGORY_STORES
        permissions = (AuthorizationFilters.AUTHENTICATED_USER,)
        error_type_class = StoreErrorType

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, claim_id, code
    ):
        confirmed = store_purchase_claim_confirm(
            user=info.context.user,
            claim_id=clean_global_id(claim_id, only_type=StorePurchaseClaim, field="claimId"),
            code=code,
        )
        return cls(
            purchase=confirmed.purchase,
            points_earned=confirmed.points.kept,
            card_remembered=confirmed.card_remembered,
        )
