import graphene
from saleor.graphql.core.enums import to_enum

from ...stores import error_codes
from ...stores.models import LinkAction, LinkMethod, PurchaseSource

DOC_CATEGORY_STORES = "Stores"

# Schema name StoreErrorCode; the Python name differs from the domain enum's.
StoreErrorCodeEnum = graphene.Enum.from_enum(error_codes.StoreErrorCode)
StoreErrorCodeEnum.doc_category = DOC_CATEGORY_STORES

StorePurchaseSourceEnum = to_enum(
    PurchaseSource,
    type_name="StorePurchaseSourceEnum",
    description="Where an in-store purchase was recorded from.",
)
StorePurchaseSourceEnum.doc_category = DOC_CATEGORY_STORES

StoreLinkMethodEnum = to_enum(
    LinkMethod,
    type_name="StoreLinkMethodEnum",
    description="How an in-store purchase was tied to the shopper.",
)
StoreLinkMethodEnum.doc_category = DOC_CATEGORY_STORES

StoreLinkActionEnum = to_enum(
    LinkAction,
    type_name="StoreLinkActionEnum",
    description="A link of a purchase to a shopper, or its undoing.",
)
StoreLinkActionEnum.doc_category = DOC_CATEGORY_STORES
