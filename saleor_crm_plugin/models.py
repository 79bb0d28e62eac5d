"""Django discovers the app's models here; each domain keeps its own module."""

from .loyalty.models import (  # noqa: F401
    CustomerProfile,
    LoyaltyAccount,
    LoyaltyEntry,
    LoyaltyNotice,
    LoyaltyRedemption,
    LoyaltyProgramStart,
    LoyaltyTierChange,
)
