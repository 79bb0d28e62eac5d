"""Cart recovery in the GraphQL API: staff lists and statistics, shopper mutations.

``abandonedCheckouts`` and ``cartRecoveryStats`` need MANAGE_CHECKOUTS, as Saleor's
own ``checkouts`` query does (the shopper's user and order below them keep Saleor's
MANAGE_USERS / MANAGE_ORDERS). ``crmUnsubscribe`` and ``crmCartRestore`` need no login
(a signed token);
``customerMarketingConsentSet`` is the customer's own or MANAGE_USERS. The live offer
shows on ``Checkout.crmOffers`` (``..loyalty.checkout``).
"""

import graphene
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.connection import create_connection_slice, filter_connection_queryset
from saleor.graphql.core.context import get_database_connection_name
from saleor.graphql.core.fields import FilterConnectionField, PermissionsField
from saleor.graphql.core.types import DateTimeRangeInput
from saleor.graphql.order.types import Order
from saleor.permission.enums import CheckoutPermissions

from ...carts import selectors, stats
from ...carts.experiments import holdout_variant
from ...config import load_channel_program
from ..utils import channel_or_none, check_channel_access, is_channel_slug
from .enums import DOC_CATEGORY_CART_RECOVERY
from .filters import AbandonedCheckoutFilterInput
from .order import order_type_extensions
from .mutations import CrmCartRestore, CrmUnsubscribe, CustomerMarketingConsentSet
from .sorters import AbandonedCheckoutSortingInput
from .types import AbandonedCheckoutCountableConnection, CartRecoveryStats, stats_to_graphql


class CartRecoveryQueries(graphene.ObjectType):
    abandoned_checkouts = FilterConnectionField(
        AbandonedCheckoutCountableConnection,
        channel=graphene.Argument(
            graphene.String, required=True, description="Slug of the channel."
        ),
        filter=AbandonedCheckoutFilterInput(description="Filtering options."),
        sort_by=AbandonedCheckoutSortingInput(description="Sort abandoned checkouts."),
        description="Checkouts left unfinished in a channel, with their reminders and "
        "offer (empty for an unknown channel).",
        permissions=[CheckoutPermissions.MANAGE_CHECKOUTS],
        doc_category=DOC_CATEGORY_CART_RECOVERY,
    )
    cart_recovery_stats = PermissionsField(
        CartRecoveryStats,
        channel=graphene.Argument(
            graphene.String, required=True, description="Slug of the channel."
        ),
        period=graphene.Argument(
            DateTimeRangeInput,
            description="Checkouts detected as abandoned in this period (open ends allowed).",
        ),
        description="Reminded, recovered, recovery rate, revenue and discount cost, per "
        "stage and per experiment variant (with a significance test against the "
        "holdout). Null for an unknown channel.",
        permissions=[CheckoutPermissions.MANAGE_CHECKOUTS],
        doc_category=DOC_CATEGORY_CART_RECOVERY,
    )

    @staticmethod
    def resolve_abandoned_checkouts(_root, info: ResolveInfo, **kwargs):
        check_channel_access(info, kwargs["channel"])
        checkouts = selectors.channel_abandoned_checkouts(
            channel_slug=kwargs["channel"], using=get_database_connection_name(info.context)
        )
        if not is_channel_slug(kwargs["channel"]):
            checkouts = checkouts.none()
        checkouts = filter_connection_queryset(
            checkouts, kwargs, allow_replica=info.context.allow_replica
        )
        return create_connection_slice(
            checkouts, info, kwargs, AbandonedCheckoutCountableConnection
        )

    @staticmethod
    def resolve_cart_recovery_stats(_root, info: ResolveInfo, *, channel: str, period=None):
        check_channel_access(info, channel)
        database = get_database_connection_name(info.context)
        channel_obj = channel_or_none(channel, using=database)
        if channel_obj is None:
            return None
        config = load_channel_program(channel_obj.pk, using=database).config
        reference = holdout_variant(config.carts.experiment)
        period = period or {}
        figures = stats.cart_recovery_stats(
            channel_id=channel_obj.pk,
            since=period.get("gte"),
            until=period.get("lte"),
            reference_variant=reference.name if reference else None,
            using=database,
        )
        return stats_to_graphql(figures, channel_obj.currency_code)


class CartRecoveryMutations(graphene.ObjectType):
    crm_cart_restore = CrmCartRestore.Field()
    crm_unsubscribe = CrmUnsubscribe.Field()
    customer_marketing_consent_set = CustomerMarketingConsentSet.Field()


# (Saleor type, field name, mounted field with its resolver): see ..schema
TYPE_EXTENSIONS: list = [*order_type_extensions(Order)]
