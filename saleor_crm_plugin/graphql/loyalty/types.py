import graphene
from prices import Money as Price
from promise import Promise
from saleor.account.models import User as UserModel
from saleor.core.exceptions import PermissionDenied
from saleor.graphql.account.dataloaders import UserByUserIdLoader
from saleor.graphql.account.types import User
from saleor.graphql.account.utils import check_is_owner_or_has_one_of_perms
from saleor.graphql.app.dataloaders import AppByIdLoader
from saleor.graphql.app.types import App
from saleor.graphql.channel.dataloaders.by_self import ChannelByIdLoader
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.connection import CountableConnection, create_connection_slice
from saleor.graphql.core.context import (
    SyncWebhookControlContext,
    get_database_connection_name,
)
from saleor.graphql.core.fields import ConnectionField
from saleor.graphql.core.scalars import DateTime
from saleor.graphql.core.utils import to_global_id_or_none
from saleor.graphql.core.types import BaseObjectType, Error, ModelObjectType, Money, NonNullList
from saleor.graphql.order.dataloaders import OrderByIdLoader
from saleor.graphql.order.types import Order
from saleor.graphql.utils import get_user_or_app_from_context
from saleor.permission.auth_filters import AuthorizationFilters
from saleor.permission.enums import AccountPermissions, AppPermission, OrderPermissions
from saleor.permission.utils import has_one_of_permissions

from ...config import ChannelConfig
from ...loyalty import models, quote, rules, selectors
from .dataloaders import ChannelProgramByChannelIdLoader, load_tier_basis_value
from .enums import (
    DOC_CATEGORY_LOYALTY,
    LoyaltyEntryStatusEnum,
    LoyaltyEntryTypeEnum,
    LoyaltyErrorCodeEnum,
    LoyaltyTierBasisEnum,
)


class LoyaltyErrorType(Error):
    code = LoyaltyErrorCodeEnum(description="The error code.", required=True)

    class Meta:
        name = "LoyaltyError"  # the schema name; the Python name is not the domain's
        doc_category = DOC_CATEGORY_LOYALTY


class LoyaltyTier(BaseObjectType):
    name = graphene.String(required=True, description="Name of the tier.")
    threshold = graphene.Float(
        required=True,
        description="Spend (in the channel currency) or points within the tier window "
        "that reach the tier.",
    )
    multiplier = graphene.Float(required=True, description="Earning multiplier of the tier.")

    class Meta:
        description = "A loyalty tier of a channel's programme."
        doc_category = DOC_CATEGORY_LOYALTY


class LoyaltyProgram(BaseObjectType):
    channel = graphene.String(required=True, description="Slug of the channel.")
    is_active = graphene.Boolean(
        required=True, description="Whether the programme runs in this channel."
    )
    earn_points = graphene.Int(
        required=True, description="Points earned for every `earnAmount` spent."
    )
    earn_amount = graphene.Field(
        Money, required=True, description="Spend that earns `earnPoints` points."
    )
    point_value = graphene.Field(
        Money, required=True, description="What one point is worth at checkout."
    )
    pending_days = graphene.Float(
        required=True,
        description="Days earned points stay pending before they can be spent.",
    )
    expiry_days = graphene.Float(
        description="Days after which earned points expire; null when they never do."
    )
    tier_basis = graphene.Field(LoyaltyTierBasisEnum, required=True)
    tier_window_days = graphene.Float(required=True)
    tiers = NonNullList(LoyaltyTier, required=True)
    signup_bonus = graphene.Int(required=True)
    birthday_bonus = graphene.Int(required=True)
    redemption_max_percent = graphene.Float(required=True)
    redemption_min_points = graphene.Int(required=True)

    class Meta:
        description = "The loyalty rules of one channel, for storefronts."
        doc_category = DOC_CATEGORY_LOYALTY

    @staticmethod
    def from_config(channel, active: bool, config: ChannelConfig) -> "LoyaltyProgram":
        currency = channel.currency_code

        def days(seconds):
            return None if seconds is None else seconds / 86400

        return LoyaltyProgram(
            channel=channel.slug,
            is_active=active,
            earn_points=config.loyalty.earn_points,
            earn_amount=Price(config.loyalty.earn_amount, currency),
            point_value=Price(config.loyalty.point_value, currency),
            pending_days=days(config.loyalty.pending_seconds),
            expiry_days=days(config.loyalty.expire_seconds),
            tier_basis=config.loyalty.tier_basis,
            tier_window_days=days(config.loyalty.tier_window_seconds),
            tiers=list(config.loyalty.tiers),
            signup_bonus=config.loyalty.signup_bonus,
            birthday_bonus=config.loyalty.birthday_bonus,
            redemption_max_percent=config.loyalty.redemption_max_percent,
            redemption_min_points=config.loyalty.redemption_min_points,
        )


def check_can_see_customer_orders(requestor, customer_id: int) -> None:
    """Saleor's rule for a customer's orders (``User.orders``): them or MANAGE_ORDERS."""
    is_customer = isinstance(requestor, UserModel) and requestor.pk == customer_id
    if not is_customer and not has_one_of_permissions(requestor, [OrderPermissions.MANAGE_ORDERS]):
        raise PermissionDenied(
            permissions=[AuthorizationFilters.OWNER, OrderPermissions.MANAGE_ORDERS]
        )


def _order_without_sync_webhooks(order):
    return order and SyncWebhookControlContext(node=order, allow_sync_webhooks=False)


class LoyaltyEntry(ModelObjectType[models.LoyaltyEntry]):
    id = graphene.GlobalID(required=True, description="ID of the entry.")
    points = graphene.Int(required=True, description="Points added (positive) or taken (negative).")
    type = LoyaltyEntryTypeEnum(required=True, description="What the entry records.")
    status = LoyaltyEntryStatusEnum(required=True, description="Pending or available.")
    reason = graphene.String(
        required=True, description="Why the points moved (e.g. a staff adjustment's reason)."
    )
    created_at = DateTime(required=True, description="When the entry was posted.")
    available_at = DateTime(description="When pending points become (or became) available.")
    expires_at = DateTime(description="When the points of this entry expire, if they do.")
    order = graphene.Field(
        Order,
        description="The order the points came from or went back to. Requires the "
        "customer's own token or MANAGE_ORDERS.",
    )
    actor_user = graphene.Field(
        User,
        description="The staff member who posted the entry (an adjustment). Requires "
        "MANAGE_USERS, MANAGE_STAFF or being that staff member.",
    )
    actor_app = graphene.Field(
        App,
        description="The app that posted the entry (an adjustment). Requires "
        "MANAGE_APPS or being that app.",
    )

    class Meta:
        model = models.LoyaltyEntry
        interfaces = [graphene.relay.Node]
        description = "One movement of a customer's loyalty points."
        doc_category = DOC_CATEGORY_LOYALTY

    @staticmethod
    def resolve_order(root: models.LoyaltyEntry, info: ResolveInfo):
        if root.order_id is None:
            return None
        requestor = get_user_or_app_from_context(info.context)
        check_can_see_customer_orders(requestor, root.account.user_id)
        return OrderByIdLoader(info.context).load(root.order_id).then(_order_without_sync_webhooks)

    @staticmethod
    def resolve_actor_user(root: models.LoyaltyEntry, info: ResolveInfo):
        # As Saleor's GiftCardEvent.user.
        def check(actor):
            check_is_owner_or_has_one_of_perms(
                get_user_or_app_from_context(info.context),
                actor,
                AccountPermissions.MANAGE_USERS,
                AccountPermissions.MANAGE_STAFF,
            )
            return actor

        if root.actor_user_id is None:
            return None
        return UserByUserIdLoader(info.context).load(root.actor_user_id).then(check)

    @staticmethod
    def resolve_actor_app(root: models.LoyaltyEntry, info: ResolveInfo):
        # As Saleor's GiftCardEvent.app.
        def check(actor):
            check_is_owner_or_has_one_of_perms(
                get_user_or_app_from_context(info.context), actor, AppPermission.MANAGE_APPS
            )
            return actor

        if root.actor_app_id is None:
            return None
        return AppByIdLoader(info.context).load(root.actor_app_id).then(check)


class LoyaltyEntryCountableConnection(CountableConnection):
    class Meta:
        doc_category = DOC_CATEGORY_LOYALTY
        node = LoyaltyEntry


def _tiers(root: models.LoyaltyAccount, info: ResolveInfo) -> Promise:
    return (
        ChannelProgramByChannelIdLoader(info.context)
        .load(root.channel_id)
        .then(lambda program: program.config.loyalty.tiers)
    )


def _tier_progress(root: models.LoyaltyAccount, info: ResolveInfo) -> Promise:
    program = ChannelProgramByChannelIdLoader(info.context).load(root.channel_id)
    basis_value = load_tier_basis_value(info.context, root)
    return Promise.all([program, basis_value]).then(
        lambda loaded: selectors.tier_progress(
            tier_name=root.tier_name, tiers=loaded[0].config.loyalty.tiers, basis_value=loaded[1]
        )
    )


class LoyaltyAccount(ModelObjectType[models.LoyaltyAccount]):
    id = graphene.ID(
        description="ID of the account; null while the customer has no points history "
        "in the channel (all balances are then zero)."
    )
    user = graphene.Field(User, required=True, description="The customer.")
    balance = graphene.Int(required=True, description="Points available to spend.")
    pending = graphene.Int(
        required=True, description="Points earned but still inside the return window."
    )
    lifetime_points = graphene.Int(
        required=True, description="All points ever earned, less reversed ones."
    )
    tier = graphene.Field(
        LoyaltyTier, description="The customer's tier; null below the first tier."
    )
    next_tier = graphene.Field(LoyaltyTier, description="The next tier up; null at the top tier.")
    progress_to_next_tier = graphene.Float(
        description="Share (0 to 1) of the next tier's threshold reached within the "
        "tier window; 1 at the top tier; null when the programme has no tiers."
    )
    points_value = graphene.Field(
        Money,
        required=True,
        description="What the balance is worth at checkout, in the channel currency: "
        "rounded down to the currency's unit as redemption pays (whole yen for JPY); "
        "zero for a balance below zero.",
    )
    created_at = DateTime(description="When the account was opened; null if it was not.")
    member_code = graphene.String(
        description="What staff or a POS type or scan at the till to find the customer: "
        "ten characters of Crockford's base32, the last a check character (shown grouped "
        "as `K7QMD-2XD94`; the code itself is the payload of a QR code or barcode). "
        "Null while the account is not opened."
    )
    entries = ConnectionField(
        LoyaltyEntryCountableConnection,
        description="The account's points history, newest first.",
    )

    class Meta:
        model = models.LoyaltyAccount
        description = "A customer's loyalty points in one channel."
        doc_category = DOC_CATEGORY_LOYALTY

    @staticmethod
    def resolve_id(root: models.LoyaltyAccount, _info: ResolveInfo):
        # Not a relay Node: an account not opened yet is shown with a null ID.
        return to_global_id_or_none(root)

    @staticmethod
    def resolve_user(root: models.LoyaltyAccount, info: ResolveInfo):
        return UserByUserIdLoader(info.context).load(root.user_id)

    @staticmethod
    def resolve_created_at(root: models.LoyaltyAccount, _info: ResolveInfo):
        return root.created_at if root.pk is not None else None

    @staticmethod
    def resolve_member_code(root: models.LoyaltyAccount, _info: ResolveInfo):
        # An account not opened yet has no code: an unsaved one only holds a fresh draw.
        return root.member_code if root.pk is not None else None

    @staticmethod
    def resolve_tier(root: models.LoyaltyAccount, info: ResolveInfo):
        # The stored tier and the next one need the programme only, not the spend.
        return _tiers(root, info).then(lambda tiers: rules.tier_by_name(tiers, root.tier_name))

    @staticmethod
    def resolve_next_tier(root: models.LoyaltyAccount, info: ResolveInfo):
        return _tiers(root, info).then(
            lambda tiers: rules.next_tier(tiers, rules.tier_by_name(tiers, root.tier_name))
        )

    @staticmethod
    def resolve_progress_to_next_tier(root: models.LoyaltyAccount, info: ResolveInfo):
        return _tier_progress(root, info).then(lambda progress: progress.progress)

    @staticmethod
    def resolve_points_value(root: models.LoyaltyAccount, info: ResolveInfo):
        program = ChannelProgramByChannelIdLoader(info.context).load(root.channel_id)
        channel = ChannelByIdLoader(info.context).load(root.channel_id)

        def value(loaded):
            # What a checkout could take for the balance, rounded as redemption rounds
            # (down to the currency's unit: whole yen for JPY); a balance in debt is
            # worth nothing, not a negative amount.
            config, currency = loaded[0].config, loaded[1].currency_code
            amount = quote.points_value(max(root.balance, 0), config=config, currency=currency)
            return Price(amount, currency)

        return Promise.all([program, channel]).then(value)

    @staticmethod
    def resolve_entries(root: models.LoyaltyAccount, info: ResolveInfo, **kwargs):
        entries = selectors.account_entries(root, using=get_database_connection_name(info.context))
        return create_connection_slice(entries, info, kwargs, LoyaltyEntryCountableConnection)


class LoyaltyAccountCountableConnection(CountableConnection):
    class Meta:
        doc_category = DOC_CATEGORY_LOYALTY
        node = LoyaltyAccount
