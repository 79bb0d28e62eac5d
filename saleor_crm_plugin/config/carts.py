"""The cart-recovery section of a channel's configuration: stages, offer, e-mails.

``config.carts`` of a ``ChannelConfig``; read by the carts domain and its API. The kinds
of stage are defined here, once: the stored ``cart_recovery_stages`` text names them and
``carts.models.ReminderKind`` (the kind of a claimed reminder) is this class.
"""

import dataclasses
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from saleor.plugins.email_common import DEFAULT_EMAIL_VALUE
from saleor.plugins.error_codes import PluginErrorCode

from .parsing import (
    MAX_AMOUNT,
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
    text,
)
from .templates import compile_problem, template_check


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


def _stage(match, line: Line, errors: ConfigErrors) -> tuple[int, str] | None:
    field = "cart_recovery_stages"
    delay = errors.value(field, duration, match["delay"], optional=False, line=line)
    if delay is not None and not 60 <= delay <= CART_MAX_STAGE_DELAY_DAYS * 86400:
        errors.add(
            field,
            ConfigProblem(f"the delay must be between 1m and {CART_MAX_STAGE_DELAY_DAYS}d."),
            line,
        )
        delay = None
    kind = errors.value(field, choice, match["kind"], ReminderKind.ALL, line=line)
    return None if delay is None or kind is None else (delay, kind)


def parse_cart_stages(raw: str, errors: ConfigErrors) -> tuple[CartStage, ...] | None:
    """The stages in order; None (problems recorded) when a line is wrong."""
    field = "cart_recovery_stages"
    stages: list[CartStage] = []
    previous: tuple[Line, str] | None = None
    for line, match in errors.lines(field, raw, _STAGE_LINE, "delay | kind"):
        stage = _stage(match, line, errors)
        if stage is None:
            continue
        stages.append(CartStage(number=len(stages) + 1, delay_seconds=stage[0], kind=stage[1]))
        if previous is not None and stage[0] <= stages[-2].delay_seconds:
            errors.add(
                field,
                ConfigProblem(
                    f"the delay must be longer than line {previous[0].number}'s "
                    f"({previous[1]}): delays strictly increase."
                ),
                line,
            )
        previous = (line, match["delay"])
    if len(stages) > CART_MAX_STAGES:
        errors.add(field, ConfigProblem(f"at most {CART_MAX_STAGES} stages (not {len(stages)})."))
    return None if errors.has(field) else tuple(stages)


def parse_offer_spec(raw: str) -> OfferSpec | None:
    """'percentage 10 items 7d' | 'fixed 5 order 3d' | 'free_shipping 7d' | 'none' | ''."""
    words = str(raw or "").split()
    if not words or [word.lower() for word in words] == ["none"]:
        return None
    discount_type = choice(words[0], OFFER_TYPES)
    if discount_type == OFFER_FREE_SHIPPING:
        if len(words) != 2:
            raise ConfigProblem(
                f"expected 'free_shipping <validity>', e.g. free_shipping 7d (not '{raw}')."
            )
        value, scope, validity = Decimal(0), OFFER_SCOPE_ORDER, words[1]
    else:
        if len(words) != 4:
            raise ConfigProblem(
                f"expected '{discount_type} <value> <items|order> <validity>', "
                f"e.g. {discount_type} 10 items 7d (not '{raw}')."
            )
        maximum = Decimal(100) if discount_type == OFFER_PERCENTAGE else MAX_AMOUNT
        value = decimal_value(words[1], minimum=Decimal(0), maximum=maximum, positive=True)
        scope = choice(words[2], OFFER_SCOPES)
        validity = words[3]
    valid_seconds = duration(validity, optional=False)
    if not valid_seconds or valid_seconds >= OFFER_MAX_VALID_DAYS * 86400:
        raise ConfigProblem(
            f"the validity must be more than 0 and less than {OFFER_MAX_VALID_DAYS} days "
            f"(not {validity})."
        )
    return OfferSpec(
        discount_type=discount_type, value=value, scope=scope, valid_seconds=valid_seconds
    )


def _variant(match, line: Line, errors: ConfigErrors, seen: dict) -> ExperimentVariant | None:
    field = "cart_experiment"
    if (problem := name_problem(match["name"], line, seen)) is not None:
        errors.add(field, problem, line)
    weight = errors.value(field, integer, match["weight"], minimum=1, maximum=1000, line=line)
    try:
        offer = parse_offer_spec(match["offer"])
    except ConfigProblem as problem:
        errors.add(field, problem, line)
        return None
    if weight is None:
        return None
    return ExperimentVariant(name=match["name"], weight=weight, offer=offer)


def parse_experiment(raw: str, errors: ConfigErrors) -> tuple[ExperimentVariant, ...] | None:
    field = "cart_experiment"
    variants = []
    seen: dict[str, Line] = {}
    lines = errors.lines(field, raw, _EXPERIMENT_LINE, "name | weight | offer or none")
    for line, match in lines:
        variants.append(_variant(match, line, errors, seen))
    if len(variants) == 1:
        errors.add(field, ConfigProblem("an experiment needs at least two variants (one a line)."))
    return None if errors.has(field) else tuple(variants)


def _url_template(raw, *, required_by: str | None) -> str:
    """An http(s) URL with {token}; ``required_by``: the label of the field that needs it."""
    value = text(raw)
    if not value:
        if required_by:
            raise ConfigProblem(f"required when '{required_by}' is on.", PluginErrorCode.REQUIRED)
        return ""
    if "{token}" not in value:
        raise ConfigProblem(f"must contain {{token}} (not '{raw}').")
    try:
        URLValidator(schemes=["http", "https"])(value.replace("{token}", "token"))
    except ValidationError:
        raise ConfigProblem(f"'{raw}' is not an http(s) URL.") from None
    return value


def _loaded_template(source: str, *, subject: bool) -> str:
    """On load: the template compiles (``template_check`` is for saving)."""
    if (problem := compile_problem(source)) is not None:
        raise ConfigProblem(problem)
    return source


def _templates(values: dict, errors: ConfigErrors, *, strict: bool) -> dict:
    """The six template fields, keyed by their attribute (``offer_subject``, ...)."""
    check = template_check if strict else _loaded_template
    templates = {}
    for subject, body in TEMPLATE_FIELDS.values():
        for field in (subject, body):
            value = text(values[field], strip=False)
            if value and value != DEFAULT_TEMPLATE:
                value = errors.value(field, check, value, subject=field == subject)
            templates[field.removeprefix("cart_")] = value
    return templates


def parse_carts(values: dict, errors: ConfigErrors, *, strict: bool = False) -> CartsConfig:
    """The cart-recovery section from the stored values (defaults filled in); ``strict``:
    templates are rendered with sample data (on save), not only compiled (on load)."""
    enabled = boolean(values["cart_recovery_enabled"])
    stages = parse_cart_stages(values["cart_recovery_stages"], errors)
    if enabled and stages == ():
        errors.add(
            "cart_recovery_stages",
            ConfigProblem(
                f"at least one stage is required when '{errors.label('cart_recovery_enabled')}' "
                "is on.",
                PluginErrorCode.REQUIRED,
            ),
        )
    required_by = errors.label("cart_recovery_enabled") if enabled else None
    value = errors.value
    return CartsConfig(
        enabled=enabled,
        stages=stages,
        offer=value("cart_offer", parse_offer_spec, values["cart_offer"]),
        experiment=parse_experiment(values["cart_experiment"], errors),
        min_total=value("cart_min_total", amount, values["cart_min_total"]),
        storefront_checkout_url=value(
            "storefront_checkout_url",
            _url_template,
            values["storefront_checkout_url"],
            required_by=required_by,
        ),
        storefront_unsubscribe_url=value(
            "storefront_unsubscribe_url",
            _url_template,
            values["storefront_unsubscribe_url"],
            required_by=required_by,
        ),
        marketing_consent_default=boolean(values["marketing_consent_default"]),
        message_frequency_cap_seconds=value(
            "message_frequency_cap", duration, values["message_frequency_cap"], optional=False
        ),
        messages_per_run=value(
            "cart_messages_per_run",
            integer,
            values["cart_messages_per_run"],
            minimum=1,
            maximum=CART_MAX_MESSAGES_PER_RUN,
        ),
        **_templates(values, errors, strict=strict),
    )
