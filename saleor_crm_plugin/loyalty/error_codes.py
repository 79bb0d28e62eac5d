from enum import Enum


class LoyaltyErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    CHANNEL_INACTIVE = "channel_inactive"
    INSUFFICIENT_POINTS = "insufficient_points"
    OUT_OF_RANGE = "out_of_range"
    ACCOUNT_REQUIRED = "account_required"
    ADJUST_OWN_ACCOUNT = "adjust_own_account"
    ADJUST_STAFF_ACCOUNT = "adjust_staff_account"
    INVALID_MEMBER_CODE = "invalid_member_code"
