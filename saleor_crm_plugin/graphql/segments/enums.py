import graphene
from saleor.graphql.core.enums import to_enum

from ...segments import error_codes
from ...segments.models import MembershipEventKind
from ...segments.rfm import RFM_GROUPS

DOC_CATEGORY_SEGMENTS = "Customer segments"

# Schema name CustomerSegmentErrorCode; the Python name differs from the domain enum's.
CustomerSegmentErrorCodeEnum = graphene.Enum.from_enum(error_codes.CustomerSegmentErrorCode)
CustomerSegmentErrorCodeEnum.doc_category = DOC_CATEGORY_SEGMENTS

CustomerSegmentEventKindEnum = to_enum(
    MembershipEventKind,
    type_name="CustomerSegmentEventKindEnum",
    description="Whether a customer joined or left a segment.",
)
CustomerSegmentEventKindEnum.doc_category = DOC_CATEGORY_SEGMENTS


CustomerRfmGroupEnum = graphene.Enum(
    "CustomerRfmGroupEnum",
    [(slug.upper(), slug) for slug, _label, _rule in RFM_GROUPS],
    description="Named RFM groups (see docs/segments.md for the score thresholds).",
)
CustomerRfmGroupEnum.doc_category = DOC_CATEGORY_SEGMENTS
