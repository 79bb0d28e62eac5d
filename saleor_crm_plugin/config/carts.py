"""The cart-recovery section of a channel's configuration: stages, offer, e-mails.

``config.carts`` of a ``ChannelConfig``; read by the carts domain and its API. The kinds
of stage are defined here, once: the stored ``cart_recovery_stages`` text names them and
``carts.models.ReminderKind`` (the kind of a claimed reminder) is this class.
"""

import dataclasses
import functools
import re
import threading
from decimal import Decimal

import pybars
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from saleor.plugins.email_common import DEFAULT_EMAIL_VALUE

from .parsing import (
    MAX_AMOUNT,
    amount,
    boolean,
    choice,
    decimal_value,
    duration,
    integer,
    invalid,
    matched_lines,
    required,
    text,
    unique_names,
)


class ReminderKind:
    REMINDER = "reminder"
    OFFER = "offer"
    LAST_CALL = "last_call"

    CHOICES = [(REMINDER, "Reminder"), (OFFER, "Reminder with offer"), (LAST_CALL, "Last call")]
    ALL = (REMINDER, OFFER, LAST_CALL)


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
# A template field holding Saleor's "DEFAULT" uses the plugin's built-in template (as
# Saleor's e-mail plugins do); an empty template sends no e-mail of that kind.
DEFAULT_TEMPLATE = DEFAULT_EMAIL_VALUE
# pybars' compiler keeps its parsing state in shared objects: two threads compiling at
# once corrupt each other (tests/carts/test_concurrency.py). Every compilation of ours,
# and Saleor's send_email which compiles too, holds this lock.
HANDLEBARS_LOCK = threading.Lock()

_STAGE_LINE = re.compile(r"^\s*(?P<delay>[^|]+?)\s*\|\s*(?P<kind>[^|]+?)\s*$")
_EXPERIMENT_LINE = re.compile(
    r"^\s*(?P<name>[^|]+?)\s*\|\s*(?P<weight>[^|]+?)\s*\|\s*(?P<offer>[^|]+?)\s*$"
)
# The stored template fields, by the stage kind they serve: (subject, body).
TEMPLATE_FIELDS = {
    ReminderKind.REMINDER: ("cart_reminder_subject", "cart_reminder_template"),
    ReminderKind.OFFER: ("cart_offer_subject", "cart_offer_template"),
    ReminderKind.LAST_CALL: ("cart_last_call_subject", "cart_last_call_template"),
}


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
class CartsConfig:
    """When and how a channel reminds shoppers of the checkouts they left."""

    enabled: bool
    stages: tuple[CartStage, ...]
    offer: OfferSpec | None
    experiment: tuple[ExperimentVariant, ...]
    min_total: Decimal
    storefront_checkout_url: str
    storefront_unsubscribe_url: str
    marketing_consent_default: bool
    message_frequency_cap_seconds: int
    messages_per_run: int
    reminder_subject: str
    reminder_template: str
    offer_subject: str
    offer_template: str
    last_call_subject: str
    last_call_template: str

    def templates(self, kind: str) -> tuple[str, str]:
        """The (subject, body) Handlebars templates of a stage kind."""
        return {
            ReminderKind.REMINDER: (self.reminder_subject, self.reminder_template),
            ReminderKind.OFFER: (self.offer_subject, self.offer_template),
            ReminderKind.LAST_CALL: (self.last_call_subject, self.last_call_template),
        }[kind]


def parse_cart_stages(raw: str) -> tuple[CartStage, ...]:
    field = "cart_recovery_stages"
    stages: list[CartStage] = []
    for number, match in matched_lines(field, raw, _STAGE_LINE, "delay | kind"):
        delay = duration(field, match["delay"], optional=False)
        if not delay or delay > CART_MAX_STAGE_DELAY_DAYS * 86400:
            raise invalid(
                field, f"Line {number}: delay must be between 1m and {CART_MAX_STAGE_DELAY_DAYS}d."
            )
        kind = choice(field, match["kind"], ReminderKind.ALL)
        stages.append(CartStage(number=len(stages) + 1, delay_seconds=delay, kind=kind))
    if len(stages) > CART_MAX_STAGES:
        raise invalid(field, f"At most {CART_MAX_STAGES} stages.")
    delays = [stage.delay_seconds for stage in stages]
    if delays != sorted(set(delays)):
        raise invalid(field, "Delays must be strictly increasing.")
    return tuple(stages)


def parse_offer_spec(field: str, raw: str) -> OfferSpec | None:
    """'percentage 10 items 7d' | 'fixed 5 order 3d' | 'free_shipping 7d' | 'none' | ''."""
    words = str(raw or "").split()
    if not words or [word.lower() for word in words] == ["none"]:
        return None
    discount_type = choice(field, words[0], OFFER_TYPES)
    if discount_type == OFFER_FREE_SHIPPING:
        if len(words) != 2:
            raise invalid(field, "Expected 'free_shipping <validity>', e.g. free_shipping 7d.")
        value, scope, validity = Decimal(0), OFFER_SCOPE_ORDER, words[1]
    else:
        if len(words) != 4:
            raise invalid(field, f"Expected '{discount_type} <value> <items|order> <validity>'.")
        maximum = Decimal(100) if discount_type == OFFER_PERCENTAGE else MAX_AMOUNT
        value = decimal_value(field, words[1], minimum=Decimal(0), maximum=maximum, positive=True)
        scope = choice(field, words[2], OFFER_SCOPES)
        validity = words[3]
    valid_seconds = duration(field, validity, optional=False)
    if not valid_seconds or valid_seconds >= OFFER_MAX_VALID_DAYS * 86400:
        raise invalid(
            field, f"Validity must be more than 0 and less than {OFFER_MAX_VALID_DAYS} days."
        )
    return OfferSpec(
        discount_type=discount_type, value=value, scope=scope, valid_seconds=valid_seconds
    )


def parse_experiment(raw: str) -> tuple[ExperimentVariant, ...]:
    field = "cart_experiment"
    variants: list[ExperimentVariant] = []
    lines = matched_lines(field, raw, _EXPERIMENT_LINE, "name | weight | offer or none")
    for number, match in lines:
        if len(match["name"]) > 64:
            raise invalid(field, f"Line {number}: name is longer than 64 characters.")
        weight = integer(field, match["weight"], maximum=1000)
        if weight == 0:
            raise invalid(field, f"Line {number}: weight must be greater than zero.")
        offer = parse_offer_spec(field, match["offer"])
        variants.append(ExperimentVariant(name=match["name"], weight=weight, offer=offer))
    unique_names(field, [variant.name for variant in variants], "Variant names must be unique.")
    if len(variants) == 1:
        raise invalid(field, "An experiment needs at least two variants.")
    return tuple(variants)


def _url_template(field: str, raw, *, is_required: bool) -> str:
    value = text(raw)
    if not value:
        if is_required:
            raise required(field, "Required when cart recovery is enabled.")
        return ""
    if "{token}" not in value:
        raise invalid(field, "Must contain {token}.")
    try:
        URLValidator(schemes=["http", "https"])(value.replace("{token}", "token"))
    except ValidationError:
        raise invalid(field, f"'{raw}' is not an http(s) URL.") from None
    return value


@functools.lru_cache(maxsize=256)
def _handlebars_error(source: str) -> str | None:
    """Why ``source`` is not a Handlebars template, or None. Cached: compiling takes
    milliseconds, and every load of a channel's configuration checks its templates."""
    try:
        with HANDLEBARS_LOCK:
            pybars.Compiler().compile(source)
    except pybars.PybarsError as error:
        return str(error)
    return None


def _template(field: str, raw) -> str:
    value = text(raw, strip=False)
    if value and value != DEFAULT_TEMPLATE and (error := _handlebars_error(value)) is not None:
        raise invalid(field, f"Not a valid Handlebars template: {error}")
    return value


def _templates(values: dict) -> dict:
    """The six template fields, keyed by their attribute (``offer_subject``, ...)."""
    return {
        field.removeprefix("cart_"): _template(field, values[field])
        for fields in TEMPLATE_FIELDS.values()
        for field in fields
    }


def parse_carts(values: dict) -> CartsConfig:
    """The cart-recovery section from the stored values (defaults filled in)."""
    enabled = boolean(values["cart_recovery_enabled"])
    cap = duration("message_frequency_cap", values["message_frequency_cap"], optional=False)
    per_run = integer(
        "cart_messages_per_run", values["cart_messages_per_run"], maximum=CART_MAX_MESSAGES_PER_RUN
    )
    if per_run == 0:
        raise invalid("cart_messages_per_run", "Must be greater than zero.")
    stages = parse_cart_stages(values["cart_recovery_stages"])
    if enabled and not stages:
        raise invalid("cart_recovery_stages", "At least one stage is required.")
    return CartsConfig(
        enabled=enabled,
        stages=stages,
        offer=parse_offer_spec("cart_offer", values["cart_offer"]),
        experiment=parse_experiment(values["cart_experiment"]),
        min_total=amount("cart_min_total", values["cart_min_total"]),
        storefront_checkout_url=_url_template(
            "storefront_checkout_url", values["storefront_checkout_url"], is_required=enabled
        ),
        storefront_unsubscribe_url=_url_template(
            "storefront_unsubscribe_url", values["storefront_unsubscribe_url"], is_required=enabled
        ),
        marketing_consent_default=boolean(values["marketing_consent_default"]),
        message_frequency_cap_seconds=cap,
        messages_per_run=per_run,
        **_templates(values),
    )
