from enum import Enum


class CustomerSegmentErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    UNKNOWN_FIELD = "unknown_field"
    INVALID_OPERATOR = "invalid_operator"
    INVALID_VALUE = "invalid_value"
    EMPTY_GROUP = "empty_group"
    TOO_DEEP = "too_deep"
    TOO_LARGE = "too_large"
    CHANNEL_REQUIRED = "channel_required"
    INVALID_TAG = "invalid_tag"
    TIMEOUT = "timeout"
    TAG_CYCLE = "tag_cycle"
