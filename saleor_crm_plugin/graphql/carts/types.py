import graphene
from prices import Money as Price
from saleor.core.exceptions import PermissionDenied
from saleor.graphql.account.dataloaders import UserByUserIdLoader
from saleor.graphql.account.types import User
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.connection import CountableConnection
from saleor.graphql.core.context import SyncWebhookControlContext
from saleor.graphql.core.scalars import UUID, DateTime
from saleor.graphql.core.types import BaseObjectType, Error, ModelObjectType, Money, NonNullList
from saleor.graphql.order.dataloaders import OrderByIdLoader
from saleor.graphql.order.types import Order
from saleor.graphql.utils import get_user_or_app_from_context
from saleor.permission.enums import AccountPermissions, OrderPermissions
from saleor.permission.utils import has_one_of_permissions

from ...carts import models
from .dataloaders import CartRemindersByAbandonedIdLoader, LatestCartOfferByAbandonedIdLoader
from .enums import (
    DOC_CATEGORY_CART_RECOVERY,
    AbandonedCheckoutStatusEnum,
    CartRecoveryErrorCodeEnum,
    CartRecoveryOfferStatusEnum,
    CartReminderKindEnum,
    CartReminderStatusEnum,
)


class CartRecoveryErrorType(Error):
    code = CartRecoveryErrorCodeEnum(description="The error code.", required=True)

    class Meta:
        name = "CartRecoveryError"  # the schema name; the Python name is not the domain's
        doc_category = DOC_CATEGORY_CART_RECOVERY


def _require(info: ResolveInfo, permission) -> None:
    if not has_one_of_permissions(get_user_or_app_from_context(info.context), [permission]):
        raise PermissionDenied(permissions=[permission])


class CartReminder(ModelObjectType[models.CartReminder]):
    stage = graphene.Int(required=True, description="Number of the stage (1, 2, …).")
    kind = CartReminderKindEnum(required=True, description="Kind of the stage.")
    status = CartReminderStatusEnum(required=True, description="What happened to it.")
    skip_reason = graphene.String(
        description="Why it was not sent (e.g. `no_consent`, `frequency_cap`)."
    )
    sent_at = DateTime(description="When it was sent.")

    class Meta:
        model = models.CartReminder
        description = "One reminder stage of an abandoned checkout."
        doc_category = DOC_CATEGORY_CART_RECOVERY

    @staticmethod
    def resolve_skip_reason(root: models.CartReminder, _info: ResolveInfo):
        return root.skip_reason or None


class CartRecoveryOffer(ModelObjectType[models.CartRecoveryOffer]):
    code = graphene.String(required=True, description="The voucher code.")
    status = CartRecoveryOfferStatusEnum(required=True, description="State of the offer.")
    discount_type = graphene.String(
        required=True, description="`percentage`, `fixed` or `free_shipping`."
    )
    value = graphene.Float(
        required=True, description="Percentage, or amount in the channel currency."
    )
    scope = graphene.String(required=True, description="`items` (the cart's) or `order`.")
    ends_at = DateTime(required=True, description="When the code stops working.")
    created_at = DateTime(required=True, description="When the offer was made.")

    class Meta:
        model = models.CartRecoveryOffer
        description = "The one-time voucher code offered to a shopper."
        doc_category = DOC_CATEGORY_CART_RECOVERY


class AbandonedCheckout(ModelObjectType[models.AbandonedCheckout]):
    id = graphene.GlobalID(required=True, description="ID of the abandoned checkout.")
    token = UUID(required=True, description="Token of the checkout (Saleor's, until it ends).")
    status = AbandonedCheckoutStatusEnum(required=True, description="What became of it.")
    stage = graphene.Int(required=True, description="Last stage reached (0: none yet).")
    email = graphene.String(required=True, description="The shopper's e-mail (normalised).")
    user = graphene.Field(User, description="The customer. Requires MANAGE_USERS.")
    total = graphene.Field(Money, required=True, description="Gross total when last seen.")
    lines_count = graphene.Int(required=True, description="Lines when last seen.")
    reminders_sent = graphene.Int(required=True, description="Reminders sent so far.")
    reminders = NonNullList(CartReminder, required=True, description="Stages, in order.")
    offer = graphene.Field(CartRecoveryOffer, description="The latest offer made for it.")
    variant = graphene.String(description="Experiment variant, if any.")
    detected_at = DateTime(required=True, description="When it was found abandoned.")
    next_stage_at = DateTime(description="When the next stage is due.")
    closed_at = DateTime(description="When it was closed.")
    order = graphene.Field(Order, description="The order it became. Requires MANAGE_ORDERS.")
    order_total = graphene.Field(Money, description="Gross total of that order.")
    discount = graphene.Field(Money, description="What the recovery offer took off it.")

    class Meta:
        model = models.AbandonedCheckout
        interfaces = [graphene.relay.Node]
        description = "A checkout left unfinished, and the reminders sent for it."
        doc_category = DOC_CATEGORY_CART_RECOVERY

    @staticmethod
    def resolve_user(root: models.AbandonedCheckout, info: ResolveInfo):
        if root.user_id is None:
            return None
        _require(info, AccountPermissions.MANAGE_USERS)
        return UserByUserIdLoader(info.context).load(root.user_id)

    @staticmethod
    def resolve_total(root: models.AbandonedCheckout, _info: ResolveInfo):
        return Price(root.total_gross_amount, root.currency)

    @staticmethod
    def resolve_reminders_sent(root: models.AbandonedCheckout, _info: ResolveInfo):
        return root.reminders_sent

    @staticmethod
    def resolve_reminders(root: models.AbandonedCheckout, info: ResolveInfo):
        return CartRemindersByAbandonedIdLoader(info.context).load(root.pk)

    @staticmethod
    def resolve_offer(root: models.AbandonedCheckout, info: ResolveInfo):
        return LatestCartOfferByAbandonedIdLoader(info.context).load(root.pk)

    @staticmethod
    def resolve_variant(root: models.AbandonedCheckout, _info: ResolveInfo):
        return root.variant or None

    @staticmethod
    def resolve_order(root: models.AbandonedCheckout, info: ResolveInfo):
        if root.order_id is None:
            return None
        _require(info, OrderPermissions.MANAGE_ORDERS)
        return (
            OrderByIdLoader(info.context)
            .load(root.order_id)
            .then(
                lambda order: order
                and SyncWebhookControlContext(node=order, allow_sync_webhooks=False)
            )
        )

    @staticmethod
    def resolve_order_total(root: models.AbandonedCheckout, _info: ResolveInfo):
        if root.order_total_amount is None:
            return None
        return Price(root.order_total_amount, root.currency)

    @staticmethod
    def resolve_discount(root: models.AbandonedCheckout, _info: ResolveInfo):
        if root.discount_amount is None:
            return None
        return Price(root.discount_amount, root.currency)


class AbandonedCheckoutCountableConnection(CountableConnection):
    class Meta:
        doc_category = DOC_CATEGORY_CART_RECOVERY
        node = AbandonedCheckout


class CartRecoveryFigures(BaseObjectType):
    reminded = graphene.Int(required=True, description="Checkouts with ≥ 1 reminder sent.")
    recovered = graphene.Int(required=True, description="Of those, completed afterwards.")
    recovery_rate = graphene.Float(required=True, description="recovered / reminded (0 to 1).")
    recovered_revenue = graphene.Field(
        Money, required=True, description="Gross totals of the recovered orders."
    )
    discount_cost = graphene.Field(
        Money, required=True, description="What recovery offers took off those orders."
    )

    class Meta:
        description = "Recovery figures of a set of abandoned checkouts."
        doc_category = DOC_CATEGORY_CART_RECOVERY


class CartRecoveryStageFigures(CartRecoveryFigures):
    stage = graphene.Int(
        required=True,
        description="The stage; a recovery counts for the last stage sent before it.",
    )

    class Meta:
        description = "Recovery figures of one reminder stage."
        doc_category = DOC_CATEGORY_CART_RECOVERY


class CartRecoveryVariantFigures(CartRecoveryFigures):
    name = graphene.String(required=True, description="Name of the experiment variant.")
    is_reference = graphene.Boolean(
        required=True, description="The variant the others are compared with (the holdout)."
    )
    p_value = graphene.Float(
        description="Two-sided p-value of the two-proportion z-test of this variant's "
        "recovery rate against the reference's; null for the reference or without data."
    )

    class Meta:
        description = "Recovery figures of one experiment variant."
        doc_category = DOC_CATEGORY_CART_RECOVERY


class CartRecoveryStats(CartRecoveryFigures):
    detected = graphene.Int(
        required=True,
        description="Checkouts detected as abandoned in the period: the funnel's first step.",
    )
    by_stage = NonNullList(CartRecoveryStageFigures, required=True)
    by_variant = NonNullList(CartRecoveryVariantFigures, required=True)

    class Meta:
        description = "How reminders recover the checkouts of a channel detected in a period."
        doc_category = DOC_CATEGORY_CART_RECOVERY


def _figures(figures, currency: str) -> dict:
    return {
        "reminded": figures.reminded,
        "recovered": figures.recovered,
        "recovery_rate": figures.recovery_rate,
        "recovered_revenue": Price(figures.recovered_revenue, currency),
        "discount_cost": Price(figures.discount_cost, currency),
    }


def stats_to_graphql(stats, currency: str) -> CartRecoveryStats:
    return CartRecoveryStats(
        detected=stats.detected,
        **_figures(stats.total, currency),
        by_stage=[
            CartRecoveryStageFigures(stage=figures.stage, **_figures(figures, currency))
            for figures in stats.by_stage
        ],
        by_variant=[
            CartRecoveryVariantFigures(
                name=figures.name,
                is_reference=figures.is_reference,
                p_value=figures.p_value,
                **_figures(figures, currency),
            )
            for figures in stats.by_variant
        ],
    )
