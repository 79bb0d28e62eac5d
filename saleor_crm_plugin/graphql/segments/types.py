"""GraphQL types of customer segments, their members and history, RFM and value reports.

The domain hands back models and small dataclasses (``SegmentPreview``, ``ValueReport``,
``SegmentExplanation``); these types only present them. Users are always loaded through
Saleor's ``UserByUserIdLoader`` and channels through ``ChannelByIdLoader``.
"""

from typing import NamedTuple

import graphene
from graphql import GraphQLError
from prices import Money as Price
from saleor.graphql.account.dataloaders import UserByUserIdLoader
from saleor.graphql.account.types import User, UserCountableConnection
from saleor.graphql.channel.dataloaders.by_self import ChannelByIdLoader
from saleor.graphql.channel.types import Channel
from saleor.graphql.core import ResolveInfo
from saleor.core.utils import build_absolute_uri
from saleor.graphql.core.connection import CountableConnection, create_connection_slice
from saleor.graphql.core.context import get_database_connection_name
from saleor.graphql.core.enums import JobStatusEnum
from saleor.graphql.core.fields import ConnectionField, JSONString
from saleor.graphql.core.scalars import Date, DateTime
from saleor.graphql.core.types import BaseObjectType, Error, ModelObjectType, Money, NonNullList

from ...segments import models, selectors
from ...segments.rfm import TopCustomer
from .dataloaders import MemberCountHistoryBySegmentIdAndDaysLoader
from .enums import (
    DOC_CATEGORY_SEGMENTS,
    CustomerRfmGroupEnum,
    CustomerSegmentErrorCodeEnum,
    CustomerSegmentEventKindEnum,
)
from .filters import CustomerSegmentMemberFilter, CustomerSegmentMemberFilterInput, apply_filter


class CustomerSegmentErrorType(Error):
    code = CustomerSegmentErrorCodeEnum(description="The error code.", required=True)
    path = graphene.String(
        description="The node of the definition at fault, e.g. `all[2].any[0]`; null "
        "for the whole definition or another input."
    )

    class Meta:
        name = "CustomerSegmentError"  # the schema name; the Python name is not the domain's
        doc_category = DOC_CATEGORY_SEGMENTS


def _load_channel(info: ResolveInfo, channel_id: int | None):
    if channel_id is None:
        return None
    return ChannelByIdLoader(info.context).load(channel_id)


class CustomerSegmentEvent(ModelObjectType[models.SegmentMembershipEvent]):
    id = graphene.GlobalID(required=True, description="ID of the event.")
    user = graphene.Field(User, required=True, description="The customer.")
    kind = CustomerSegmentEventKindEnum(required=True, description="Joined or left.")
    reason = graphene.String(
        required=True, description='Why, e.g. "order #123 paid" or "definition changed".'
    )
    occurred_at = DateTime(required=True, description="When the customer joined or left.")

    class Meta:
        model = models.SegmentMembershipEvent
        interfaces = [graphene.relay.Node]
        description = "A customer joining or leaving a segment."
        doc_category = DOC_CATEGORY_SEGMENTS

    @staticmethod
    def resolve_user(root: models.SegmentMembershipEvent, info: ResolveInfo):
        return UserByUserIdLoader(info.context).load(root.user_id)


class CustomerSegmentEventCountableConnection(CountableConnection):
    class Meta:
        doc_category = DOC_CATEGORY_SEGMENTS
        node = CustomerSegmentEvent


MAX_HISTORY_DAYS = 365


class CustomerSegmentCount(BaseObjectType):
    date = Date(required=True, description="The day (UTC).")
    member_count = graphene.Int(required=True, description="Members at the end of the day.")

    class Meta:
        description = "A segment's size at the end of one day."
        doc_category = DOC_CATEGORY_SEGMENTS


class CustomerSegment(ModelObjectType[models.CustomerSegment]):
    id = graphene.GlobalID(required=True, description="ID of the segment.")
    name = graphene.String(required=True, description="Name of the segment.")
    channel = graphene.Field(
        Channel,
        description="The channel of the segment's money and loyalty conditions; null "
        "when it has none.",
    )
    definition = JSONString(
        required=True,
        description="The condition tree (see docs/segments.md for the language).",
    )
    auto_tag = graphene.String(
        description="The tag members carry automatically while they are in the segment."
    )
    member_count = graphene.Int(required=True, description="Customers in the segment now.")
    computed_at = DateTime(description="When membership was last computed in full.")
    members = ConnectionField(
        UserCountableConnection,
        filter=CustomerSegmentMemberFilterInput(description="Filtering options for members."),
        description="The customers in the segment, by e-mail.",
    )
    history = ConnectionField(
        CustomerSegmentEventCountableConnection,
        description="Customers joining and leaving the segment, newest first.",
    )
    member_count_history = NonNullList(
        CustomerSegmentCount,
        required=True,
        days=graphene.Argument(
            graphene.Int,
            default_value=30,
            description=f"How many days, today included (1 to {MAX_HISTORY_DAYS}).",
        ),
        description="Members at the end of each of the last `days` days (UTC), oldest "
        "first; today's is `memberCount`. From the joined / left history; batched for lists.",
    )

    class Meta:
        model = models.CustomerSegment
        interfaces = [graphene.relay.Node]
        description = "A rule-based group of customers whose membership is kept current."
        doc_category = DOC_CATEGORY_SEGMENTS

    @staticmethod
    def resolve_channel(root: models.CustomerSegment, info: ResolveInfo):
        return _load_channel(info, root.channel_id)

    @staticmethod
    def resolve_auto_tag(root: models.CustomerSegment, _info: ResolveInfo):
        return root.auto_tag or None

    @staticmethod
    def resolve_members(root: models.CustomerSegment, info: ResolveInfo, **kwargs):
        members = selectors.segment_members_qs(
            segment_id=root.pk, using=get_database_connection_name(info.context)
        )
        members = apply_filter(members, CustomerSegmentMemberFilter, kwargs.get("filter"))
        return create_connection_slice(members, info, kwargs, UserCountableConnection)

    @staticmethod
    def resolve_history(root: models.CustomerSegment, info: ResolveInfo, **kwargs):
        events = selectors.segment_history_qs(
            segment_id=root.pk, using=get_database_connection_name(info.context)
        )
        return create_connection_slice(
            events, info, kwargs, CustomerSegmentEventCountableConnection
        )

    @staticmethod
    def resolve_member_count_history(root: models.CustomerSegment, info: ResolveInfo, *, days):
        if not 1 <= days <= MAX_HISTORY_DAYS:
            raise GraphQLError(f"days must be between 1 and {MAX_HISTORY_DAYS}.")
        return MemberCountHistoryBySegmentIdAndDaysLoader(info.context).load((root.pk, days))


class CustomerSegmentExportFile(ModelObjectType[models.SegmentMembersExport]):
    id = graphene.GlobalID(required=True, description="ID of the export.")
    status = JobStatusEnum(required=True, description="Pending, success or failed.")
    message = graphene.String(description="Why the export failed, if it did.")
    created_at = DateTime(required=True, description="When the export was asked for.")
    updated_at = DateTime(required=True, description="When the export last changed.")
    segment = graphene.Field(
        CustomerSegment, description="The exported segment; null once it is deleted."
    )
    url = graphene.String(
        description="Where to download the CSV once it is ready (a short-lived signed "
        "link when Saleor's private storage is a cloud bucket)."
    )

    class Meta:
        model = models.SegmentMembersExport
        interfaces = [graphene.relay.Node]
        description = (
            "A CSV of a segment's members (id, email, first_name, last_name, joined_at, "
            "tags). Kept out of Saleor's export files: only MANAGE_USERS can read it."
        )
        doc_category = DOC_CATEGORY_SEGMENTS

    @staticmethod
    def resolve_segment(root: models.SegmentMembersExport, info: ResolveInfo):
        if root.segment_id is None:
            return None
        return (
            models.CustomerSegment.objects.using(get_database_connection_name(info.context))
            .filter(pk=root.segment_id)
            .first()
        )

    @staticmethod
    def resolve_url(root: models.SegmentMembersExport, _info: ResolveInfo):
        if not root.content_file:
            return None
        return build_absolute_uri(root.content_file.url)


class CustomerSegmentCountableConnection(CountableConnection):
    class Meta:
        doc_category = DOC_CATEGORY_SEGMENTS
        node = CustomerSegment


class CustomerSegmentPreview(BaseObjectType):
    count = graphene.Int(description="Customers the definition selects now.")
    sample = NonNullList(User, description="Some of those customers.")
    entering = graphene.Int(
        description="Of those, customers not in the segment given by `id` (0 without `id`)."
    )
    leaving = graphene.Int(
        description="Members of the segment given by `id` the definition would drop."
    )
    errors = NonNullList(
        CustomerSegmentErrorType,
        required=True,
        description="Why the definition is refused; the other fields are then null.",
    )

    class Meta:
        description = "What a segment definition would select, computed without saving."
        doc_category = DOC_CATEGORY_SEGMENTS

    @staticmethod
    def resolve_sample(root, info: ResolveInfo):
        if root.sample is None:
            return None
        return UserByUserIdLoader(info.context).load_many(root.sample)


class CustomerSegmentConditionResult(BaseObjectType):
    path = graphene.String(required=True, description="The node, e.g. `all[0]`.")
    description = graphene.String(
        required=True, description='The condition in words, e.g. "total spent > 500.00".'
    )
    holds = graphene.Boolean(required=True, description="Whether it holds for the customer.")
    actual = graphene.String(description="The customer's value, where there is one.")

    class Meta:
        description = "One condition of a segment, evaluated for one customer."
        doc_category = DOC_CATEGORY_SEGMENTS


class CustomerSegmentExplanation(BaseObjectType):
    segment = graphene.Field(CustomerSegment, required=True)
    is_member = graphene.Boolean(required=True, description="Whether the customer is a member now.")
    conditions = NonNullList(
        CustomerSegmentConditionResult,
        required=True,
        description="Every condition of the definition, in order, with its outcome.",
    )

    class Meta:
        description = "Why a customer is in a segment or not."
        doc_category = DOC_CATEGORY_SEGMENTS


class CustomerRfm(ModelObjectType[models.CustomerRfm]):
    channel = graphene.Field(Channel, required=True)
    recency = graphene.Int(required=True, description="1 (longest ago) to 5 (most recent).")
    frequency = graphene.Int(required=True, description="1 (fewest orders) to 5 (most).")
    monetary = graphene.Int(required=True, description="1 (lowest spend) to 5 (highest).")
    group = CustomerRfmGroupEnum(required=True, description="The named group of the scores.")
    last_order_at = DateTime(required=True, description="The customer's latest order.")
    order_count = graphene.Int(required=True, description="Orders that count in the channel.")
    total_spent = graphene.Field(Money, required=True, description="Spend in the channel.")
    computed_at = DateTime(
        required=True, description="When the scores and the churn risk were computed."
    )
    churn_risk = graphene.Float(
        description=(
            "From 0 to 1: 1 − exp(−days since the last order / expected interval), the "
            "chance that a customer still ordering at their rhythm would have ordered "
            "by now (as of `computedAt`). Null until the first daily run computes it."
        )
    )
    expected_next_order_at = DateTime(description="The last order plus the expected interval.")
    expected_interval_days = graphene.Float(
        description=(
            "The expected days between orders: (the customer's own intervals' sum + 2 × "
            "the shop's typical interval) / (their number + 2)."
        )
    )
    own_interval_days = graphene.Float(
        description="The mean of the customer's own intervals; null with fewer than two orders."
    )
    interval_count = graphene.Int(
        description="The customer's own intervals between orders (a day or more apart)."
    )
    shop_interval_days = graphene.Float(
        description="The channel's typical interval: the median interval of all customers."
    )

    class Meta:
        model = models.CustomerRfm
        description = "A customer's recency, frequency and monetary scores in one channel."
        doc_category = DOC_CATEGORY_SEGMENTS

    @staticmethod
    def resolve_channel(root: models.CustomerRfm, info: ResolveInfo):
        return _load_channel(info, root.channel_id)

    @staticmethod
    def resolve_total_spent(root: models.CustomerRfm, info: ResolveInfo):
        return _load_channel(info, root.channel_id).then(
            lambda channel: Price(root.total_spent, channel.currency_code)
        )


class RankedCustomer(NamedTuple):
    customer: TopCustomer
    currency: str


class CustomerValueReportCustomer(BaseObjectType):
    user = graphene.Field(User, required=True)
    revenue = graphene.Field(Money, required=True, description="The customer's spend.")
    order_count = graphene.Int(required=True, description="The customer's orders.")

    class Meta:
        description = "One of the top customers of a value report."
        doc_category = DOC_CATEGORY_SEGMENTS

    @staticmethod
    def resolve_user(root: RankedCustomer, info: ResolveInfo):
        return UserByUserIdLoader(info.context).load(root.customer.user_id)

    @staticmethod
    def resolve_revenue(root: RankedCustomer, _info: ResolveInfo):
        return Price(root.customer.revenue, root.currency)

    @staticmethod
    def resolve_order_count(root: RankedCustomer, _info: ResolveInfo):
        return root.customer.order_count


class CustomerValueReport(BaseObjectType):
    currency = graphene.String(required=True)
    customer_count = graphene.Int(required=True, description="Customers with revenue.")
    total_revenue = graphene.Field(Money, required=True)
    top_customer_count = graphene.Int(
        required=True, description="Customers in the top `topPercent` %."
    )
    top_revenue = graphene.Field(Money, required=True, description="Their revenue.")
    top_share = graphene.Float(required=True, description="Their share of the revenue, 0 to 1.")
    top_customers = NonNullList(
        CustomerValueReportCustomer,
        required=True,
        description="The top customers, highest revenue first (at most `first`).",
    )

    class Meta:
        description = "How much of a channel's revenue its best customers bring."
        doc_category = DOC_CATEGORY_SEGMENTS

    @staticmethod
    def resolve_total_revenue(root, _info: ResolveInfo):
        return Price(root.total_revenue, root.currency)

    @staticmethod
    def resolve_top_revenue(root, _info: ResolveInfo):
        return Price(root.top_revenue, root.currency)

    @staticmethod
    def resolve_top_customers(root, _info: ResolveInfo):
        return [RankedCustomer(customer, root.currency) for customer in root.top_customers]
