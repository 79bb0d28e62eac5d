import graphene
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.types import BaseInputObjectType
from saleor.permission.enums import AccountPermissions

from ....journeys import actions
from ...utils import CRMBaseMutation, get_node_or_error
from ..enums import DOC_CATEGORY_JOURNEYS
from ..types import Journey, JourneyErrorType
from .inputs import JourneyInputFields, journey_changes


class JourneyUpdateInput(JourneyInputFields, BaseInputObjectType):
    class Meta:
        doc_category = DOC_CATEGORY_JOURNEYS


class JourneyUpdate(CRMBaseMutation):
    journey = graphene.Field(Journey, description="The journey as saved.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the journey.")
        input = JourneyUpdateInput(required=True, description="What to change.")

    class Meta:
        description = (
            "Change a journey: enable or pause it, its stages, e-mails, offers, trigger "
            "settings or holdout. Stages already sent are never sent again."
        )
        doc_category = DOC_CATEGORY_JOURNEYS
        permissions = (AccountPermissions.MANAGE_USERS,)
        error_type_class = JourneyErrorType

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, id: str, input
    ):
        journey = get_node_or_error(info, id, only_type=Journey)
        journey = actions.journey_update(journey=journey, **journey_changes(input))
        return cls(journey=journey, errors=[])
