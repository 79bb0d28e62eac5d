from .error_codes import LoyaltyErrorCode


class LoyaltyError(Exception):
    """Base of the loyalty domain's errors; each carries a LoyaltyErrorCode value."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InsufficientPoints(LoyaltyError):
    code = "insufficient_points"


class ProgramInactive(LoyaltyError):
    code = "channel_inactive"


class InvalidPoints(LoyaltyError):
    code = "out_of_range"


class MissingValue(LoyaltyError):
    code = "required"


class OwnAccountAdjustment(LoyaltyError):
    code = "adjust_own_account"


class StaffAccountAdjustment(LoyaltyError):
    code = "adjust_staff_account"


class CheckoutWithoutCustomer(LoyaltyError):
    code = LoyaltyErrorCode.ACCOUNT_REQUIRED.value


class PointsCardNotApplicable(LoyaltyError):
    """A points card pays a checkout it was not issued for, or beyond the cap."""

    code = LoyaltyErrorCode.INVALID.value
