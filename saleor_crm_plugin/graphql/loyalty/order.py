"""``Order.crmLoyalty``: what an order earned, reversed and spent in points.

Read from the ledger (``selectors.order_points_by_order_id``) through a dataloader, so
a list of orders asks two queries whatever its length. Readable by the order's
customer (as Saleor's ``me.orders``) and by staff and apps with MANAGE_ORDERS, the
rule of ``LoyaltyEntry.order`` (``check_can_see_customer_orders``); a guest order has
no customer, so only MANAGE_ORDERS reads it.
"""

import graphene
from prices import Money as Price
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import SyncWebhookControlContext
from saleor.graphql.core.fields import BaseField
from saleor.graphql.core.scalars import DateTime
from saleor.graphql.core.types import BaseObjectType, Money
from saleor.graphql.utils import get_user_or_app_from_context
from saleor.order.models import Order as OrderModel

from ...loyalty.selectors import OrderPoints
from .dataloaders import OrderPointsByOrderIdLoader
from .enums import DOC_CATEGORY_LOYALTY
from .types import check_can_see_customer_orders


class OrderLoyalty(BaseObjectType):
    earned = graphene.Int(
        required=True, description="Points the order earned when it was paid in full."
    )
    pending = graphene.Int(
        required=True,
        description="Of those, points still inside the return window (less what was "
        "reversed of them): not spendable yet.",
    )
    pending_until = DateTime(description="When the pending points become available.")
    reversed = graphene.Int(
        required=True,
        description="Earned points taken back by refunds, removed lines or cancellation.",
    )
    redeemed = graphene.Int(
        required=True,
        description="Points spent to pay for the order (points a refund gave back are "
        "not deducted; they show in the customer's ledger).",
    )
    redeemed_value = graphene.Field(
        Money, required=True, description="What the redeemed points paid, in the order currency."
    )

    class Meta:
        description = "An order's loyalty points."
        doc_category = DOC_CATEGORY_LOYALTY


def _order_loyalty(points: OrderPoints | None, currency: str) -> OrderLoyalty | None:
    if points is None:
        return None
    return OrderLoyalty(
        earned=points.earned,
        pending=points.pending,
        pending_until=points.pending_until,
        reversed=points.reversed,
        redeemed=points.redeemed,
        redeemed_value=Price(points.redeemed_value, currency),
    )


def resolve_order_crm_loyalty(root: SyncWebhookControlContext[OrderModel], info: ResolveInfo):
    order = root.node
    check_can_see_customer_orders(get_user_or_app_from_context(info.context), order.user_id)
    return (
        OrderPointsByOrderIdLoader(info.context)
        .load(order.pk)
        .then(lambda points: _order_loyalty(points, order.currency))
    )


def order_type_extensions(order_type) -> list:
    """(Saleor type, field name, field) of ``Order``: see ..schema."""
    return [
        (
            order_type,
            "crm_loyalty",
            BaseField(
                OrderLoyalty,
                description="The order's points: earned, pending, reversed, redeemed. "
                "Null when the ledger holds nothing about the order (a guest order, an "
                "order not paid in full yet, a channel without the programme). Requires "
                "the customer's own token or MANAGE_ORDERS.",
                resolver=resolve_order_crm_loyalty,
                doc_category=DOC_CATEGORY_LOYALTY,
            ),
        )
    ]
