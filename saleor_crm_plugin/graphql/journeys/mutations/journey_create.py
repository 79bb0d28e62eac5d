import graphene
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import get_database_connection_name
from saleor.graphql.core.types import BaseInputObjectType
from saleor.permission.enums import AccountPermissions

from ....journeys import actions
from ...utils import CRMBaseMutation, check_channel_access, get_channel_or_error
from ..enums import DOC_CATEGORY_JOURNEYS, JourneyKindEnum
from ..types import Journey, JourneyErrorType
from .inputs import JourneyInputFields, journey_changes


class JourneyCreateInput(JourneyInputFields, BaseInputObjectType):
    channel = graphene.String(required=True, description="Slug of the channel.")
    kind = JourneyKindEnum(required=True, description="The trigger (not cart recovery).")

    class Meta:
        doc_category = DOC_CATEGORY_JOURNEYS


class JourneyCreate(CRMBaseMutation):
    journey = graphene.Field(Journey, description="The journey created.")

    class Arguments:
        input = JourneyCreateInput(required=True, description="The journey.")

    class Meta:
        description = (
            "Create a journey from its kind's built-in stages and e-mails, changed by "
            "what the input gives; `enabled: true` starts it. Cart recovery is set up "
            "on the Plugins page."
        )
        doc_category = DOC_CATEGORY_JOURNEYS
        permissions = (AccountPermissions.MANAGE_USERS,)
        error_type_class = JourneyErrorType

    @classmethod
    def perform_mutation(cls, _root, info: ResolveInfo, /, *, input):  # type: ignore[override]
        check_channel_access(info, input["channel"])
        channel = get_channel_or_error(
            input["channel"], using=get_database_connection_name(info.context)
        )
        journey = actions.journey_create(
            channel_id=channel.pk, kind=input["kind"], **journey_changes(input)
        )
        return cls(journey=journey, errors=[])
