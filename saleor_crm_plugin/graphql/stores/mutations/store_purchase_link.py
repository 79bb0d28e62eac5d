import graphene
from saleor.graphql.core import ResolveInfo
from saleor.permission.enums import OrderPermissions

from ....stores.purchases import store_purchase_link_customer
from ...utils import CRMBaseMutation, get_node_or_error
from ..enums import DOC_CATEGORY_STORES
from ..types import StoreErrorType, StorePurchase
from .utils import StoreCustomerInput, actor_of, customer_keys


class StorePurchaseLink(CRMBaseMutation):
    purchase = graphene.Field(StorePurchase, description="The purchase, linked.")
    points_earned = graphene.Int(
        description="Points the shopper earned by it, less what refunds of it took back."
    )

    class Arguments:
        id = graphene.ID(required=True, description="ID of the store purchase.")
        customer = StoreCustomerInput(required=True, description="The shopper.")

    class Meta:
        description = (
            "Link a recorded in-store purchase to the shopper named by member code, "
            "e-mail or phone (a shopper who forgot their card comes back). Their points are "
            "back-dated to the purchase. A purchase linked to someone else is refused "
            "(ALREADY_LINKED): unlink it first."
        )
        doc_category = DOC_CATEGORY_STORES
        permissions = (OrderPermissions.MANAGE_ORDERS,)
        error_type_class = StoreErrorType

    @classmethod
    def perform_mutation(cls, _root, info: ResolveInfo, /, *, id, customer):  # type: ignore[override]
        purchase = get_node_or_error(info, id, only_type=StorePurchase, field="id")
        points = store_purchase_link_customer(
            purchase_id=purchase.pk, customer=customer_keys(customer), actor=actor_of(info)
        )
        purchase.refresh_from_db()
        return cls(purchase=purchase, points_earned=points.kept)
