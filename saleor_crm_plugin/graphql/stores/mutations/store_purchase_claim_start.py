import graphene
from saleor.graphql.core import ResolveInfo
from saleor.permission.auth_filters import AuthorizationFilters

from ....stores.claims import store_purchase_claim_start
from ...utils import CRMBaseMutation
from ..enums import DOC_CATEGORY_STORES
from ..types import StoreErrorType, StorePurchaseClaim
from .utils import channel_of


class StorePurchaseClaimStart(CRMBaseMutation):
    claim = graphene.Field(
        StorePurchaseClaim, description="The claim: confirm it with the e-mailed code."
    )

    class Arguments:
        channel = graphene.String(required=True, description="Slug of the channel.")
        receipt_code = graphene.String(
            required=True,
            description="The code printed on the receipt (`K7QMD-2XD94`: any case, with "
            "or without the dash).",
        )
        remember_card = graphene.Boolean(
            default_value=False,
            description="Opt in to card recognition: later purchases paid with the same "
            "card link to you by themselves (where the channel offers it).",
        )

    class Meta:
        description = (
            "Claim an in-store purchase for the signed-in customer: a one-time code is "
            "e-mailed to the account's address, valid for a few minutes (15 by default); "
            "`storePurchaseClaimConfirm` with it adds the purchase and its points. A "
            "channel allows a few starts a day (5 by default) and purchases of the last "
            "days only (30 by default). Requires a signed-in user; apps cannot."
        )
        doc_category = DOC_CATEGORY_STORES
        permissions = (AuthorizationFilters.AUTHENTICATED_USER,)
        error_type_class = StoreErrorType

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, channel, receipt_code, remember_card=False
    ):
        channel = channel_of(info, channel)
        claim = store_purchase_claim_start(
            user=info.context.user,
            channel_id=channel.pk,
            receipt_code=receipt_code,
            remember_card=bool(remember_card),
        )
        return cls(claim=claim)
