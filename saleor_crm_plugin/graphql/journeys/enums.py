import graphene
from saleor.graphql.core.enums import to_enum

from ...journeys import error_codes
from ...journeys.models import EnrollmentStatus, JourneyKind

DOC_CATEGORY_JOURNEYS = "Journeys"

JourneyErrorCodeEnum = graphene.Enum.from_enum(error_codes.JourneyErrorCode)
JourneyErrorCodeEnum.doc_category = DOC_CATEGORY_JOURNEYS

JourneyKindEnum = to_enum(
    JourneyKind, type_name="JourneyKindEnum", description="What makes a customer enter."
)
JourneyKindEnum.doc_category = DOC_CATEGORY_JOURNEYS

JourneyEnrollmentStatusEnum = to_enum(
    EnrollmentStatus,
    type_name="JourneyEnrollmentStatusEnum",
    description="Where a customer's run through a journey stands.",
)
JourneyEnrollmentStatusEnum.doc_category = DOC_CATEGORY_JOURNEYS
