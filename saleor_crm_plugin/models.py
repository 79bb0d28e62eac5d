"""Django discovers the app's models here; each domain keeps its own module."""

from .carts.models import (  # noqa: F401
    AbandonedCheckout,
    CartDetectionCursor,
    CartRecoveryOffer,
    CartReminder,
)
from .consent.models import ConsentEvent, MarketingConsent, MarketingRecipient  # noqa: F401
from .journeys.models import Journey, JourneyEnrollment, JourneyMessage  # noqa: F401
from .loyalty.models import (  # noqa: F401
    CustomerProfile,
    LoyaltyAccount,
    LoyaltyAllocation,
    LoyaltyEntry,
    LoyaltyNotice,
    LoyaltyOrderScan,
    LoyaltyRedemption,
    LoyaltyProgramStart,
    LoyaltyTierChange,
)
from .privacy.models import CustomerErasure  # noqa: F401
from .segments.models import (  # noqa: F401
    CustomerRfm,
    CustomerSegment,
    CustomerTag,
    SegmentMembership,
    SegmentMembershipEvent,
)
from .stores.models import (  # noqa: F401
    StoreCardRecognition,
    StorePickup,
    StorePurchase,
    StorePurchaseClaim,
    StorePurchaseClaimRefusal,
    StorePurchaseLink,
    StoreRefund,
)
