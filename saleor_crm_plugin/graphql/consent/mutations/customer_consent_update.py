import graphene
from saleor.graphql.account.types import User
from saleor.graphql.core import ResolveInfo
from saleor.permission.auth_filters import AuthorizationFilters

from ....consent.actions import consent_set
from ....consent.models import ConsentActor, ConsentPurpose, ConsentSource
from ....enqueue import enqueue_after_commit
from ....segments.tasks import customer_segments_refresh_task
from ...utils import CRMBaseMutation
from ..enums import DOC_CATEGORY_PRIVACY, CustomerConsentPurposeEnum
from ..types import ConsentErrorType, CustomerConsent


class CustomerConsentUpdate(CRMBaseMutation):
    user = graphene.Field(User, description="The customer.")
    consent = graphene.Field(CustomerConsent, description="The answer as stored now.")

    class Arguments:
        purpose = CustomerConsentPurposeEnum(required=True, description="What the answer allows.")
        granted = graphene.Boolean(required=True, description="The customer's answer.")

    class Meta:
        description = (
            "The signed-in customer gives or withdraws their consent for one purpose: "
            "marketing e-mail, or profiling (withdrawn: they are left out of segments "
            "and RFM groups). Recorded with source `customer` and the time, in the "
            "customer's consent history. Apps cannot answer for a customer."
        )
        doc_category = DOC_CATEGORY_PRIVACY
        permissions = (AuthorizationFilters.AUTHENTICATED_USER,)
        error_type_class = ConsentErrorType

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, purpose: str, granted: bool
    ):
        customer = info.context.user
        consent = consent_set(
            email=customer.email,
            purpose=purpose,
            granted=granted,
            source=ConsentSource.CUSTOMER,
            user_id=customer.pk,
            actor=ConsentActor.CUSTOMER,
        )
        if purpose == ConsentPurpose.PROFILING:
            # Profiling decides whether they count in segments: re-evaluate them now.
            reason = f"profiling consent {'given' if granted else 'withdrawn'}"
            enqueue_after_commit(customer_segments_refresh_task, customer.pk, reason)
        return cls(
            user=customer,
            consent=CustomerConsent(
                purpose=consent.purpose,
                granted=consent.granted,
                source=consent.source,
                updated_at=consent.updated_at,
            ),
            errors=[],
        )
