import graphene
from prices import Money as Price
from saleor.graphql.core.types import BaseObjectType, Money, NonNullList

from ...config import ChannelConfig

DOC_CATEGORY_LOYALTY = "Loyalty"


class LoyaltyTier(BaseObjectType):
    name = graphene.String(required=True, description="Name of the tier.")
    threshold = graphene.Float(
        required=True,
        description="Spend (in the channel currency) or points within the tier window "
        "that reach the tier.",
    )
    multiplier = graphene.Float(
        required=True, description="Earning multiplier of the tier."
    )

    class Meta:
        description = "A loyalty tier of a channel's programme."
        doc_category = DOC_CATEGORY_LOYALTY


class LoyaltyTierBasisEnum(graphene.Enum):
    SPEND = "spend"
    POINTS = "points"

    class Meta:
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
            earn_points=config.earn_points,
            earn_amount=Price(config.earn_amount, currency),
            point_value=Price(config.point_value, currency),
            pending_days=days(config.pending_seconds),
            expiry_days=days(config.expire_seconds),
            tier_basis=config.tier_basis,
            tier_window_days=days(config.tier_window_seconds),
            tiers=[
                LoyaltyTier(
                    name=tier.name,
                    threshold=tier.threshold,
                    multiplier=tier.multiplier,
                )
                for tier in config.tiers
            ],
            signup_bonus=config.signup_bonus,
            birthday_bonus=config.birthday_bonus,
            redemption_max_percent=config.redemption_max_percent,
            redemption_min_points=config.redemption_min_points,
        )
