from enum import Enum


class JourneyErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    UNIQUE = "unique"
    INVALID_STAGES = "invalid_stages"
    INVALID_TEMPLATE = "invalid_template"
    NOT_EDITABLE = "not_editable"
