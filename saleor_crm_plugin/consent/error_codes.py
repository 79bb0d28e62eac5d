from enum import Enum


class ConsentErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REASON_REQUIRED = "reason_required"
    REQUIRED = "required"
