import graphene
from saleor.graphql.core.enums import to_enum

from ...carts import error_codes
from ...carts.models import AbandonedStatus, OfferStatus, ReminderKind, ReminderStatus

DOC_CATEGORY_CART_RECOVERY = "Cart recovery"

# Schema name CartRecoveryErrorCode; the Python name differs from the domain enum's.
CartRecoveryErrorCodeEnum = graphene.Enum.from_enum(error_codes.CartRecoveryErrorCode)
CartRecoveryErrorCodeEnum.doc_category = DOC_CATEGORY_CART_RECOVERY

AbandonedCheckoutStatusEnum = to_enum(
    AbandonedStatus,
    type_name="AbandonedCheckoutStatusEnum",
    description="What became of an abandoned checkout.",
)
AbandonedCheckoutStatusEnum.doc_category = DOC_CATEGORY_CART_RECOVERY

CartReminderKindEnum = to_enum(
    ReminderKind, type_name="CartReminderKindEnum", description="Kind of a reminder stage."
)
CartReminderKindEnum.doc_category = DOC_CATEGORY_CART_RECOVERY

CartReminderStatusEnum = to_enum(
    ReminderStatus,
    type_name="CartReminderStatusEnum",
    description="Outcome of a reminder stage.",
)
CartReminderStatusEnum.doc_category = DOC_CATEGORY_CART_RECOVERY

CartRecoveryOfferStatusEnum = to_enum(
    OfferStatus,
    type_name="CartRecoveryOfferStatusEnum",
    description="State of a recovery offer code.",
)
CartRecoveryOfferStatusEnum.doc_category = DOC_CATEGORY_CART_RECOVERY
