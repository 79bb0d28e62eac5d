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
import functools
import re
import threading
from decimal import Decimal, InvalidOperation

import pybars
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
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

CART_STAGE_REMINDER = "reminder"
CART_STAGE_OFFER = "offer"
CART_STAGE_LAST_CALL = "last_call"
CART_STAGE_KINDS = (CART_STAGE_REMINDER, CART_STAGE_OFFER, CART_STAGE_LAST_CALL)
CART_MAX_STAGES = 5
CART_MAX_STAGE_DELAY_DAYS = 30
OFFER_PERCENTAGE = "percentage"
OFFER_FIXED = "fixed"
OFFER_FREE_SHIPPING = "free_shipping"
OFFER_TYPES = (OFFER_PERCENTAGE, OFFER_FIXED, OFFER_FREE_SHIPPING)
OFFER_SCOPE_ITEMS = "items"
OFFER_SCOPE_ORDER = "order"
OFFER_SCOPES = (OFFER_SCOPE_ITEMS, OFFER_SCOPE_ORDER)
# Saleor deletes checkouts of known customers 90 days after their last change; a code
# must end well before the checkout it was made for disappears.
OFFER_MAX_VALID_DAYS = 60
CART_MAX_MESSAGES_PER_RUN = 100_000
# A template field holding this value uses the plugin's built-in template (as Saleor's
# e-mail plugins do); an empty template sends no e-mail of that kind.
DEFAULT_TEMPLATE = "DEFAULT"
# pybars' compiler keeps its parsing state in shared objects: two threads compiling at
# once corrupt each other (tests/carts/test_concurrency.py). Every compilation of ours,
# and Saleor's send_email which compiles too, holds this lock.
HANDLEBARS_LOCK = threading.Lock()


@dataclasses.dataclass(frozen=True)
class TierRule:
    name: str
    threshold: Decimal
    multiplier: Decimal


@dataclasses.dataclass(frozen=True)
class CartStage:
    """One reminder of the cart-recovery sequence, ``delay_seconds`` after the last change."""

    number: int
    delay_seconds: int
    kind: str


@dataclasses.dataclass(frozen=True)
class OfferSpec:
    """What a recovery offer gives: ``value`` is a percentage or an amount (0 for shipping)."""

    discount_type: str
    value: Decimal
    scope: str
    valid_seconds: int


@dataclasses.dataclass(frozen=True)
class ExperimentVariant:
    """An A/B variant: its share (``weight``) of shoppers and the offer they get (None: none)."""

    name: str
    weight: int
    offer: OfferSpec | None


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
    cart_recovery_enabled: bool
    cart_recovery_stages: tuple[CartStage, ...]
    cart_offer: OfferSpec | None
    cart_experiment: tuple[ExperimentVariant, ...]
    cart_min_total: Decimal
    storefront_checkout_url: str
    storefront_unsubscribe_url: str
    marketing_consent_default: bool
    message_frequency_cap_seconds: int
    cart_messages_per_run: int
    cart_reminder_subject: str
    cart_reminder_template: str
    cart_offer_subject: str
    cart_offer_template: str
    cart_last_call_subject: str
    cart_last_call_template: str
    smtp_host: str
    smtp_port: int | None
    smtp_user: str
    smtp_password: str
    smtp_sender_name: str
    smtp_sender_address: str
    smtp_use_tls: bool
    smtp_use_ssl: bool

    def cart_stage(self, number: int) -> CartStage | None:
        for stage in self.cart_recovery_stages:
            if stage.number == number:
                return stage
        return None

    def cart_templates(self, kind: str) -> tuple[str, str]:
        """The (subject, body) Handlebars templates of a stage kind."""
        return {
            CART_STAGE_REMINDER: (self.cart_reminder_subject, self.cart_reminder_template),
            CART_STAGE_OFFER: (self.cart_offer_subject, self.cart_offer_template),
            CART_STAGE_LAST_CALL: (self.cart_last_call_subject, self.cart_last_call_template),
        }[kind]


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
        "One tier a line: name | threshold | earning multiplier, e.g. 'Silver | 500 | 1.25'.",
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
    "cart_recovery_enabled": (
        False,
        ConfigurationTypeField.BOOLEAN,
        "Cart recovery",
        "Remind shoppers of checkouts they left (needs the storefront URLs below).",
    ),
    "cart_recovery_stages": (
        "1h | reminder\n24h | offer\n72h | last_call",
        ConfigurationTypeField.MULTILINE,
        "Reminder stages",
        "One stage a line: delay since the checkout's last change | kind "
        "(reminder, offer or last_call), delays strictly increasing.",
    ),
    "cart_offer": (
        "percentage 10 items 7d",
        ConfigurationTypeField.STRING,
        "Recovery offer",
        "The one-time code of an offer stage: 'percentage 10 items 7d', 'fixed 5 order 3d', "
        "'free_shipping 7d', or 'none'.",
    ),
    "cart_experiment": (
        "",
        ConfigurationTypeField.MULTILINE,
        "Offer experiment",
        "Optional A/B test, one variant a line: name | weight | offer or none.",
    ),
    "cart_min_total": (
        "0",
        ConfigurationTypeField.STRING,
        "Minimum cart total",
        "Checkouts worth less than this (gross) are not reminded.",
    ),
    "storefront_checkout_url": (
        "",
        ConfigurationTypeField.STRING,
        "Storefront checkout URL",
        "Link back to the checkout, with {token}, e.g. https://shop.example/checkout/{token}.",
    ),
    "storefront_unsubscribe_url": (
        "",
        ConfigurationTypeField.STRING,
        "Storefront unsubscribe URL",
        "Unsubscribe page, with {token} (the signed token for crmUnsubscribe).",
    ),
    "marketing_consent_default": (
        False,
        ConfigurationTypeField.BOOLEAN,
        "Consent when never asked",
        "Send reminders to shoppers who never gave or refused marketing consent.",
    ),
    "message_frequency_cap": (
        "24h",
        ConfigurationTypeField.STRING,
        "Frequency cap",
        "At most one CRM reminder per shopper within this period; 0: no cap.",
    ),
    "cart_messages_per_run": (
        "500",
        ConfigurationTypeField.STRING,
        "Messages per run",
        "At most this many reminders are handled per channel by one sweep.",
    ),
    "cart_reminder_subject": (
        "You left something in your cart",
        ConfigurationTypeField.STRING,
        "Reminder subject",
        "Handlebars subject of a reminder stage.",
    ),
    "cart_reminder_template": (
        DEFAULT_TEMPLATE,
        ConfigurationTypeField.MULTILINE,
        "Reminder template",
        "Handlebars HTML of a reminder; DEFAULT: built-in; empty: no e-mail.",
    ),
    "cart_offer_subject": (
        "Your cart is waiting, with {{offer.description}}",
        ConfigurationTypeField.STRING,
        "Offer subject",
        "Handlebars subject of an offer stage.",
    ),
    "cart_offer_template": (
        DEFAULT_TEMPLATE,
        ConfigurationTypeField.MULTILINE,
        "Offer template",
        "Handlebars HTML of an offer stage; DEFAULT: built-in; empty: no e-mail.",
    ),
    "cart_last_call_subject": (
        "Last call for your cart",
        ConfigurationTypeField.STRING,
        "Last call subject",
        "Handlebars subject of a last-call stage.",
    ),
    "cart_last_call_template": (
        DEFAULT_TEMPLATE,
        ConfigurationTypeField.MULTILINE,
        "Last call template",
        "Handlebars HTML of a last call; DEFAULT: built-in; empty: no e-mail.",
    ),
    "smtp_host": (
        "",
        ConfigurationTypeField.STRING,
        "SMTP host",
        "The CRM sends its e-mails itself through this server; empty: apps handle "
        "the notify events.",
    ),
    "smtp_port": ("", ConfigurationTypeField.STRING, "SMTP port", "Port of the SMTP server."),
    "smtp_user": ("", ConfigurationTypeField.STRING, "SMTP user", "Login of the SMTP server."),
    "smtp_password": (
        "",
        ConfigurationTypeField.PASSWORD,
        "SMTP password",
        "Password of the SMTP server.",
    ),
    "smtp_sender_name": (
        "",
        ConfigurationTypeField.STRING,
        "Sender name",
        "Name shown as the e-mail's sender.",
    ),
    "smtp_sender_address": (
        "",
        ConfigurationTypeField.STRING,
        "Sender address",
        "Address the e-mails come from (required with an SMTP host).",
    ),
    "smtp_use_tls": (
        False,
        ConfigurationTypeField.BOOLEAN,
        "Use TLS",
        "STARTTLS (usually port 587); exclusive with SSL.",
    ),
    "smtp_use_ssl": (
        False,
        ConfigurationTypeField.BOOLEAN,
        "Use SSL",
        "Implicit TLS (usually port 465); exclusive with TLS.",
    ),
}

DEFAULT_CONFIGURATION = [
    {"name": name, "value": default} for name, (default, *_rest) in _FIELDS.items()
]
CONFIG_STRUCTURE = {
    name: {"type": field_type, "label": label, "help_text": help_text}
    for name, (_default, field_type, label, help_text) in _FIELDS.items()
}

_TIER_LINE = re.compile(
    r"^\s*(?P<name>[^|]+?)\s*\|\s*(?P<threshold>[^|]+?)\s*\|\s*(?P<multiplier>[^|]+?)\s*$"
)


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=PluginErrorCode.INVALID.value)})


def _required(field: str, message: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=PluginErrorCode.REQUIRED.value)})


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
            raise _invalid("tiers", f"Line {number}: expected 'name | threshold | multiplier'.")
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


_STAGE_LINE = re.compile(r"^\s*(?P<delay>[^|]+?)\s*\|\s*(?P<kind>[^|]+?)\s*$")
_EXPERIMENT_LINE = re.compile(
    r"^\s*(?P<name>[^|]+?)\s*\|\s*(?P<weight>[^|]+?)\s*\|\s*(?P<offer>[^|]+?)\s*$"
)


def parse_cart_stages(raw: str) -> tuple[CartStage, ...]:
    field = "cart_recovery_stages"
    stages: list[CartStage] = []
    for number, line in enumerate(str(raw or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _STAGE_LINE.match(line)
        if not match:
            raise _invalid(field, f"Line {number}: expected 'delay | kind'.")
        delay = _duration(field, match["delay"], optional=False)
        if not delay or delay > CART_MAX_STAGE_DELAY_DAYS * 86400:
            raise _invalid(
                field, f"Line {number}: delay must be between 1m and {CART_MAX_STAGE_DELAY_DAYS}d."
            )
        kind = _choice(field, match["kind"], CART_STAGE_KINDS)
        stages.append(CartStage(number=len(stages) + 1, delay_seconds=delay, kind=kind))
    if len(stages) > CART_MAX_STAGES:
        raise _invalid(field, f"At most {CART_MAX_STAGES} stages.")
    delays = [stage.delay_seconds for stage in stages]
    if delays != sorted(set(delays)):
        raise _invalid(field, "Delays must be strictly increasing.")
    return tuple(stages)


def parse_offer_spec(field: str, raw: str) -> OfferSpec | None:
    """'percentage 10 items 7d' | 'fixed 5 order 3d' | 'free_shipping 7d' | 'none' | ''."""
    words = str(raw or "").split()
    if not words or [word.lower() for word in words] == ["none"]:
        return None
    discount_type = _choice(field, words[0], OFFER_TYPES)
    if discount_type == OFFER_FREE_SHIPPING:
        if len(words) != 2:
            raise _invalid(field, "Expected 'free_shipping <validity>', e.g. free_shipping 7d.")
        value, scope, validity = Decimal(0), OFFER_SCOPE_ORDER, words[1]
    else:
        if len(words) != 4:
            raise _invalid(field, f"Expected '{discount_type} <value> <items|order> <validity>'.")
        maximum = Decimal(100) if discount_type == OFFER_PERCENTAGE else MAX_AMOUNT
        value = _decimal(field, words[1], minimum=Decimal(0), maximum=maximum, positive=True)
        scope = _choice(field, words[2], OFFER_SCOPES)
        validity = words[3]
    valid_seconds = _duration(field, validity, optional=False)
    if not valid_seconds or valid_seconds >= OFFER_MAX_VALID_DAYS * 86400:
        raise _invalid(
            field, f"Validity must be more than 0 and less than {OFFER_MAX_VALID_DAYS} days."
        )
    return OfferSpec(
        discount_type=discount_type, value=value, scope=scope, valid_seconds=valid_seconds
    )


def parse_experiment(raw: str) -> tuple[ExperimentVariant, ...]:
    field = "cart_experiment"
    variants: list[ExperimentVariant] = []
    for number, line in enumerate(str(raw or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _EXPERIMENT_LINE.match(line)
        if not match:
            raise _invalid(field, f"Line {number}: expected 'name | weight | offer or none'.")
        if len(match["name"]) > 64:
            raise _invalid(field, f"Line {number}: name is longer than 64 characters.")
        weight = _integer(field, match["weight"], maximum=1000)
        if weight == 0:
            raise _invalid(field, f"Line {number}: weight must be greater than zero.")
        offer = parse_offer_spec(field, match["offer"])
        variants.append(ExperimentVariant(name=match["name"], weight=weight, offer=offer))
    names = [variant.name.lower() for variant in variants]
    if len(set(names)) != len(names):
        raise _invalid(field, "Variant names must be unique.")
    if len(variants) == 1:
        raise _invalid(field, "An experiment needs at least two variants.")
    return tuple(variants)


def _url_template(field: str, raw, *, required: bool) -> str:
    text = str(raw or "").strip()
    if not text:
        if required:
            raise _required(field, "Required when cart recovery is enabled.")
        return ""
    if "{token}" not in text:
        raise _invalid(field, "Must contain {token}.")
    try:
        URLValidator(schemes=["http", "https"])(text.replace("{token}", "token"))
    except ValidationError:
        raise _invalid(field, f"'{raw}' is not an http(s) URL.") from None
    return text


@functools.lru_cache(maxsize=256)
def _handlebars_error(text: str) -> str | None:
    """Why ``text`` is not a Handlebars template, or None. Cached: compiling takes
    milliseconds, and every load of a channel's configuration checks its templates."""
    try:
        with HANDLEBARS_LOCK:
            pybars.Compiler().compile(text)
    except pybars.PybarsError as error:
        return str(error)
    return None


def _template(field: str, raw) -> str:
    text = str(raw or "")
    if text and text != DEFAULT_TEMPLATE and (error := _handlebars_error(text)) is not None:
        raise _invalid(field, f"Not a valid Handlebars template: {error}")
    return text


def _smtp(values: dict) -> dict:
    host = str(values["smtp_host"] or "").strip()
    port_text = str(values["smtp_port"] or "").strip()
    port = _integer("smtp_port", port_text, maximum=65535) if port_text else None
    sender = str(values["smtp_sender_address"] or "").strip()
    use_tls, use_ssl = _boolean(values["smtp_use_tls"]), _boolean(values["smtp_use_ssl"])
    if use_tls and use_ssl:
        raise _invalid("smtp_use_ssl", "Use TLS and Use SSL are mutually exclusive.")
    if host and port is None:
        raise _required("smtp_port", "Required with an SMTP host.")
    if host and not sender:
        raise _required("smtp_sender_address", "Required with an SMTP host.")
    if sender:
        try:
            EmailValidator()(sender)
        except ValidationError:
            raise _invalid("smtp_sender_address", f"'{sender}' is not an e-mail address.") from None
    return {
        "smtp_host": host,
        "smtp_port": port,
        "smtp_user": str(values["smtp_user"] or "").strip(),
        "smtp_password": str(values["smtp_password"] or ""),
        "smtp_sender_name": str(values["smtp_sender_name"] or "").strip(),
        "smtp_sender_address": sender,
        "smtp_use_tls": use_tls,
        "smtp_use_ssl": use_ssl,
    }


def _cart_fields(values: dict) -> dict:
    enabled = _boolean(values["cart_recovery_enabled"])
    cap = _duration("message_frequency_cap", values["message_frequency_cap"], optional=False)
    per_run = _integer(
        "cart_messages_per_run", values["cart_messages_per_run"], maximum=CART_MAX_MESSAGES_PER_RUN
    )
    if per_run == 0:
        raise _invalid("cart_messages_per_run", "Must be greater than zero.")
    stages = parse_cart_stages(values["cart_recovery_stages"])
    if enabled and not stages:
        raise _invalid("cart_recovery_stages", "At least one stage is required.")
    return {
        "cart_recovery_enabled": enabled,
        "cart_recovery_stages": stages,
        "cart_offer": parse_offer_spec("cart_offer", values["cart_offer"]),
        "cart_experiment": parse_experiment(values["cart_experiment"]),
        "cart_min_total": _decimal(
            "cart_min_total", values["cart_min_total"], minimum=Decimal(0), maximum=MAX_AMOUNT
        ),
        "storefront_checkout_url": _url_template(
            "storefront_checkout_url", values["storefront_checkout_url"], required=enabled
        ),
        "storefront_unsubscribe_url": _url_template(
            "storefront_unsubscribe_url", values["storefront_unsubscribe_url"], required=enabled
        ),
        "marketing_consent_default": _boolean(values["marketing_consent_default"]),
        "message_frequency_cap_seconds": cap,
        "cart_messages_per_run": per_run,
        **{
            name: _template(name, values[name])
            for name in (
                "cart_reminder_subject",
                "cart_reminder_template",
                "cart_offer_subject",
                "cart_offer_template",
                "cart_last_call_subject",
                "cart_last_call_template",
            )
        },
        **_smtp(values),
    }


def parse_configuration(configuration: list[dict]) -> ChannelConfig:
    """Return the typed configuration; raise ValidationError on the first bad field."""
    values = {name: default for name, (default, *_rest) in _FIELDS.items()}
    values.update(
        {item["name"]: item.get("value") for item in configuration or [] if item["name"] in _FIELDS}
    )
    return ChannelConfig(
        earn_points=_integer("earn_points", values["earn_points"]),
        earn_amount=_decimal(
            "earn_amount",
            values["earn_amount"],
            minimum=Decimal(0),
            maximum=MAX_AMOUNT,
            positive=True,
        ),
        earn_rounding=_choice("earn_rounding", values["earn_rounding"], ROUNDING_RULES),
        eligible_include_shipping=_boolean(values["eligible_include_shipping"]),
        eligible_include_tax=_boolean(values["eligible_include_tax"]),
        pending_seconds=_duration("pending_period", values["pending_period"], optional=False),
        expire_seconds=_duration(
            "points_expire_after", values["points_expire_after"], optional=True
        ),
        expiry_warning_seconds=_duration(
            "expiry_warning_before", values["expiry_warning_before"], optional=True
        ),
        point_value=_decimal(
            "point_value",
            values["point_value"],
            minimum=Decimal(0),
            maximum=MAX_AMOUNT,
            positive=True,
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
        **_cart_fields(values),
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
