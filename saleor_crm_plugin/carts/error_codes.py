from enum import Enum


class CartRecoveryErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    VOUCHER_NOT_ALLOWED = "voucher_not_allowed"
    INVALID_TOKEN = "invalid_token"
