import django_filters
from saleor.graphql.core.filters import (
    FilterInputObjectType,
    ListObjectTypeFilter,
    ObjectTypeFilter,
)
from saleor.graphql.core.types import DateTimeRangeInput, IntRangeInput
from saleor.graphql.utils.filters import filter_range_field

from ...carts import selectors, stats
from ...carts.models import AbandonedCheckout
from .enums import DOC_CATEGORY_CART_RECOVERY, AbandonedCheckoutStatusEnum


def filter_status(qs, _, value):
    if not value:
        return qs
    return qs.filter(status__in=value)


def filter_stage(qs, _, value):
    return filter_range_field(qs, "stage", value)


def filter_detected_at(qs, _, value):
    if not value:
        return qs
    return stats.detected_between(qs, since=value.get("gte"), until=value.get("lte"))


def filter_min_total(qs, _, value):
    if value is None:
        return qs
    return selectors.abandoned_with_min_total(qs, value)


def filter_search(qs, _, value):
    if not value or not value.strip():
        return qs
    return selectors.abandoned_with_email(qs, value)


class AbandonedCheckoutFilter(django_filters.FilterSet):
    status = ListObjectTypeFilter(
        input_class=AbandonedCheckoutStatusEnum,
        method=filter_status,
        help_text="Checkouts in any of these states.",
    )
    stage = ObjectTypeFilter(
        input_class=IntRangeInput,
        method=filter_stage,
        help_text="Checkouts whose last stage reached is in this range.",
    )
    detected_at = ObjectTypeFilter(
        input_class=DateTimeRangeInput,
        method=filter_detected_at,
        help_text="Checkouts detected as abandoned in this period: the same population "
        "as cartRecoveryStats(period:).",
    )
    min_total = django_filters.NumberFilter(
        method=filter_min_total, help_text="Checkouts worth at least this (gross)."
    )
    search = django_filters.CharFilter(
        method=filter_search, help_text="Part of the shopper's e-mail address."
    )

    class Meta:
        model = AbandonedCheckout
        fields: list[str] = []


class AbandonedCheckoutFilterInput(FilterInputObjectType):
    class Meta:
        doc_category = DOC_CATEGORY_CART_RECOVERY
        filterset_class = AbandonedCheckoutFilter
