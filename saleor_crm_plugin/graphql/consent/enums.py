import graphene
from saleor.graphql.core.enums import to_enum

from ...consent import error_codes
from ...consent.models import ConsentActor, ConsentPurpose

DOC_CATEGORY_PRIVACY = "Privacy"

# Schema name ConsentErrorCode; the Python name differs from the domain enum's.
ConsentErrorCodeEnum = graphene.Enum.from_enum(error_codes.ConsentErrorCode)
ConsentErrorCodeEnum.doc_category = DOC_CATEGORY_PRIVACY

CustomerConsentPurposeEnum = to_enum(
    ConsentPurpose,
    type_name="CustomerConsentPurposeEnum",
    description="What a consent answer allows: marketing e-mail, or profiling (segments, "
    "RFM groups and scores computed from the customer's data).",
)
CustomerConsentPurposeEnum.doc_category = DOC_CATEGORY_PRIVACY

CustomerConsentActorEnum = to_enum(
    ConsentActor,
    type_name="CustomerConsentActorEnum",
    description="Who changed a consent answer.",
)
CustomerConsentActorEnum.doc_category = DOC_CATEGORY_PRIVACY
