"""``loyaltyReport``: the programme's figures over time for staff's charts."""

import graphene
from graphql import GraphQLError
from prices import Money as Price
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import get_database_connection_name
from saleor.graphql.core.fields import PermissionsField
from saleor.graphql.core.scalars import DateTime
from saleor.graphql.core.types import BaseObjectType, DateTimeRangeInput, Money, NonNullList
from saleor.permission.enums import AccountPermissions

from ...config import load_channel_program
from ...loyalty import reports
from ..utils import channel_or_none, check_channel_access, report_period
from .enums import DOC_CATEGORY_LOYALTY


class LoyaltyReportBucketUnitEnum(graphene.Enum):
    # Values equal to names: a default value is printed and passed to the resolver as
    # is, so MONTH stays MONTH whether a client sends it or leaves it out.
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"

    class Meta:
        description = "The length of a report bucket (in UTC)."
        doc_category = DOC_CATEGORY_LOYALTY


class LoyaltyReportBucket(BaseObjectType):
    start = DateTime(required=True, description="Start of the bucket (UTC).")
    issued = graphene.Int(required=True, description="Points earned or given as bonuses.")
    adjusted = graphene.Int(required=True, description="Net points of staff adjustments.")
    redeemed = graphene.Int(
        required=True, description="Points spent at checkout (net of reservations released)."
    )
    expired = graphene.Int(required=True, description="Points that expired.")
    reversed = graphene.Int(
        required=True, description="Points taken back for refunded or cancelled orders."
    )
    liability_points = graphene.Int(
        required=True, description="Points customers could spend at the end of the bucket."
    )
    liability = graphene.Field(
        Money, required=True, description="What those points are worth at checkout."
    )

    class Meta:
        description = "The loyalty programme's moves in one bucket of time."
        doc_category = DOC_CATEGORY_LOYALTY


class LoyaltyTierCount(BaseObjectType):
    tier = graphene.String(
        required=True, description="Tier name; empty for accounts below the first tier."
    )
    accounts = graphene.Int(required=True, description="Accounts holding it.")

    class Meta:
        description = "How many accounts hold a tier."
        doc_category = DOC_CATEGORY_LOYALTY


class LoyaltyReport(BaseObjectType):
    currency = graphene.String(required=True, description="The channel's currency.")
    unit = LoyaltyReportBucketUnitEnum(required=True, description="Bucket length.")
    buckets = NonNullList(LoyaltyReportBucket, required=True, description="Oldest first.")
    tiers = NonNullList(
        LoyaltyTierCount, required=True, description="Accounts per tier, in tier order."
    )

    class Meta:
        description = "A channel's loyalty programme over time: points and liability."
        doc_category = DOC_CATEGORY_LOYALTY


def _to_graphql(report: reports.LoyaltyReport) -> LoyaltyReport:
    currency = report.currency
    return LoyaltyReport(
        currency=currency,
        unit=report.unit.upper(),
        buckets=[
            LoyaltyReportBucket(
                start=bucket.start,
                issued=bucket.issued,
                adjusted=bucket.adjusted,
                redeemed=bucket.redeemed,
                expired=bucket.expired,
                reversed=bucket.reversed,
                liability_points=bucket.liability_points,
                liability=Price(bucket.liability_value, currency),
            )
            for bucket in report.buckets
        ],
        tiers=[LoyaltyTierCount(tier=t.tier, accounts=t.accounts) for t in report.tiers],
    )


class LoyaltyReportQueries(graphene.ObjectType):
    loyalty_report = PermissionsField(
        LoyaltyReport,
        channel=graphene.Argument(
            graphene.String, required=True, description="Slug of the channel."
        ),
        period=graphene.Argument(
            DateTimeRangeInput, description="Default: the last twelve months up to now."
        ),
        unit=graphene.Argument(
            LoyaltyReportBucketUnitEnum,
            default_value=LoyaltyReportBucketUnitEnum.MONTH.value,
            description="Bucket length (at most 400 buckets).",
        ),
        description="Points issued, adjusted, redeemed, expired and reversed per bucket, "
        "the liability at each bucket's end in the channel's currency, and accounts per "
        "tier. Null for an unknown channel.",
        permissions=[AccountPermissions.MANAGE_USERS],
        doc_category=DOC_CATEGORY_LOYALTY,
    )

    @staticmethod
    def resolve_loyalty_report(_root, info: ResolveInfo, *, channel: str, unit: str, period=None):
        check_channel_access(info, channel)
        database = get_database_connection_name(info.context)
        channel_obj = channel_or_none(channel, using=database)
        if channel_obj is None:
            return None
        since, until = report_period(period)
        try:
            report = reports.loyalty_report(
                channel_id=channel_obj.pk,
                currency=channel_obj.currency_code,
                config=load_channel_program(channel_obj.pk, using=database).config,
                since=since,
                until=until,
                unit=unit.lower(),
                using=database,
            )
        except reports.ReportTooLong as error:
            raise GraphQLError(str(error)) from error
        return _to_graphql(report)
