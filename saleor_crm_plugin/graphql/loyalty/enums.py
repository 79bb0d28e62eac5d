import graphene
from saleor.graphql.core.enums import to_enum

from ...config import TIER_BASIS_POINTS, TIER_BASIS_SPEND
from ...loyalty import error_codes
from ...loyalty.models import EntryStatus, EntryType

DOC_CATEGORY_LOYALTY = "Loyalty"

# Schema name LoyaltyErrorCode; the Python name differs from the domain enum's.
LoyaltyErrorCodeEnum = graphene.Enum.from_enum(error_codes.LoyaltyErrorCode)
LoyaltyErrorCodeEnum.doc_category = DOC_CATEGORY_LOYALTY

LoyaltyEntryTypeEnum = to_enum(
    EntryType,
    type_name="LoyaltyEntryTypeEnum",
    description="What a loyalty ledger entry records.",
)
LoyaltyEntryTypeEnum.doc_category = DOC_CATEGORY_LOYALTY

LoyaltyEntryStatusEnum = to_enum(
    EntryStatus,
    type_name="LoyaltyEntryStatusEnum",
    description="Pending points are inside the return window; available ones can be spent.",
)
LoyaltyEntryStatusEnum.doc_category = DOC_CATEGORY_LOYALTY


class LoyaltyTierBasisEnum(graphene.Enum):
    SPEND = TIER_BASIS_SPEND
    POINTS = TIER_BASIS_POINTS

    class Meta:
        doc_category = DOC_CATEGORY_LOYALTY


class CrmOfferKindEnum(graphene.Enum):
    LOYALTY_REDEMPTION = "loyalty_redemption"
    CART_RECOVERY = "cart_recovery"

    class Meta:
        description = "Where an offer comes from."
        doc_category = DOC_CATEGORY_LOYALTY
