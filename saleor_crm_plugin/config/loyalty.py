"""The loyalty section of a channel's configuration: earning, tiers, bonuses, redemption.

``config.loyalty`` of a ``ChannelConfig``; read by the loyalty domain and its API.
"""

import dataclasses
import re
from decimal import Decimal

from .parsing import (
    ConfigErrors,
    ConfigProblem,
    Line,
    amount,
    boolean,
    choice,
    decimal_value,
    duration,
    integer,
    name_problem,
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


def _tier(match, line: Line, errors: ConfigErrors, seen: dict) -> TierRule | None:
    field = "tiers"
    if (problem := name_problem(match["name"], line, seen)) is not None:
        errors.add(field, problem, line)
    threshold = errors.value(field, amount, match["threshold"], line=line)
    multiplier = errors.value(
        field,
        decimal_value,
        match["multiplier"],
        minimum=Decimal(0),
        maximum=MAX_MULTIPLIER,
        positive=True,
        line=line,
    )
    if threshold is None or multiplier is None:
        return None
    return TierRule(name=match["name"], threshold=threshold, multiplier=multiplier)


def parse_tiers(raw: str, errors: ConfigErrors) -> tuple[TierRule, ...] | None:
    """The tiers, lowest first; None (problems recorded) when a line is wrong."""
    field = "tiers"
    tiers: list[tuple[Line, TierRule | None]] = []
    seen: dict[str, Line] = {}
    for line, match in errors.lines(field, raw, _TIER_LINE, "name | threshold | multiplier"):
        tiers.append((line, _tier(match, line, errors, seen)))
    previous = None
    for line, tier in tiers:
        if tier is None:
            continue
        if previous is not None and tier.threshold <= previous[1].threshold:
            errors.add(
                field,
                ConfigProblem(
                    f"the threshold must be above line {previous[0].number}'s "
                    f"({previous[1].threshold}): list tiers from the lowest."
                ),
                line,
            )
        previous = (line, tier)
    if errors.has(field):
        return None
    return tuple(tier for _line, tier in tiers)


def parse_loyalty(values: dict, errors: ConfigErrors) -> LoyaltyConfig:
    """The loyalty section from the stored values (defaults filled in), field by field;
    a field with a problem is None (the problem recorded in ``errors``)."""
    value = errors.value
    return LoyaltyConfig(
        earn_points=value("earn_points", integer, values["earn_points"]),
        earn_amount=value("earn_amount", amount, values["earn_amount"], positive=True),
        earn_rounding=value("earn_rounding", choice, values["earn_rounding"], ROUNDING_RULES),
        eligible_include_shipping=boolean(values["eligible_include_shipping"]),
        eligible_include_tax=boolean(values["eligible_include_tax"]),
        pending_seconds=value("pending_period", duration, values["pending_period"], optional=False),
        expire_seconds=value(
            "points_expire_after", duration, values["points_expire_after"], optional=True
        ),
        expiry_warning_seconds=value(
            "expiry_warning_before", duration, values["expiry_warning_before"], optional=True
        ),
        point_value=value("point_value", amount, values["point_value"], positive=True),
        tier_basis=value("tier_basis", choice, values["tier_basis"], TIER_BASES),
        tier_window_seconds=value("tier_window", duration, values["tier_window"], optional=False),
        tiers=parse_tiers(values["tiers"], errors),
        signup_bonus=value("signup_bonus", integer, values["signup_bonus"]),
        birthday_bonus=value("birthday_bonus", integer, values["birthday_bonus"]),
        redemption_max_percent=value(
            "redemption_max_percent",
            decimal_value,
            values["redemption_max_percent"],
            minimum=Decimal(0),
            maximum=Decimal(100),
        ),
        redemption_min_points=value(
            "redemption_min_points", integer, values["redemption_min_points"]
        ),
        redemption_hold_seconds=value(
            "redemption_hold", duration, values["redemption_hold"], optional=False
        ),
    )
