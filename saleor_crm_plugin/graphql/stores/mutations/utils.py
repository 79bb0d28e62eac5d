import graphene
from saleor.graphql.app.dataloaders import get_app_promise
from saleor.graphql.core import ResolveInfo

from ....stores.purchases import Actor, CustomerKeys
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
