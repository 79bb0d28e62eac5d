import graphene
from saleor.channel.models import Channel
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import get_database_connection_name
from saleor.graphql.core.fields import BaseField

from ...config import load_channel_program
from .types import DOC_CATEGORY_LOYALTY, LoyaltyProgram


class LoyaltyQueries(graphene.ObjectType):
    loyalty_program = BaseField(
        LoyaltyProgram,
        channel=graphene.Argument(
            graphene.String, required=True, description="Slug of the channel."
        ),
        description="The loyalty programme of a channel: earning rate, point value, "
        "tiers. Null when the channel does not exist.",
        doc_category=DOC_CATEGORY_LOYALTY,
    )

    @staticmethod
    def resolve_loyalty_program(_root, info: ResolveInfo, *, channel: str):
        database = get_database_connection_name(info.context)
        channel_obj = Channel.objects.using(database).filter(slug=channel).first()
        if channel_obj is None:
            return None
        program = load_channel_program(channel_obj.pk, using=database)
        return LoyaltyProgram.from_config(channel_obj, program.active, program.config)


class LoyaltyMutations(graphene.ObjectType):
    pass


TYPE_EXTENSIONS: list = []
