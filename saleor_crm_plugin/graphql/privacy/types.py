import graphene
from saleor.graphql.core.types import Error

from ...privacy import error_codes
from ..consent.enums import DOC_CATEGORY_PRIVACY

# Schema name PrivacyErrorCode; the Python name differs from the domain enum's.
PrivacyErrorCodeEnum = graphene.Enum.from_enum(error_codes.PrivacyErrorCode)
PrivacyErrorCodeEnum.doc_category = DOC_CATEGORY_PRIVACY


class PrivacyErrorType(Error):
    code = PrivacyErrorCodeEnum(description="The error code.", required=True)

    class Meta:
        name = "PrivacyError"
        doc_category = DOC_CATEGORY_PRIVACY
