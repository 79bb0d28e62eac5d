"""GraphQL types of journeys: the definition staff edit and the figures they read.

The domain hands back the model and ``stats.JourneyStats``; these types only present
them (amounts as Money in the channel's currency).
"""

import graphene
from prices import Money as Price
from saleor.graphql.channel.dataloaders.by_self import ChannelByIdLoader
from saleor.graphql.channel.types import Channel
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import get_database_connection_name
from saleor.graphql.core.scalars import DateTime
from saleor.graphql.core.types import (
    BaseObjectType,
    DateTimeRangeInput,
    Error,
    ModelObjectType,
    Money,
    NonNullList,
)

from ...journeys import models
from ...journeys.definition import journey_stages
from ...journeys.selectors import journey_figures
from .enums import DOC_CATEGORY_JOURNEYS, JourneyErrorCodeEnum, JourneyKindEnum


class JourneyErrorType(Error):
    code = JourneyErrorCodeEnum(description="The error code.", required=True)
    path = graphene.String(
        description="Where inside the input, e.g. `stages[1].delay`; null for a whole field."
    )

    class Meta:
        name = "JourneyError"
        doc_category = DOC_CATEGORY_JOURNEYS


class JourneyStage(BaseObjectType):
    number = graphene.Int(required=True, description="1 for the first stage.")
    delay = graphene.String(
        required=True, description="After the trigger, e.g. `3d` (as it was entered)."
    )
    delay_seconds = graphene.Int(required=True, description="The delay in seconds.")
    subject = graphene.String(required=True, description="Handlebars subject.")
    body = graphene.String(required=True, description="Handlebars HTML body; empty: no e-mail.")
    offer_points = graphene.Int(
        required=True, description="Bonus points granted when it is sent (0: none)."
    )

    class Meta:
        doc_category = DOC_CATEGORY_JOURNEYS


class JourneyStageStats(BaseObjectType):
    stage = graphene.Int(
        required=True, description="The stage (0: conversions before any message)."
    )
    sent = graphene.Int(required=True, description="Messages sent.")
    skipped = graphene.Int(
        required=True, description="Skipped: holdout, consent, unsubscribe or frequency cap."
    )
    failed = graphene.Int(required=True, description="Sending failed (never retried).")
    converted = graphene.Int(
        required=True, description="Conversions whose last stage before the order was this."
    )
    revenue = graphene.Field(Money, required=True, description="Those orders' gross totals.")
    offer_cost = graphene.Field(
        Money, required=True, description="Bonus points sent, at the channel's point value."
    )

    class Meta:
        doc_category = DOC_CATEGORY_JOURNEYS


class JourneyUplift(BaseObjectType):
    treated_rate = graphene.Float(required=True, description="Conversion rate of messaged.")
    holdout_rate = graphene.Float(required=True, description="Conversion rate of held out.")
    difference = graphene.Float(required=True, description="treatedRate − holdoutRate.")
    low = graphene.Float(required=True, description="Lower end of the 95 % interval.")
    high = graphene.Float(required=True, description="Upper end of the 95 % interval.")

    class Meta:
        doc_category = DOC_CATEGORY_JOURNEYS


class JourneyTriggerSettings(BaseObjectType):
    days = graphene.Int(description="Win-back, tier at risk, points expiring: the days.")
    days_before = graphene.Int(description="Birthday: days before the birthday.")
    churn_risk_percent = graphene.Int(description="Win-back: the churn risk that enters.")
    segment = graphene.ID(description="Joined / left a segment: ID of the segment.")

    class Meta:
        doc_category = DOC_CATEGORY_JOURNEYS


class JourneyStats(BaseObjectType):
    entered = graphene.Int(required=True, description="Enrollments, held-out ones included.")
    held_out = graphene.Int(required=True, description="Enrollments in the holdout group.")
    sent = graphene.Int(required=True, description="Messages sent.")
    converted = graphene.Int(required=True, description="Messaged enrollments that ordered.")
    holdout_converted = graphene.Int(
        required=True, description="Held-out enrollments that ordered."
    )
    revenue = graphene.Field(
        Money, required=True, description="Gross totals of the messaged group's conversions."
    )
    offer_cost = graphene.Field(Money, required=True, description="Cost of the offers sent.")
    stages = NonNullList(JourneyStageStats, required=True, description="Per stage.")
    uplift = graphene.Field(
        JourneyUplift, description="Against the holdout; null until both groups have members."
    )

    class Meta:
        doc_category = DOC_CATEGORY_JOURNEYS


class Journey(ModelObjectType[models.Journey]):
    id = graphene.GlobalID(required=True, description="ID of the journey.")
    channel = graphene.Field(Channel, required=True, description="The journey's channel.")
    kind = JourneyKindEnum(required=True, description="The trigger.")
    name = graphene.String(required=True, description="Unique in the channel.")
    enabled = graphene.Boolean(required=True, description="Whether it runs.")
    stages = NonNullList(JourneyStage, required=True, description="The stages, in order.")
    trigger_settings = graphene.Field(
        JourneyTriggerSettings, required=True, description="The trigger's parameters."
    )
    holdout_percent = graphene.Int(
        required=True, description="Share of customers held out to measure the uplift."
    )
    created_at = DateTime(required=True, description="When it was created.")
    updated_at = DateTime(required=True, description="When it was last changed.")
    stats = graphene.Field(
        JourneyStats,
        required=True,
        period=graphene.Argument(
            DateTimeRangeInput, description="Enrollments that entered in this period."
        ),
        description="Entered, sent, converted, revenue, offer cost, per stage, uplift.",
    )

    class Meta:
        model = models.Journey
        interfaces = [graphene.relay.Node]
        description = "A lifecycle message sequence of one channel (docs/journeys.md)."
        doc_category = DOC_CATEGORY_JOURNEYS

    @staticmethod
    def resolve_channel(root: models.Journey, info: ResolveInfo):
        return ChannelByIdLoader(info.context).load(root.channel_id)

    @staticmethod
    def resolve_trigger_settings(root: models.Journey, _info: ResolveInfo):
        settings = root.trigger_settings
        segment = settings.get("segment")
        return JourneyTriggerSettings(
            days=settings.get("days"),
            days_before=settings.get("days_before"),
            churn_risk_percent=settings.get("churn_risk_percent"),
            segment=graphene.Node.to_global_id("CustomerSegment", segment) if segment else None,
        )

    @staticmethod
    def resolve_stages(root: models.Journey, _info: ResolveInfo):
        return [
            JourneyStage(
                number=stage.number,
                delay=raw["delay"],
                delay_seconds=stage.delay_seconds,
                subject=stage.subject,
                body=stage.body,
                offer_points=stage.offer_points,
            )
            for stage, raw in zip(journey_stages(root.stages), root.stages, strict=True)
        ]

    @staticmethod
    def resolve_stats(root: models.Journey, info: ResolveInfo, period=None):
        period = period or {}
        stats = journey_figures(
            journey=root,
            since=period.get("gte"),
            until=period.get("lte"),
            using=get_database_connection_name(info.context),
        )

        def with_channel(channel):
            currency = channel.currency_code
            return JourneyStats(
                entered=stats.entered,
                held_out=stats.held_out,
                sent=stats.sent,
                converted=stats.converted,
                holdout_converted=stats.holdout_converted,
                revenue=Price(stats.revenue, currency),
                offer_cost=Price(stats.offer_cost, currency),
                stages=[
                    JourneyStageStats(
                        stage=stage.stage,
                        sent=stage.sent,
                        skipped=stage.skipped,
                        failed=stage.failed,
                        converted=stage.converted,
                        revenue=Price(stage.revenue, currency),
                        offer_cost=Price(stage.offer_cost, currency),
                    )
                    for stage in stats.stages
                ],
                uplift=JourneyUplift(**vars(stats.uplift)) if stats.uplift else None,
            )

        return ChannelByIdLoader(info.context).load(root.channel_id).then(with_channel)
