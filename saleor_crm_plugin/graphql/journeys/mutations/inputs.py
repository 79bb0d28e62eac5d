import graphene
from saleor.graphql.core.types import BaseInputObjectType, NonNullList

from ...segments.types import CustomerSegment
from ...utils import clean_global_id
from ..enums import DOC_CATEGORY_JOURNEYS


class JourneyStageInput(BaseInputObjectType):
    delay = graphene.String(
        required=True, description="After the trigger: `30m`, `3d`, `2w` (increasing)."
    )
    subject = graphene.String(description="Handlebars subject (docs/journeys.md).")
    body = graphene.String(description="Handlebars HTML body; empty: no e-mail.")
    offer_points = graphene.Int(description="Bonus points granted when sent (default 0).")

    class Meta:
        doc_category = DOC_CATEGORY_JOURNEYS


class JourneyTriggerSettingsInput(BaseInputObjectType):
    days = graphene.Int(
        description="Win-back: days without an order (7–730, default 90). Tier at risk: "
        "days ahead (1–365, default 30). Points expiring: days ahead (1–90, default 14)."
    )
    days_before = graphene.Int(description="Birthday: days before the birthday (0–30).")
    churn_risk_percent = graphene.Int(
        description="Win-back: also enter customers whose churn risk reaches this "
        "percentage (1–100; 0, the default: off). See docs/churn.md."
    )
    segment = graphene.ID(description="Joined / left a segment: ID of the segment (required).")

    class Meta:
        doc_category = DOC_CATEGORY_JOURNEYS


def settings_from_input(settings) -> dict:
    """The trigger settings given, by their stored names (the domain checks them)."""
    stored = {}
    for field in ("days", "days_before", "churn_risk_percent"):
        if settings.get(field) is not None:
            stored[field] = settings[field]
    if settings.get("segment") is not None:
        stored["segment"] = clean_global_id(
            settings["segment"], only_type=CustomerSegment, field="segment"
        )
    return stored


class JourneyInputFields:
    """The editable fields, shared by create and update (omitted: unchanged/default)."""

    name = graphene.String(description="Unique in the channel (default: the kind's name).")
    enabled = graphene.Boolean(description="Whether it runs (default: off).")
    stages = NonNullList(JourneyStageInput, description="1 to 5 stages.")
    trigger_settings = JourneyTriggerSettingsInput(
        description="The trigger's parameters (docs/journeys.md); omitted ones: default."
    )
    holdout_percent = graphene.Int(description="0 to 50: share held out to measure uplift.")


def stages_from_input(stages) -> list[dict]:
    """The typed stage inputs as the stored JSON (the domain checks them)."""
    return [
        {
            "delay": stage["delay"],
            "subject": stage.get("subject") or "",
            "body": stage.get("body") or "",
            "offer_points": stage.get("offer_points") or 0,
        }
        for stage in stages
    ]


def journey_changes(data) -> dict:
    """The domain's keyword arguments for the fields given."""
    changes = {}
    for field in ("name", "enabled", "holdout_percent"):
        if data.get(field) is not None:
            changes[field] = data[field]
    if data.get("trigger_settings") is not None:
        changes["trigger_settings"] = settings_from_input(data["trigger_settings"])
    if data.get("stages") is not None:
        changes["stages"] = stages_from_input(data["stages"])
    return changes
