import graphene
from saleor.channel.models import Channel
from saleor.graphql.app.dataloaders import get_app_promise
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import get_database_connection_name

from ....stores.error_codes import StoreErrorCode
from ....stores.purchases import Actor, CustomerKeys
from ... import utils
from ..enums import DOC_CATEGORY_STORES


class StoreCustomerInput(graphene.InputObjectType):
    member_code = graphene.String(
        description="The member code the shopper shows (`LoyaltyAccount.memberCode`, as "
        "typed or scanned: any case, with or without the dash)."
    )
    email = graphene.String(description="The shopper's e-mail address.")
    phone = graphene.String(
        description="The shopper's phone number in international form (+44…), as saved "
        "in one of their addresses."
    )

    class Meta:
        description = "Names the shopper at the till: exactly one of the three."
        doc_category = DOC_CATEGORY_STORES


def customer_keys(data) -> CustomerKeys:
    return CustomerKeys(
        member_code=data.get("member_code"), email=data.get("email"), phone=data.get("phone")
    )


def actor_of(info: ResolveInfo) -> Actor:
    app = get_app_promise(info.context).get()
    user = info.context.user
    return Actor(user_id=user.pk if user else None, app_id=app.pk if app else None)


def channel_of(info: ResolveInfo, slug: str) -> Channel:
    """The channel a mutation names by slug, or a coded error on ``channel``."""
    return utils.get_channel_or_error(
        slug, using=get_database_connection_name(info.context), code=StoreErrorCode.NOT_FOUND.value
    )
