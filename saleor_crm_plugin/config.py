"""The plugin's per-channel configuration: its fields, their defaults, and parsing.

Saleor stores a plugin's configuration as a list of ``{"name", "value"}`` dicts per
channel (``PluginConfiguration``). This module is the one place that knows the field
names: it declares them for Saleor's Plugins page (``DEFAULT_CONFIGURATION`` and
``CONFIG_STRUCTURE``), turns a stored list into a typed, validated ``ChannelConfig``,
and loads a channel's configuration from the database for code that runs outside the
plugin manager (Celery tasks, management commands, GraphQL resolvers).

Validation raises Django's ``ValidationError`` keyed by field name with Saleor's
``PluginErrorCode`` codes, which ``pluginUpdate`` returns as ``errors { field code
message }``; nothing is saved when it raises.
"""

import dataclasses
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from pytimeparse import parse as parse_duration_seconds
from saleor.plugins.base_plugin import ConfigurationTypeField
from saleor.plugins.error_codes import PluginErrorCode
from saleor.plugins.models import PluginConfiguration

PLUGIN_ID = "saleor.crm"

ROUNDING_FLOOR = "floor"
ROUNDING_HALF_UP = "half_up"
ROUNDING_CEIL = "ceil"
ROUNDING_RULES = (ROUNDING_FLOOR, ROUNDING_HALF_UP, ROUNDING_CEIL)

TIER_BASIS_SPEND = "spend"
TIER_BASIS_POINTS = "points"
TIER_BASES = (TIER_BASIS_SPEND, TIER_BASIS_POINTS)

MAX_POINTS = 10**12
MAX_AMOUNT = Decimal(10**9)
MAX_MULTIPLIER = Decimal(100)
MAX_DURATION_DAYS = 3650


@dataclasses.dataclass(frozen=True)
class TierRule:
    name: str
    threshold: Decimal
    multiplier: Decimal


@dataclasses.dataclass(frozen=True)
class ChannelConfig:
    """The typed configuration of one channel's programme."""

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


# name -> (default value, type, label, help text)
_FIELDS: dict[str, tuple[object, str, str, str]] = {
    "earn_points": (
        "1",
        ConfigurationTypeField.STRING,
        "Points earned",
        "Whole points earned for every 'Per amount spent' of eligible spend.",
    ),
    "earn_amount": (
        "1.00",
        ConfigurationTypeField.STRING,
        "Per amount spent",
        "Amount in the channel currency that earns 'Points earned', e.g. 2.50.",
    ),
    "earn_rounding": (
        ROUNDING_FLOOR,
        ConfigurationTypeField.STRING,
        "Rounding of earned points",
        "How a partial 'Per amount spent' counts, once per order: floor (default; "
        "3.00 at 5 points per 2.50 earns 5), half_up or ceil.",
    ),
    "eligible_include_shipping": (
        False,
        ConfigurationTypeField.BOOLEAN,
        "Shipping earns points",
        "Count the shipping price as eligible spend.",
    ),
    "eligible_include_tax": (
        False,
        ConfigurationTypeField.BOOLEAN,
        "Tax earns points",
        "Count taxes as eligible spend (default: net amounts).",
    ),
    "pending_period": (
        "14d",
        ConfigurationTypeField.STRING,
        "Pending period",
        "How long earned points stay pending (your return window), e.g. 14d, 36h, 0.",
    ),
    "points_expire_after": (
        "365d",
        ConfigurationTypeField.STRING,
        "Points expire after",
        "Available points expire this long after they were earned; empty: never.",
    ),
    "expiry_warning_before": (
        "30d",
        ConfigurationTypeField.STRING,
        "Expiry warning",
        "Notify shoppers this long before points expire; empty: no warning.",
    ),
    "point_value": (
        "0.01",
        ConfigurationTypeField.STRING,
        "Value of one point",
        "Amount in the channel currency one point is worth at checkout.",
    ),
    "tier_basis": (
        TIER_BASIS_SPEND,
        ConfigurationTypeField.STRING,
        "Tiers are based on",
        "spend (amount paid) or points (points earned) within the tier window.",
    ),
    "tier_window": (
        "365d",
        ConfigurationTypeField.STRING,
        "Tier window",
        "Rolling window over which tier spend or points are counted.",
    ),
    "tiers": (
        "",
        ConfigurationTypeField.MULTILINE,
        "Tiers",
        "One tier a line: name | threshold | earning multiplier, "
        "e.g. 'Silver | 500 | 1.25'.",
    ),
    "signup_bonus": (
        "0",
        ConfigurationTypeField.STRING,
        "Sign-up bonus",
        "Points given when a customer account is created.",
    ),
    "birthday_bonus": (
        "0",
        ConfigurationTypeField.STRING,
        "Birthday bonus",
        "Points given once a year on the customer's birthday.",
    ),
    "redemption_max_percent": (
        "100",
        ConfigurationTypeField.STRING,
        "Maximum redemption (%)",
        "At most this share of a checkout's total can be paid with points.",
    ),
    "redemption_min_points": (
        "0",
        ConfigurationTypeField.STRING,
        "Minimum redemption",
        "The smallest number of points a shopper can redeem at once.",
    ),
    "redemption_hold": (
        "24h",
        ConfigurationTypeField.STRING,
        "Reservation hold",
        "Points applied to a checkout left untouched this long are released.",
    ),
}

DEFAULT_CONFIGURATION = [
    {"name": name, "value": default} for name, (default, *_rest) in _FIELDS.items()
]
CONFIG_STRUCTURE = {
    name: {"type": field_type, "label": label, "help_text": help_text}
    for name, (_default, field_type, label, help_text) in _FIELDS.items()
}

_TIER_LINE = re.compile(r"^\s*(?P<name>[^|]+?)\s*\|\s*(?P<threshold>[^|]+?)\s*\|\s*(?P<multiplier>[^|]+?)\s*$")


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(
        {field: ValidationError(message, code=PluginErrorCode.INVALID.value)}
    )


def _decimal(field: str, raw, *, minimum: Decimal, maximum: Decimal, positive=False):
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise _invalid(field, f"'{raw}' is not a number.") from None
    if not value.is_finite():
        raise _invalid(field, f"'{raw}' is not a number.")
    if positive and value <= 0:
        raise _invalid(field, "Must be greater than zero.")
    if value < minimum or value > maximum:
        raise _invalid(field, f"Must be between {minimum} and {maximum}.")
    return value


def _integer(field: str, raw, *, maximum: int = MAX_POINTS) -> int:
    text = str(raw).strip()
    if not re.fullmatch(r"-?\d+", text):
        raise _invalid(field, f"'{raw}' is not a whole number.")
    value = int(text)
    if value < 0 or value > maximum:
        raise _invalid(field, f"Must be between 0 and {maximum}.")
    return value


def _duration(field: str, raw, *, optional: bool) -> int | None:
    text = str(raw or "").strip()
    if not text:
        if optional:
            return None
        raise _invalid(field, "A duration is required, e.g. 14d or 36h.")
    if text == "0":
        return 0
    seconds = parse_duration_seconds(text)
    if seconds is None or seconds < 0:
        raise _invalid(field, f"'{raw}' is not a duration; use e.g. 14d, 36h or 90m.")
    if seconds > MAX_DURATION_DAYS * 86400:
        raise _invalid(field, f"Must be at most {MAX_DURATION_DAYS} days.")
    return int(seconds)


def _choice(field: str, raw, choices: tuple[str, ...]) -> str:
    value = str(raw).strip().lower()
    if value not in choices:
        raise _invalid(field, f"'{raw}' is not one of: {', '.join(choices)}.")
    return value


def _boolean(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    return str(raw).strip().lower() == "true"


def parse_tiers(raw: str) -> tuple[TierRule, ...]:
    tiers: list[TierRule] = []
    for number, line in enumerate(str(raw or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _TIER_LINE.match(line)
        if not match:
            raise _invalid(
                "tiers", f"Line {number}: expected 'name | threshold | multiplier'."
            )
        name = match["name"]
        if len(name) > 64:
            raise _invalid("tiers", f"Line {number}: name is longer than 64 characters.")
        threshold = _decimal("tiers", match["threshold"], minimum=Decimal(0), maximum=MAX_AMOUNT)
        multiplier = _decimal(
            "tiers", match["multiplier"], minimum=Decimal(0), maximum=MAX_MULTIPLIER, positive=True
        )
        tiers.append(TierRule(name=name, threshold=threshold, multiplier=multiplier))
    names = [tier.name.lower() for tier in tiers]
    if len(set(names)) != len(names):
        raise _invalid("tiers", "Tier names must be unique.")
    thresholds = [tier.threshold for tier in tiers]
    if thresholds != sorted(thresholds) or len(set(thresholds)) != len(thresholds):
        raise _invalid("tiers", "Tiers must be listed by strictly increasing threshold.")
    return tuple(tiers)


def parse_configuration(configuration: list[dict]) -> ChannelConfig:
    """Return the typed configuration; raise ValidationError on the first bad field."""
    values = {name: default for name, (default, *_rest) in _FIELDS.items()}
    values.update(
        {item["name"]: item.get("value") for item in configuration or [] if item["name"] in _FIELDS}
    )
    return ChannelConfig(
        earn_points=_integer("earn_points", values["earn_points"]),
        earn_amount=_decimal(
            "earn_amount", values["earn_amount"], minimum=Decimal(0), maximum=MAX_AMOUNT, positive=True
        ),
        earn_rounding=_choice("earn_rounding", values["earn_rounding"], ROUNDING_RULES),
        eligible_include_shipping=_boolean(values["eligible_include_shipping"]),
        eligible_include_tax=_boolean(values["eligible_include_tax"]),
        pending_seconds=_duration("pending_period", values["pending_period"], optional=False),
        expire_seconds=_duration("points_expire_after", values["points_expire_after"], optional=True),
        expiry_warning_seconds=_duration(
            "expiry_warning_before", values["expiry_warning_before"], optional=True
        ),
        point_value=_decimal(
            "point_value", values["point_value"], minimum=Decimal(0), maximum=MAX_AMOUNT, positive=True
        ),
        tier_basis=_choice("tier_basis", values["tier_basis"], TIER_BASES),
        tier_window_seconds=_duration("tier_window", values["tier_window"], optional=False),
        tiers=parse_tiers(values["tiers"]),
        signup_bonus=_integer("signup_bonus", values["signup_bonus"]),
        birthday_bonus=_integer("birthday_bonus", values["birthday_bonus"]),
        redemption_max_percent=_decimal(
            "redemption_max_percent",
            values["redemption_max_percent"],
            minimum=Decimal(0),
            maximum=Decimal(100),
        ),
        redemption_min_points=_integer("redemption_min_points", values["redemption_min_points"]),
        redemption_hold_seconds=_duration(
            "redemption_hold", values["redemption_hold"], optional=False
        ),
    )


DEFAULT_CONFIG = parse_configuration(DEFAULT_CONFIGURATION)


@dataclasses.dataclass(frozen=True)
class ChannelProgram:
    """A channel's programme as the domain sees it: active flag and configuration."""

    active: bool
    config: ChannelConfig


def load_channel_program(channel_id: int, *, using: str = "default") -> ChannelProgram:
    """Read the plugin's configuration of one channel from Saleor's table.

    A channel never configured is inactive with default rules. A stored configuration
    that no longer parses (edited outside ``pluginUpdate``) is treated as inactive
    rather than raising in a background task.
    """
    stored = (
        PluginConfiguration.objects.using(using)
        .filter(identifier=PLUGIN_ID, channel_id=channel_id)
        .values("active", "configuration")
        .first()
    )
    if stored is None:
        return ChannelProgram(active=False, config=DEFAULT_CONFIG)
    try:
        config = parse_configuration(stored["configuration"])
    except ValidationError:
        return ChannelProgram(active=False, config=DEFAULT_CONFIG)
    return ChannelProgram(active=stored["active"], config=config)
