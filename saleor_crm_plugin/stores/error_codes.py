from enum import Enum


class StoreErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    CHANNEL_INACTIVE = "channel_inactive"
    # Recording a purchase
    STORE_NOT_FOUND = "store_not_found"
    CURRENCY_MISMATCH = "currency_mismatch"
    EXTERNAL_ID_CONFLICT = "external_id_conflict"
    # Finding the shopper at the till
    INVALID_MEMBER_CODE = "invalid_member_code"
    CUSTOMER_NOT_FOUND = "customer_not_found"
    AMBIGUOUS_CUSTOMER = "ambiguous_customer"
    # Links
    ALREADY_LINKED = "already_linked"
    NOT_LINKED = "not_linked"
    # Claims by the shopper
    INVALID_RECEIPT_CODE = "invalid_receipt_code"
    CLAIM_WINDOW_CLOSED = "claim_window_closed"
    ALREADY_CLAIMED = "already_claimed"
    DAILY_LIMIT_REACHED = "daily_limit_reached"
    INVALID_CODE = "invalid_code"
    CODE_EXPIRED = "code_expired"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
