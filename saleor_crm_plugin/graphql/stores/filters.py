import django_filters
from saleor.graphql.core.filters import (
    FilterInputObjectType,
    GlobalIDMultipleChoiceFilter,
    ObjectTypeFilter,
)
from saleor.graphql.core.types import DateTimeRangeInput
from saleor.graphql.utils.filters import filter_range_field
from saleor.graphql.warehouse.types import Warehouse

from ...stores import selectors
from ...stores.models import StorePurchase
from ..utils import global_id_to_pk
from .enums import DOC_CATEGORY_STORES


def filter_stores(qs, _, value):
    if not value:
        return qs
    # A malformed or foreign ID is Saleor's GraphQL error, never a database error.
    return qs.filter(warehouse_id__in=[global_id_to_pk(gid, Warehouse) for gid in value])


def filter_purchased_at(qs, _, value):
    return filter_range_field(qs, "purchased_at", value)


def filter_linked(qs, _, value):
    if value is None:
        return qs
    return selectors.purchases_linked(qs, value)


def filter_refunded(qs, _, value):
    if not value:
        return qs
    return selectors.purchases_refunded(qs)


def filter_search(qs, _, value):
    if not value or not value.strip():
        return qs
    return selectors.purchases_matching(qs, value)


class StorePurchaseFilter(django_filters.FilterSet):
    stores = GlobalIDMultipleChoiceFilter(
        method=filter_stores, help_text="Purchases in any of these stores (warehouse IDs)."
    )
    purchased_at = ObjectTypeFilter(
        input_class=DateTimeRangeInput,
        method=filter_purchased_at,
        help_text="Purchases paid in this period.",
    )
    linked = django_filters.BooleanFilter(
        method=filter_linked,
        help_text="True: purchases tied to a shopper; false: those tied to nobody yet.",
    )
    refunded = django_filters.BooleanFilter(
        method=filter_refunded, help_text="True: purchases refunded in part or in full."
    )
    search = django_filters.CharFilter(
        method=filter_search,
        help_text="A receipt code, a source's payment id or a shopper's e-mail.",
    )

    class Meta:
        model = StorePurchase
        fields: list[str] = []


class StorePurchaseFilterInput(FilterInputObjectType):
    class Meta:
        doc_category = DOC_CATEGORY_STORES
        filterset_class = StorePurchaseFilter
