from ..errors import CRMError
from .error_codes import LoyaltyErrorCode


class LoyaltyError(CRMError):
    """Base of the loyalty domain's errors; each carries a LoyaltyErrorCode member."""

    code_enum = LoyaltyErrorCode
    code = LoyaltyErrorCode.INVALID


class InsufficientPoints(LoyaltyError):
    code = LoyaltyErrorCode.INSUFFICIENT_POINTS


class ProgramInactive(LoyaltyError):
    code = LoyaltyErrorCode.CHANNEL_INACTIVE


class InvalidPoints(LoyaltyError):
    code = LoyaltyErrorCode.OUT_OF_RANGE


class MissingValue(LoyaltyError):
    code = LoyaltyErrorCode.REQUIRED


class OwnAccountAdjustment(LoyaltyError):
    code = LoyaltyErrorCode.ADJUST_OWN_ACCOUNT


class StaffAccountAdjustment(LoyaltyError):
    code = LoyaltyErrorCode.ADJUST_STAFF_ACCOUNT


class CheckoutWithoutCustomer(LoyaltyError):
    code = LoyaltyErrorCode.ACCOUNT_REQUIRED


class PointsCardNotApplicable(LoyaltyError):
    """A points card pays a checkout it was not issued for, or beyond the cap."""

    code = LoyaltyErrorCode.INVALID


class InvalidMemberCode(LoyaltyError):
    """A member code that is malformed or whose check character does not match."""

    code = LoyaltyErrorCode.INVALID_MEMBER_CODE
