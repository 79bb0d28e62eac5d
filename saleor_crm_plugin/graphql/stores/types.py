import graphene
from prices import Money as Price
from saleor.core.exceptions import PermissionDenied
from saleor.graphql.account.dataloaders import UserByUserIdLoader
from saleor.graphql.account.types import User
from saleor.graphql.app.dataloaders import AppByIdLoader
from saleor.graphql.app.types import App
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.connection import CountableConnection
from saleor.graphql.core.scalars import DateTime
from saleor.graphql.core.types import BaseObjectType, Error, ModelObjectType, Money, NonNullList
from saleor.graphql.utils import get_user_or_app_from_context
from saleor.graphql.warehouse.dataloaders import WarehouseByIdLoader
from saleor.graphql.warehouse.types import Warehouse
from saleor.permission.enums import AccountPermissions, OrderPermissions
from saleor.permission.utils import has_one_of_permissions

from ...stores import models
from .dataloaders import StorePurchaseLinksByPurchaseIdLoader, StoreRefundedByPurchaseLoader
from .enums import (
    DOC_CATEGORY_STORES,
    StoreErrorCodeEnum,
    StoreLinkActionEnum,
    StoreLinkMethodEnum,
    StorePurchaseSourceEnum,
)


class StoreErrorType(Error):
    code = StoreErrorCodeEnum(description="The error code.", required=True)

    class Meta:
        name = "StoreError"  # the schema name; the Python name is not the domain's
        doc_category = DOC_CATEGORY_STORES


def _require(info: ResolveInfo, *permissions) -> None:
    if not has_one_of_permissions(get_user_or_app_from_context(info.context), permissions):
        raise PermissionDenied(permissions=list(permissions))


class StorePurchaseLine(BaseObjectType):
    sku = graphene.String(description="The till's product code.")
    name = graphene.String(required=True, description="What was bought.")
    quantity = graphene.Int(required=True, description="How many.")
    amount = graphene.Field(Money, required=True, description="What the line cost in all.")

    class Meta:
        description = "A line of an in-store purchase, as the till sent it."
        doc_category = DOC_CATEGORY_STORES


class StorePurchaseLinkEvent(ModelObjectType[models.StorePurchaseLink]):
    action = StoreLinkActionEnum(required=True, description="Linked or unlinked.")
    method = StoreLinkMethodEnum(description="How the shopper was found (links only).")
    customer = graphene.Field(User, description="The shopper linked or unlinked.")
    actor_user = graphene.Field(User, description="The staff member or shopper who did it.")
    actor_app = graphene.Field(App, description="The app (a POS) that did it.")
    reason = graphene.String(description="Why (unlinks).")
    created_at = DateTime(required=True, description="When.")

    class Meta:
        model = models.StorePurchaseLink
        description = "One link or unlink of an in-store purchase: the audit trail."
        doc_category = DOC_CATEGORY_STORES

    @staticmethod
    def resolve_method(root: models.StorePurchaseLink, _info: ResolveInfo):
        return root.method or None

    @staticmethod
    def resolve_reason(root: models.StorePurchaseLink, _info: ResolveInfo):
        return root.reason or None

    @staticmethod
    def resolve_customer(root: models.StorePurchaseLink, info: ResolveInfo):
        if root.user_id is None:
            return None
        _require(info, AccountPermissions.MANAGE_USERS)
        return UserByUserIdLoader(info.context).load(root.user_id)

    @staticmethod
    def resolve_actor_user(root: models.StorePurchaseLink, info: ResolveInfo):
        if root.actor_user_id is None:
            return None
        _require(info, AccountPermissions.MANAGE_USERS, AccountPermissions.MANAGE_STAFF)
        return UserByUserIdLoader(info.context).load(root.actor_user_id)

    @staticmethod
    def resolve_actor_app(root: models.StorePurchaseLink, info: ResolveInfo):
        if root.actor_app_id is None:
            return None
        return AppByIdLoader(info.context).load(root.actor_app_id)


class StorePurchase(ModelObjectType[models.StorePurchase]):
    id = graphene.GlobalID(required=True, description="ID of the purchase.")
    store = graphene.Field(
        Warehouse, description="The store (a Saleor warehouse); null once it was deleted."
    )
    store_name = graphene.String(
        required=True, description="The store's name when the purchase was made."
    )
    source = StorePurchaseSourceEnum(required=True, description="Where it was recorded from.")
    external_id = graphene.String(
        required=True, description="The source's id of the payment (a PaymentIntent id, …)."
    )
    receipt_code = graphene.String(
        required=True,
        description="Printed on the receipt: with a one-time code it lets the shopper "
        "claim the purchase (`storePurchaseClaimStart`).",
    )
    total = graphene.Field(Money, required=True, description="What the shopper paid.")
    refunded = graphene.Field(Money, required=True, description="What was refunded of it.")
    purchased_at = DateTime(required=True, description="When it was paid.")
    lines = NonNullList(StorePurchaseLine, required=True, description="Lines, if sent.")
    customer = graphene.Field(
        User, description="The shopper it is linked to. Requires MANAGE_USERS."
    )
    links = NonNullList(
        StorePurchaseLinkEvent,
        required=True,
        description="Every link and unlink, oldest first. Requires MANAGE_ORDERS.",
    )

    class Meta:
        model = models.StorePurchase
        interfaces = [graphene.relay.Node]
        description = "A purchase at a store's till, and the shopper it is linked to."
        doc_category = DOC_CATEGORY_STORES

    @staticmethod
    def resolve_store(root: models.StorePurchase, info: ResolveInfo):
        if root.warehouse_id is None:
            return None
        return WarehouseByIdLoader(info.context).load(root.warehouse_id)

    @staticmethod
    def resolve_store_name(root: models.StorePurchase, _info: ResolveInfo):
        return root.warehouse_name

    @staticmethod
    def resolve_total(root: models.StorePurchase, _info: ResolveInfo):
        return Price(root.amount, root.currency)

    @staticmethod
    def resolve_refunded(root: models.StorePurchase, info: ResolveInfo):
        return (
            StoreRefundedByPurchaseLoader(info.context)
            .load((root.source, root.external_id))
            .then(lambda amount: Price(amount, root.currency))
        )

    @staticmethod
    def resolve_lines(root: models.StorePurchase, _info: ResolveInfo):
        return [
            StorePurchaseLine(
                sku=line.get("sku") or None,
                name=line.get("name", ""),
                quantity=line.get("quantity", 1),
                amount=Price(line.get("amount", "0"), root.currency),
            )
            for line in root.lines
        ]

    @staticmethod
    def resolve_customer(root: models.StorePurchase, info: ResolveInfo):
        if root.user_id is None:
            return None
        _require(info, AccountPermissions.MANAGE_USERS)
        return UserByUserIdLoader(info.context).load(root.user_id)

    @staticmethod
    def resolve_links(root: models.StorePurchase, info: ResolveInfo):
        _require(info, OrderPermissions.MANAGE_ORDERS)
        return StorePurchaseLinksByPurchaseIdLoader(info.context).load(root.pk)


class StorePurchaseClaim(ModelObjectType[models.StorePurchaseClaim]):
    id = graphene.GlobalID(
        required=True, description="ID of the claim, for `storePurchaseClaimConfirm`."
    )
    expires_at = DateTime(required=True, description="Until when the e-mailed code is valid.")
    remember_card = graphene.Boolean(
        required=True,
        description="Whether the card that paid will be remembered once the claim is "
        "confirmed (asked for, and offered by the channel).",
    )
    store_name = graphene.String(required=True, description="Where the purchase was made.")
    purchased_at = DateTime(required=True, description="When it was paid.")
    total = graphene.Field(Money, required=True, description="What was paid.")

    class Meta:
        model = models.StorePurchaseClaim
        description = (
            "A shopper's claim of an in-store purchase by its receipt code, waiting for "
            "the one-time code e-mailed to them. The purchase's store, date and total "
            "let them check that the receipt is theirs."
        )
        doc_category = DOC_CATEGORY_STORES

    @staticmethod
    def resolve_store_name(root: models.StorePurchaseClaim, _info: ResolveInfo):
        return root.purchase.warehouse_name

    @staticmethod
    def resolve_purchased_at(root: models.StorePurchaseClaim, _info: ResolveInfo):
        return root.purchase.purchased_at

    @staticmethod
    def resolve_total(root: models.StorePurchaseClaim, _info: ResolveInfo):
        return Price(root.purchase.amount, root.purchase.currency)


class StorePurchaseCountableConnection(CountableConnection):
    class Meta:
        doc_category = DOC_CATEGORY_STORES
        node = StorePurchase
