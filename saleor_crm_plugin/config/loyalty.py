"""The loyalty section of a channel's configuration: earning, tiers, bonuses, redemption.

``config.loyalty`` of a ``ChannelConfig``; read by the loyalty domain and its API.
"""

import dataclasses
import re
from decimal import Decimal

from .parsing import (
    amount,
    boolean,
    choice,
    decimal_value,
    duration,
    integer,
    invalid,
    matched_lines,
    unique_names,
)

ROUNDING_FLOOR = "floor"
ROUNDING_HALF_UP = "half_up"
ROUNDING_CEIL = "ceil"
ROUNDING_RULES = (ROUNDING_FLOOR, ROUNDING_HALF_UP, ROUNDING_CEIL)

TIER_BASIS_SPEND = "spend"
TIER_BASIS_POINTS = "points"
TIER_BASES = (TIER_BASIS_SPEND, TIER_BASIS_POINTS)

MAX_MULTIPLIER = Decimal(100)

_TIER_LINE = re.compile(
    r"^\s*(?P<name>[^|]+?)\s*\|\s*(?P<threshold>[^|]+?)\s*\|\s*(?P<multiplier>[^|]+?)\s*$"
)


@dataclasses.dataclass(frozen=True)
class TierRule:
    name: str
    threshold: Decimal
    multiplier: Decimal


@dataclasses.dataclass(frozen=True)
class LoyaltyConfig:
    """How a channel's customers earn, keep, climb with and spend points."""

    earn_points: int
    earn_amount: Decimal
    earn_rounding: str
    eligible_include_shipping: bool
    eligible_include_tax: bool
    pending_seconds: int
    expire_seconds: int | None
    expiry_warning_seconds: int | None
    point_value: Decimal
    tier_basis: str
    tier_window_seconds: int
    tiers: tuple[TierRule, ...]
    signup_bonus: int
    birthday_bonus: int
    redemption_max_percent: Decimal
    redemption_min_points: int
    redemption_hold_seconds: int


def parse_tiers(raw: str) -> tuple[TierRule, ...]:
    tiers: list[TierRule] = []
    lines = matched_lines("tiers", raw, _TIER_LINE, "name | threshold | multiplier")
    for number, match in lines:
        name = match["name"]
        if len(name) > 64:
            raise invalid("tiers", f"Line {number}: name is longer than 64 characters.")
        threshold = amount("tiers", match["threshold"])
        multiplier = decimal_value(
            "tiers", match["multiplier"], minimum=Decimal(0), maximum=MAX_MULTIPLIER, positive=True
        )
        tiers.append(TierRule(name=name, threshold=threshold, multiplier=multiplier))
    unique_names("tiers", [tier.name for tier in tiers], "Tier names must be unique.")
    thresholds = [tier.threshold for tier in tiers]
    if thresholds != sorted(thresholds) or len(set(thresholds)) != len(thresholds):
        raise invalid("tiers", "Tiers must be listed by strictly increasing threshold.")
    return tuple(tiers)


def parse_loyalty(values: dict) -> LoyaltyConfig:
    """The loyalty section from the stored values (defaults filled in), field by field."""
    return LoyaltyConfig(
        earn_points=integer("earn_points", values["earn_points"]),
        earn_amount=amount("earn_amount", values["earn_amount"], positive=True),
        earn_rounding=choice("earn_rounding", values["earn_rounding"], ROUNDING_RULES),
        eligible_include_shipping=boolean(values["eligible_include_shipping"]),
        eligible_include_tax=boolean(values["eligible_include_tax"]),
        pending_seconds=duration("pending_period", values["pending_period"], optional=False),
        expire_seconds=duration(
            "points_expire_after", values["points_expire_after"], optional=True
        ),
        expiry_warning_seconds=duration(
            "expiry_warning_before", values["expiry_warning_before"], optional=True
        ),
        point_value=amount("point_value", values["point_value"], positive=True),
        tier_basis=choice("tier_basis", values["tier_basis"], TIER_BASES),
        tier_window_seconds=duration("tier_window", values["tier_window"], optional=False),
        tiers=parse_tiers(values["tiers"]),
        signup_bonus=integer("signup_bonus", values["signup_bonus"]),
        birthday_bonus=integer("birthday_bonus", values["birthday_bonus"]),
        redemption_max_percent=decimal_value(
            "redemption_max_percent",
            values["redemption_max_percent"],
            minimum=Decimal(0),
            maximum=Decimal(100),
        ),
        redemption_min_points=integer("redemption_min_points", values["redemption_min_points"]),
        redemption_hold_seconds=duration(
            "redemption_hold", values["redemption_hold"], optional=False
        ),
    )
