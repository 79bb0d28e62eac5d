"""Stores in the GraphQL API: in-store purchases for tills (POS apps) and staff.

``storePurchases`` and the mutations recording, linking and unlinking purchases need
MANAGE_ORDERS, as Saleor's own orders do (a POS app has it); the shopper behind a
purchase keeps Saleor's MANAGE_USERS. Shoppers claim receipts themselves with
``storePurchaseClaimStart`` / ``storePurchaseClaimConfirm`` and opt out of card
recognition with ``storeCardRecognitionForget`` (a signed-in user, for themself only;
apps cannot: there is no customer to act for).
"""

import graphene
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.connection import create_connection_slice, filter_connection_queryset
from saleor.graphql.core.context import get_database_connection_name
from saleor.graphql.core.fields import FilterConnectionField
from saleor.permission.enums import OrderPermissions

from ...stores import selectors
from ..utils import check_channel_access, is_channel_slug
from .enums import DOC_CATEGORY_STORES
from .filters import StorePurchaseFilterInput
from .mutations import (
    StoreCardRecognitionForget,
    StorePurchaseClaimConfirm,
    StorePurchaseClaimStart,
    StorePurchaseLink,
    StorePurchaseRecord,
    StorePurchaseUnlink,
)
from .sorters import DEFAULT_SORT, StorePurchaseSortingInput
from .types import StorePurchaseCountableConnection


class StoreQueries(graphene.ObjectType):
    store_purchases = FilterConnectionField(
        StorePurchaseCountableConnection,
        channel=graphene.Argument(
            graphene.String, required=True, description="Slug of the channel."
        ),
        filter=StorePurchaseFilterInput(description="Filtering options."),
        sort_by=StorePurchaseSortingInput(description="Sort store purchases (newest first)."),
        description="Purchases at the stores' tills in a channel, newest first (empty for "
        "an unknown channel).",
        permissions=[OrderPermissions.MANAGE_ORDERS],
        doc_category=DOC_CATEGORY_STORES,
    )

    @staticmethod
    def resolve_store_purchases(_root, info: ResolveInfo, **kwargs):
        check_channel_access(info, kwargs["channel"])
        purchases = selectors.channel_store_purchases(
            channel_slug=kwargs["channel"], using=get_database_connection_name(info.context)
        )
        if not kwargs.get("sort_by"):
            sorting_type = info.schema.get_type(StorePurchaseSortingInput._meta.name)
            kwargs["sort_by"] = sorting_type.create_container(DEFAULT_SORT)
        if not is_channel_slug(kwargs["channel"]):
            purchases = purchases.none()
        purchases = filter_connection_queryset(
            purchases, kwargs, allow_replica=info.context.allow_replica
        )
        return create_connection_slice(purchases, info, kwargs, StorePurchaseCountableConnection)


class StoreMutations(graphene.ObjectType):
    store_purchase_record = StorePurchaseRecord.Field()
    store_purchase_link = StorePurchaseLink.Field()
    store_purchase_unlink = StorePurchaseUnlink.Field()
    store_purchase_claim_start = StorePurchaseClaimStart.Field()
    store_purchase_claim_confirm = StorePurchaseClaimConfirm.Field()
    store_card_recognition_forget = StoreCardRecognitionForget.Field()


TYPE_EXTENSIONS: list = []
