"""Filters of segments and members.

Applied with ``apply_filter`` rather than Saleor's ``filter_connection_queryset``:
Saleor's puts a ``channel`` into every filter input (the default channel, or an error
when the shop has several), which would filter segments by a channel nobody asked for.
"""

import django_filters
import graphene
from graphql.error import GraphQLError
from saleor.account.models import User
from saleor.graphql.core.filters import FilterInputObjectType, ListObjectTypeFilter

from ...segments import selectors
from ...segments.exceptions import SegmentError
from ...segments.models import CustomerSegment
from ...segments.tags import normalize_tags
from .enums import DOC_CATEGORY_SEGMENTS


def filter_by_customer_tags(qs, tags: list[str] | None, *, user_field: str = "pk"):
    """``qs`` narrowed to rows whose customer has all of ``tags`` (manual or automatic).

    Tags are compared in their stored form; a string that cannot be a tag matches
    nobody.
    """
    if not tags:
        return qs
    try:
        normalized = normalize_tags(tags)
    except SegmentError:
        return qs.none()
    tagged = selectors.users_with_tags_qs(tags=normalized, using=qs.db).values("pk")
    return qs.filter(**{f"{user_field}__in": tagged})


def apply_filter(qs, filterset_class, filter_input: dict | None):
    """``qs`` narrowed by the GraphQL ``filter`` input through its FilterSet."""
    if not filter_input:
        return qs
    filterset = filterset_class(filter_input, queryset=qs)
    if not filterset.is_valid():
        raise GraphQLError(str(filterset.errors.get_json_data()))
    return filterset.qs


def filter_member_tags(qs, _, value):
    return filter_by_customer_tags(qs, value)


def filter_segment_search(qs, _, value):
    if not value or not value.strip():
        return qs
    return qs.filter(name__icontains=value.strip())


def filter_segment_channel(qs, _, value):
    if not value:
        return qs
    return qs.filter(channel__slug=value)


class CustomerSegmentFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method=filter_segment_search, help_text="Part of the segment's name."
    )
    channel = django_filters.CharFilter(
        method=filter_segment_channel, help_text="Slug of the segment's channel."
    )

    class Meta:
        model = CustomerSegment
        fields: list[str] = []


class CustomerSegmentFilterInput(FilterInputObjectType):
    class Meta:
        doc_category = DOC_CATEGORY_SEGMENTS
        filterset_class = CustomerSegmentFilter


class CustomerSegmentMemberFilter(django_filters.FilterSet):
    tags = ListObjectTypeFilter(
        input_class=graphene.String,
        method=filter_member_tags,
        help_text="Members who have all of these tags (compared case-insensitively).",
    )

    class Meta:
        model = User
        fields: list[str] = []


class CustomerSegmentMemberFilterInput(FilterInputObjectType):
    class Meta:
        doc_category = DOC_CATEGORY_SEGMENTS
        filterset_class = CustomerSegmentMemberFilter
