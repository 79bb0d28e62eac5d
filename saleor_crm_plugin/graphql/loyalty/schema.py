import graphene
from saleor.account.models import User as UserModel
from saleor.graphql.account.types import User, is_newly_created_user
from saleor.graphql.account.utils import check_is_owner_or_has_one_of_perms
from saleor.graphql.checkout.types import Checkout
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.connection import (
    create_connection_slice,
    filter_connection_queryset,
)
from saleor.graphql.core.context import get_database_connection_name
from saleor.graphql.core.fields import BaseField, FilterConnectionField
from saleor.graphql.core.scalars import Date
from saleor.graphql.order.types import Order
from saleor.graphql.utils import get_user_or_app_from_context
from saleor.permission.enums import AccountPermissions

from ...config import load_channel_program
from ...loyalty import selectors
from ..utils import check_channel_access, channel_or_none, is_channel_slug, load_in_channel
from .checkout import checkout_type_extensions
from .dataloaders import (
    ChannelBySlugWithProgramLoader,
    CustomerBirthdayByUserIdLoader,
    LoyaltyAccountByUserAndChannelIdLoader,
)
from .enums import DOC_CATEGORY_LOYALTY
from .filters import LoyaltyAccountFilterInput
from .order import order_type_extensions
from .mutations import (
    CheckoutLoyaltyPointsApply,
    CheckoutLoyaltyPointsRemove,
    CustomerBirthdaySet,
    LoyaltyAccountOpen,
    LoyaltyPointsAdjust,
)
from .sorters import LoyaltyAccountSortingInput
from .types import LoyaltyAccount, LoyaltyAccountCountableConnection, LoyaltyProgram


class LoyaltyQueries(graphene.ObjectType):
    loyalty_program = BaseField(
        LoyaltyProgram,
        channel=graphene.Argument(
            graphene.String, required=True, description="Slug of the channel."
        ),
        description="The loyalty programme of a channel: earning rate, point value, "
        "tiers. Null when the channel does not exist.",
        doc_category=DOC_CATEGORY_LOYALTY,
    )
    loyalty_accounts = FilterConnectionField(
        LoyaltyAccountCountableConnection,
        channel=graphene.Argument(
            graphene.String, required=True, description="Slug of the channel."
        ),
        filter=LoyaltyAccountFilterInput(description="Filtering options for accounts."),
        sort_by=LoyaltyAccountSortingInput(description="Sort accounts."),
        description="The loyalty accounts of a channel (empty for an unknown channel).",
        permissions=[AccountPermissions.MANAGE_USERS],
        doc_category=DOC_CATEGORY_LOYALTY,
    )

    @staticmethod
    def resolve_loyalty_program(_root, info: ResolveInfo, *, channel: str):
        database = get_database_connection_name(info.context)
        channel_obj = channel_or_none(channel, using=database)
        if channel_obj is None:
            return None
        program = load_channel_program(channel_obj.pk, using=database)
        return LoyaltyProgram.from_config(channel_obj, program.active, program.config)

    @staticmethod
    def resolve_loyalty_accounts(_root, info: ResolveInfo, **kwargs):
        check_channel_access(info, kwargs["channel"])
        accounts = selectors.channel_accounts(
            channel_slug=kwargs["channel"],
            using=get_database_connection_name(info.context),
        )
        if not is_channel_slug(kwargs["channel"]):
            accounts = accounts.none()
        accounts = filter_connection_queryset(
            accounts, kwargs, allow_replica=info.context.allow_replica
        )
        return create_connection_slice(accounts, info, kwargs, LoyaltyAccountCountableConnection)


class LoyaltyMutations(graphene.ObjectType):
    loyalty_account_open = LoyaltyAccountOpen.Field()
    loyalty_points_adjust = LoyaltyPointsAdjust.Field()
    customer_birthday_set = CustomerBirthdaySet.Field()
    checkout_loyalty_points_apply = CheckoutLoyaltyPointsApply.Field()
    checkout_loyalty_points_remove = CheckoutLoyaltyPointsRemove.Field()


def resolve_user_loyalty(root: UserModel, info: ResolveInfo, channel: str | None = None):
    requestor = get_user_or_app_from_context(info.context)
    check_is_owner_or_has_one_of_perms(requestor, root, AccountPermissions.MANAGE_USERS)
    if is_newly_created_user(root):
        return None
    return load_in_channel(
        info,
        channel,
        lambda channel_obj: LoyaltyAccountByUserAndChannelIdLoader(info.context).load(
            (root.pk, channel_obj.pk)
        ),
        channel_loader=ChannelBySlugWithProgramLoader,
    )


def resolve_user_crm_birthday(root: UserModel, info: ResolveInfo):
    requestor = get_user_or_app_from_context(info.context)
    check_is_owner_or_has_one_of_perms(requestor, root, AccountPermissions.MANAGE_USERS)
    if is_newly_created_user(root):
        return None
    return CustomerBirthdayByUserIdLoader(info.context).load(root.pk)


# (Saleor type, field name, mounted field with its resolver): see ..schema
TYPE_EXTENSIONS: list = [
    (
        User,
        "loyalty",
        BaseField(
            LoyaltyAccount,
            channel=graphene.Argument(
                graphene.String,
                description="Slug of the channel; may be omitted when the shop has "
                "exactly one (active) channel.",
            ),
            description="The customer's loyalty points in a channel: zero balances "
            "before the first points, null for an unknown channel. Requires the "
            "customer's own token or MANAGE_USERS.",
            resolver=resolve_user_loyalty,
            doc_category=DOC_CATEGORY_LOYALTY,
        ),
    ),
    (
        User,
        "crm_birthday",
        BaseField(
            Date,
            description="The customer's birthday (for the loyalty birthday bonus). "
            "Requires the customer's own token or MANAGE_USERS.",
            resolver=resolve_user_crm_birthday,
            doc_category=DOC_CATEGORY_LOYALTY,
        ),
    ),
    *checkout_type_extensions(Checkout),
    *order_type_extensions(Order),
]
