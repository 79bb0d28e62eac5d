import graphene
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.scalars import DateTime, PositiveDecimal
from saleor.graphql.core.types import NonNullList
from saleor.graphql.warehouse.types import Warehouse
from saleor.permission.enums import OrderPermissions

from ....stores.models import PurchaseSource
from ....stores.purchases import PurchaseInput, store_purchase_record_at_till
from ...utils import CRMBaseMutation, check_channel_access, clean_global_id
from ..enums import DOC_CATEGORY_STORES
from ..types import StoreErrorType, StorePurchase
from .utils import StoreCustomerInput, actor_of, channel_of, customer_keys


class StorePurchaseLineInput(graphene.InputObjectType):
    sku = graphene.String(description="The till's product code.")
    name = graphene.String(required=True, description="What was bought.")
    quantity = graphene.Int(required=True, description="How many (1 or more).")
    amount = PositiveDecimal(required=True, description="What the line cost in all.")

    class Meta:
        doc_category = DOC_CATEGORY_STORES


class StorePurchaseRecordInput(graphene.InputObjectType):
    channel = graphene.String(required=True, description="Slug of the channel.")
    store = graphene.ID(required=True, description="ID of the store (a Saleor warehouse).")
    external_id = graphene.String(
        required=True,
        description="The till's own id of the sale (1 to 255 characters): recording it "
        "again returns the first record.",
    )
    total = PositiveDecimal(required=True, description="What the shopper paid, gross.")
    currency = graphene.String(required=True, description="The channel's currency code.")
    purchased_at = DateTime(required=True, description="When the shopper paid.")
    lines = NonNullList(StorePurchaseLineInput, description="The sale's lines (optional).")
    customer = graphene.Field(
        StoreCustomerInput,
        description="The shopper, when they showed their member code or gave their "
        "e-mail or phone: the purchase is linked to them and earns their points.",
    )

    class Meta:
        doc_category = DOC_CATEGORY_STORES


def _lines(lines) -> tuple[dict, ...]:
    return tuple(
        {"sku": line.sku, "name": line.name, "quantity": line.quantity, "amount": line.amount}
        for line in lines or []
    )


class StorePurchaseRecord(CRMBaseMutation):
    purchase = graphene.Field(StorePurchase, description="The purchase, new or recorded before.")
    created = graphene.Boolean(description="False when the same sale was recorded before.")
    points_earned = graphene.Int(
        description="Points the named shopper earned by it, less what refunds of it took "
        "back (0 if none)."
    )

    class Arguments:
        input = StorePurchaseRecordInput(required=True, description="The sale.")

    class Meta:
        description = (
            "Record a sale at a store's till (from a POS app or staff), once per "
            "`externalId`, and link it to the shopper the till names. The shopper is "
            "found before anything is written: an unknown member code records nothing. "
            "Points follow the channel's programme, back-dated to `purchasedAt`."
        )
        doc_category = DOC_CATEGORY_STORES
        permissions = (OrderPermissions.MANAGE_ORDERS,)
        error_type_class = StoreErrorType

    @classmethod
    def perform_mutation(cls, _root, info: ResolveInfo, /, *, input):  # type: ignore[override]
        check_channel_access(info, input["channel"])
        channel = channel_of(info, input["channel"])
        warehouse_id = clean_global_id(input["store"], only_type=Warehouse, field="store")
        sale = store_purchase_record_at_till(
            data=PurchaseInput(
                channel_id=channel.pk,
                warehouse_id=warehouse_id,
                source=PurchaseSource.API,
                external_id=input["external_id"],
                amount=input["total"],
                currency=input["currency"].upper(),
                purchased_at=input["purchased_at"],
                lines=_lines(input.get("lines")),
            ),
            customer=customer_keys(input["customer"]) if input.get("customer") else None,
            actor=actor_of(info),
        )
        return cls(purchase=sale.purchase, created=sale.created, points_earned=sale.points.kept)
