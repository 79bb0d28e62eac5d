"""``Order.crmRecovery``: the abandoned checkout an order completed, and its offer.

Requires MANAGE_ORDERS, as Saleor's own staff-only order fields (``Order.events``).
The abandoned checkout is part of the order's own story (its e-mail and cart are the
order's), so MANAGE_ORDERS is enough to read it here, without the MANAGE_CHECKOUTS
that listing every abandoned checkout (``abandonedCheckouts``) needs; its ``user``
still needs MANAGE_USERS. Two dataloaders: a list of orders asks a constant number
of queries.
"""

import graphene
from prices import Money as Price
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import SyncWebhookControlContext
from saleor.graphql.core.fields import BaseField
from saleor.graphql.core.types import BaseObjectType, Money
from saleor.graphql.decorators import one_of_permissions_required
from saleor.order.models import Order as OrderModel
from saleor.permission.enums import OrderPermissions
from saleor.permission.utils import message_one_of_permissions_required

from ...carts import models
from .dataloaders import AbandonedCheckoutByOrderIdLoader, OrderCartOfferByAbandonedIdLoader
from .enums import DOC_CATEGORY_CART_RECOVERY
from .types import AbandonedCheckout, CartRecoveryOffer

MANAGE_ORDERS = [OrderPermissions.MANAGE_ORDERS]


class OrderRecovery(BaseObjectType):
    abandoned_checkout = graphene.Field(
        AbandonedCheckout,
        required=True,
        description="The abandoned checkout the order completed (status `RECOVERED` after "
        "a reminder, `COMPLETED` without one).",
    )
    offer = graphene.Field(
        CartRecoveryOffer,
        description="The recovery offer whose code the order used, else the latest offer "
        "made for the checkout; null when none was made.",
    )
    discount = graphene.Field(
        Money,
        description="What the recovery code took off the order (zero when it used none).",
    )

    class Meta:
        description = "Where an order came from in cart recovery."
        doc_category = DOC_CATEGORY_CART_RECOVERY


def _order_recovery(info: ResolveInfo, order_id, abandoned: models.AbandonedCheckout | None):
    if abandoned is None:
        return None
    discount = (
        None
        if abandoned.discount_amount is None
        else Price(abandoned.discount_amount, abandoned.currency)
    )
    return (
        OrderCartOfferByAbandonedIdLoader(info.context)
        .load((abandoned.pk, order_id))
        .then(
            lambda offer: OrderRecovery(
                abandoned_checkout=abandoned, offer=offer, discount=discount
            )
        )
    )


@one_of_permissions_required(MANAGE_ORDERS)
def resolve_order_crm_recovery(root: SyncWebhookControlContext[OrderModel], info: ResolveInfo):
    order_id = root.node.pk
    return (
        AbandonedCheckoutByOrderIdLoader(info.context)
        .load(order_id)
        .then(lambda abandoned: _order_recovery(info, order_id, abandoned))
    )


def order_type_extensions(order_type) -> list:
    """(Saleor type, field name, field) of ``Order``: see ..schema."""
    return [
        (
            order_type,
            "crm_recovery",
            BaseField(
                OrderRecovery,
                description="The abandoned checkout this order completed, with its "
                "recovery offer and the discount it gave; null when the order's checkout "
                "was never found abandoned." + message_one_of_permissions_required(MANAGE_ORDERS),
                resolver=resolve_order_crm_recovery,
                doc_category=DOC_CATEGORY_CART_RECOVERY,
            ),
        )
    ]
