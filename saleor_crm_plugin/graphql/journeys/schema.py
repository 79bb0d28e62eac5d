"""Journeys in the GraphQL API (docs/journeys.md): staff with MANAGE_USERS list, read,
create and change a channel's journeys and read their figures."""

import graphene
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import get_database_connection_name
from saleor.graphql.core.fields import PermissionsField
from saleor.graphql.core.types import NonNullList
from saleor.permission.enums import AccountPermissions

from ...journeys.models import Journey as JourneyModel
from ..utils import check_channel_access, is_channel_slug, node_or_none
from .enums import DOC_CATEGORY_JOURNEYS
from .mutations import JourneyCreate, JourneyUpdate
from .types import Journey


class JourneyQueries(graphene.ObjectType):
    journeys = PermissionsField(
        NonNullList(Journey),
        required=True,
        channel=graphene.Argument(
            graphene.String, required=True, description="Slug of the channel."
        ),
        description="The channel's journeys (empty for an unknown channel).",
        permissions=[AccountPermissions.MANAGE_USERS],
        doc_category=DOC_CATEGORY_JOURNEYS,
    )
    journey = PermissionsField(
        Journey,
        id=graphene.Argument(graphene.ID, required=True, description="ID of the journey."),
        description="One journey, or null.",
        permissions=[AccountPermissions.MANAGE_USERS],
        doc_category=DOC_CATEGORY_JOURNEYS,
    )

    @staticmethod
    def resolve_journeys(_root, info: ResolveInfo, *, channel: str):
        check_channel_access(info, channel)
        if not is_channel_slug(channel):
            return []
        return list(
            JourneyModel.objects.using(get_database_connection_name(info.context))
            .filter(channel__slug=channel)
            .order_by("pk")
        )

    @staticmethod
    def resolve_journey(_root, info: ResolveInfo, *, id: str):
        return node_or_none(id, only_type=Journey, info=info)


class JourneyMutations(graphene.ObjectType):
    journey_create = JourneyCreate.Field()
    journey_update = JourneyUpdate.Field()
