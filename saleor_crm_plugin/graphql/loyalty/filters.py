import django_filters
import graphene
from saleor.graphql.core.filters import (
    FilterInputObjectType,
    ListObjectTypeFilter,
    ObjectTypeFilter,
)
from saleor.graphql.core.types import IntRangeInput
from saleor.graphql.utils.filters import filter_range_field

from ...loyalty import selectors
from ...loyalty.models import LoyaltyAccount
from ..segments.filters import filter_by_customer_tags
from .enums import DOC_CATEGORY_LOYALTY


def filter_tiers(qs, _, value):
    if not value:
        return qs
    return qs.filter(tier_name__in=value)


def filter_balance(qs, _, value):
    return filter_range_field(qs, "balance", value)


def filter_tags(qs, _, value):
    return filter_by_customer_tags(qs, value, user_field="user_id")


def filter_search(qs, _, value):
    if not value or not value.strip():
        return qs
    return selectors.accounts_with_customer_email(qs, value)


class LoyaltyAccountFilter(django_filters.FilterSet):
    tiers = ListObjectTypeFilter(
        input_class=graphene.String,
        method=filter_tiers,
        help_text="Accounts in any of these tiers (by tier name).",
    )
    balance = ObjectTypeFilter(
        input_class=IntRangeInput,
        method=filter_balance,
        help_text="Accounts whose available balance is in this range.",
    )
    search = django_filters.CharFilter(
        method=filter_search, help_text="Part of the customer's e-mail address."
    )
    tags = ListObjectTypeFilter(
        input_class=graphene.String,
        method=filter_tags,
        help_text="Accounts of customers who have all of these tags (case-insensitive).",
    )

    class Meta:
        model = LoyaltyAccount
        fields: list[str] = []


class LoyaltyAccountFilterInput(FilterInputObjectType):
    class Meta:
        doc_category = DOC_CATEGORY_LOYALTY
        filterset_class = LoyaltyAccountFilter
