from .customer_birthday_set import CustomerBirthdaySet
from .loyalty_points_adjust import LoyaltyPointsAdjust

__all__ = ["CustomerBirthdaySet", "LoyaltyPointsAdjust"]
