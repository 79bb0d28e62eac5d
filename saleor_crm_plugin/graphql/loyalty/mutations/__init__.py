from .checkout_loyalty_points_apply import CheckoutLoyaltyPointsApply
from .checkout_loyalty_points_remove import CheckoutLoyaltyPointsRemove
from .customer_birthday_set import CustomerBirthdaySet
from .loyalty_account_open import LoyaltyAccountOpen
from .loyalty_points_adjust import LoyaltyPointsAdjust

__all__ = [
    "CheckoutLoyaltyPointsApply",
    "CheckoutLoyaltyPointsRemove",
    "CustomerBirthdaySet",
    "LoyaltyAccountOpen",
    "LoyaltyPointsAdjust",
]
