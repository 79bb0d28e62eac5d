"""``User.crmStoreActivity``: the customer's store figures in a channel.

The figures are ``stores.selectors.store_activities``: the expressions segments compile
(``stores/visits.py``), so the customer's page shows what segments decide on. The
customer's own token or MANAGE_USERS, as ``User.loyalty``; a list of customers costs
one query per channel (``StoreActivityByUserAndChannelIdLoader``), and their stores
come through Saleor's own ``WarehouseByIdLoader``.
"""

import graphene
from prices import Money as Price
from saleor.account.models import User as UserModel
from saleor.graphql.account.types import User, is_newly_created_user
from saleor.graphql.account.utils import check_is_owner_or_has_one_of_perms
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.fields import BaseField
from saleor.graphql.core.scalars import DateTime
from saleor.graphql.core.types import BaseObjectType, Money
from saleor.graphql.utils import get_user_or_app_from_context
from saleor.graphql.warehouse.types import Warehouse
from saleor.permission.enums import AccountPermissions

from ...stores.selectors import StoreActivity
from ...stores.visits import ShoppingMode
from ..utils import load_in_channel
from .dataloaders import StoreActivityByUserAndChannelIdLoader, store_or_none
from .enums import DOC_CATEGORY_STORES


class StoreShoppingModeEnum(graphene.Enum):
    ONLINE_ONLY = ShoppingMode.ONLINE_ONLY
    IN_STORE_ONLY = ShoppingMode.IN_STORE_ONLY
    BOTH = ShoppingMode.BOTH

    class Meta:
        description = (
            "Where a customer buys. A click & collect order is both an online order and "
            "a store visit."
        )
        doc_category = DOC_CATEGORY_STORES


class CustomerStoreActivity(BaseObjectType):
    home_store = graphene.Field(
        Warehouse,
        description="The store of most visits (in-store purchases linked to the customer "
        "and click & collect orders); a tie goes to the store visited last. Null without "
        "visits to an existing store.",
    )
    pickup_store = graphene.Field(
        Warehouse, description="The collection point of most click & collect orders."
    )
    in_store_spend = graphene.Field(
        Money,
        required=True,
        description="What the customer's linked in-store purchases came to, less refunds.",
    )
    in_store_purchases = graphene.Int(
        required=True, description="Linked in-store purchases not fully refunded."
    )
    click_and_collect_orders = graphene.Int(
        required=True, description="Orders collected in a store (placed, not cancelled, paid)."
    )
    store_visits = graphene.Int(
        required=True,
        description="In-store purchases and click & collect orders, deleted stores included.",
    )
    last_visit_at = DateTime(description="The latest visit (a purchase, or an order placed).")
    shopping_mode = StoreShoppingModeEnum(description="Null without any order or purchase.")

    class Meta:
        description = "A customer's activity in the stores of one channel."
        doc_category = DOC_CATEGORY_STORES

    # Built with the stores' ids (``_to_graphql``); Saleor's loader reads them.
    @staticmethod
    def resolve_home_store(root: "CustomerStoreActivity", info: ResolveInfo):
        return store_or_none(info, root.home_store)

    @staticmethod
    def resolve_pickup_store(root: "CustomerStoreActivity", info: ResolveInfo):
        return store_or_none(info, root.pickup_store)


def _to_graphql(activity: StoreActivity, currency: str) -> CustomerStoreActivity:
    return CustomerStoreActivity(
        home_store=activity.home_store_id,
        pickup_store=activity.pickup_store_id,
        in_store_spend=Price(activity.in_store_spend, currency),
        in_store_purchases=activity.in_store_purchases,
        click_and_collect_orders=activity.click_and_collect_orders,
        store_visits=activity.store_visits,
        last_visit_at=activity.last_visit_at,
        shopping_mode=activity.shopping_mode,
    )


def resolve_user_crm_store_activity(root: UserModel, info: ResolveInfo, channel: str | None = None):
    requestor = get_user_or_app_from_context(info.context)
    check_is_owner_or_has_one_of_perms(requestor, root, AccountPermissions.MANAGE_USERS)
    if is_newly_created_user(root):
        return None

    def load(channel_obj):
        return (
            StoreActivityByUserAndChannelIdLoader(info.context)
            .load((root.pk, channel_obj.pk))
            .then(lambda activity: _to_graphql(activity, channel_obj.currency_code))
        )

    return load_in_channel(info, channel, load)


# (Saleor type, field name, mounted field with its resolver): see ..schema
TYPE_EXTENSIONS: list = [
    (
        User,
        "crm_store_activity",
        BaseField(
            CustomerStoreActivity,
            channel=graphene.Argument(
                graphene.String,
                description="Slug of the channel; may be omitted when the shop has "
                "exactly one (active) channel.",
            ),
            description="The customer's store visits, home store and in-store spend in a "
            "channel; null for an unknown channel. Requires the customer's own token or "
            "MANAGE_USERS.",
            resolver=resolve_user_crm_store_activity,
            doc_category=DOC_CATEGORY_STORES,
        ),
    ),
]
