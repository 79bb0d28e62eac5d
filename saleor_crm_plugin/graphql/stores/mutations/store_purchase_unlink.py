import graphene
from saleor.graphql.core import ResolveInfo
from saleor.permission.enums import OrderPermissions

from ....stores.purchases import store_purchase_unlink
from ...utils import CRMBaseMutation, get_node_or_error
from ..enums import DOC_CATEGORY_STORES
from ..types import StoreErrorType, StorePurchase
from .utils import actor_of


class StorePurchaseUnlink(CRMBaseMutation):
    purchase = graphene.Field(StorePurchase, description="The purchase, now linked to nobody.")
    points_reversed = graphene.Int(
        description="Points taken back from the shopper it was linked to."
    )

    class Arguments:
        id = graphene.ID(required=True, description="ID of the store purchase.")
        reason = graphene.String(
            required=True, description="Why; kept in the purchase's history (`links`)."
        )

    class Meta:
        description = (
            "Undo a wrong link of an in-store purchase: the points it earned are taken "
            "back (a balance already spent goes negative, as for refunds) and the link "
            "stays in the history with who unlinked it and why."
        )
        doc_category = DOC_CATEGORY_STORES
        permissions = (OrderPermissions.MANAGE_ORDERS,)
        error_type_class = StoreErrorType

    @classmethod
    def perform_mutation(cls, _root, info: ResolveInfo, /, *, id, reason):  # type: ignore[override]
        purchase = get_node_or_error(info, id, only_type=StorePurchase, field="id")
        points = store_purchase_unlink(purchase_id=purchase.pk, reason=reason, actor=actor_of(info))
        purchase.refresh_from_db()
        return cls(purchase=purchase, points_reversed=points.reversed)
