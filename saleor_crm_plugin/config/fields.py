"""The field table: what Saleor's Plugins page shows and how a configuration is stored.

Saleor stores a plugin's configuration as a list of ``{"name", "value"}`` dicts per
channel (``PluginConfiguration``). ``FIELDS`` is the one list of those names, with each
field's default, type, label and help text; ``DEFAULT_CONFIGURATION`` and
``CONFIG_STRUCTURE`` are what ``CRMPlugin`` declares to Saleor. Changing a name here
changes the stored format: existing configurations would lose that field's value.
The sections (``loyalty.py``, ``carts.py``, ``smtp.py``) turn these values into types.
"""

from saleor.plugins.base_plugin import ConfigurationTypeField
from saleor.plugins.email_common import DEFAULT_EMAIL_CONFIG_STRUCTURE

from .carts import DEFAULT_TEMPLATE
from .loyalty import ROUNDING_FLOOR, TIER_BASIS_SPEND
from .templates import VARIABLES_TEXT

PLUGIN_ID = "saleor.crm"


def _saleor_email(name: str) -> tuple[str, str]:
    """(type, label) of a field of Saleor's own e-mail plugins, which ours mirror."""
    field = DEFAULT_EMAIL_CONFIG_STRUCTURE[name]
    return field["type"], field["label"]


_VARIABLES_HELP = (
    "Handlebars: {{customer.first_name}}, {{#if offer}}…{{/if}}, "
    "{{#each checkout.lines}}{{product_name}}{{/each}}; helpers price, format_datetime. "
    f"Variables: {VARIABLES_TEXT}."
)
_VARIABLES_SEE = "Handlebars, with the variables listed under the templates."

# name -> (default value, type, label, help text)
FIELDS: dict[str, tuple[object, str, str, str]] = {
    "earn_points": (
        "1",
        ConfigurationTypeField.STRING,
        "Points earned",
        "Whole points per 'Per amount spent' of eligible spend, e.g. 5. Easier: the CRM "
        "settings page (Customers → CRM → Programme settings) edits rates, tiers and "
        "stages with checks as you type.",
    ),
    "earn_amount": (
        "1.00",
        ConfigurationTypeField.STRING,
        "Per amount spent",
        "Amount in the channel currency that earns 'Points earned', e.g. 2.50; above 0.",
    ),
    "earn_rounding": (
        ROUNDING_FLOOR,
        ConfigurationTypeField.STRING,
        "Rounding of earned points",
        "One of: floor, half_up, ceil. How a partial 'Per amount spent' counts, once "
        "per order (floor: 3.00 at 5 points per 2.50 earns 5).",
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
        "How long earned points stay pending (your return window): 14d, 36h, 90m or 0.",
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
        "One of: spend (eligible spend), points (points earned), within 'Tier window'.",
    ),
    "tier_window": (
        "365d",
        ConfigurationTypeField.STRING,
        "Tier window",
        "Rolling window over which tier spend or points are counted, e.g. 365d.",
    ),
    "tiers": (
        "",
        ConfigurationTypeField.MULTILINE,
        "Tiers",
        "One tier a line, lowest first: name | threshold | multiplier, e.g. "
        "'Silver | 500 | 1.25' then 'Gold | 2000 | 1.5'. Thresholds in 'Tiers are based "
        "on' units, strictly increasing; names unique; multiplier above 0, at most 100.",
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
        "At most this share (0 – 100) of a checkout's total can be paid with points.",
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
        "Remind shoppers of checkouts they left. When ticked, 'Reminder stages' and both "
        "storefront URLs are required.",
    ),
    "cart_recovery_stages": (
        "1h | reminder\n24h | offer\n72h | last_call",
        ConfigurationTypeField.MULTILINE,
        "Reminder stages",
        "One stage a line: delay since the checkout's last change | kind, e.g. "
        "'1h | reminder', '24h | offer', '72h | last_call'. Kind: reminder, offer or "
        "last_call; delays 1m – 30d, strictly increasing; at most 5 stages.",
    ),
    "cart_offer": (
        "percentage 10 items 7d",
        ConfigurationTypeField.STRING,
        "Recovery offer",
        "The one-time code of an offer stage: 'percentage 10 items 7d', 'fixed 5 order 3d', "
        "'free_shipping 7d' or 'none'; scope items or order; valid less than 60d.",
    ),
    "cart_experiment": (
        "",
        ConfigurationTypeField.MULTILINE,
        "Offer experiment",
        "Optional A/B test replacing 'Recovery offer', one variant a line: name | weight "
        "(1 – 1000) | offer or none, e.g. 'ten | 45 | percentage 10 items 7d' and "
        "'holdout | 10 | none'; at least two.",
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
        "http(s) link back to the checkout, with {token}, e.g. "
        "https://shop.example/checkout/{token}. Required when 'Cart recovery' is ticked.",
    ),
    "storefront_unsubscribe_url": (
        "",
        ConfigurationTypeField.STRING,
        "Storefront unsubscribe URL",
        "http(s) unsubscribe page, with {token} (the signed token for crmUnsubscribe). "
        "Required when 'Cart recovery' is ticked.",
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
        "At most one marketing message (any journey, cart reminders included) per "
        "shopper within this period; 0: no cap.",
    ),
    "cart_messages_per_run": (
        "500",
        ConfigurationTypeField.STRING,
        "Messages per run",
        "At most this many reminders (1 – 100000) are handled per channel by one sweep.",
    ),
    "cart_reminder_subject": (
        "You left something in your cart",
        ConfigurationTypeField.STRING,
        "Reminder subject",
        "Subject of a reminder stage, e.g. '{{customer.first_name}}, your cart is waiting'. "
        + _VARIABLES_SEE,
    ),
    "cart_reminder_template": (
        DEFAULT_TEMPLATE,
        ConfigurationTypeField.MULTILINE,
        "Reminder template",
        "HTML of a reminder e-mail; DEFAULT: built-in; empty: no e-mail. " + _VARIABLES_HELP,
    ),
    "cart_offer_subject": (
        "Your cart is waiting, with {{offer.description}}",
        ConfigurationTypeField.STRING,
        "Offer subject",
        "Subject of an offer stage, e.g. 'Your code {{offer.code}}'. " + _VARIABLES_SEE,
    ),
    "cart_offer_template": (
        DEFAULT_TEMPLATE,
        ConfigurationTypeField.MULTILINE,
        "Offer template",
        "HTML of an offer e-mail; DEFAULT: built-in; empty: no e-mail. " + _VARIABLES_HELP,
    ),
    "cart_last_call_subject": (
        "Last call for your cart",
        ConfigurationTypeField.STRING,
        "Last call subject",
        "Subject of a last-call stage. " + _VARIABLES_SEE,
    ),
    "cart_last_call_template": (
        DEFAULT_TEMPLATE,
        ConfigurationTypeField.MULTILINE,
        "Last call template",
        "HTML of a last-call e-mail; DEFAULT: built-in; empty: no e-mail. " + _VARIABLES_HELP,
    ),
    "smtp_host": (
        "",
        *_saleor_email("host"),
        "The CRM sends its e-mails itself through this server; empty: apps handle "
        "the notify events.",
    ),
    "smtp_port": (
        "",
        *_saleor_email("port"),
        "Port of the SMTP server; required when 'SMTP host' is set.",
    ),
    "smtp_user": ("", *_saleor_email("username"), "Login of the SMTP server."),
    "smtp_password": (
        "",
        ConfigurationTypeField.PASSWORD,
        "SMTP password",
        "Password of the SMTP server.",
    ),
    "smtp_sender_name": (
        "",
        *_saleor_email("sender_name"),
        "Name shown as the e-mail's sender.",
    ),
    "smtp_sender_address": (
        "",
        ConfigurationTypeField.STRING,
        "Sender address",
        "Address the e-mails come from; required when 'SMTP host' is set.",
    ),
    "smtp_use_tls": (
        False,
        *_saleor_email("use_tls"),
        "STARTTLS (usually port 587); exclusive with SSL.",
    ),
    "smtp_use_ssl": (
        False,
        *_saleor_email("use_ssl"),
        "Implicit TLS (usually port 465); exclusive with TLS.",
    ),
    "stripe_webhook_secrets": (
        "",
        ConfigurationTypeField.SECRET_MULTILINE,
        "Stripe webhook signing secrets",
        "In-store purchases from Stripe Terminal: the signing secret (whsec_…) of the "
        "webhook endpoint /plugins/channel/<channel slug>/saleor.crm/stripe/webhook, one a "
        "line (two while rotating). Empty: the endpoint refuses every event.",
    ),
    "stripe_terminal_locations": (
        "",
        ConfigurationTypeField.MULTILINE,
        "Stripe Terminal locations",
        "Which store each Terminal location is in, one a line: 'tml_… | warehouse slug'. "
        "A payment's metadata 'store' (a warehouse slug) takes precedence.",
    ),
    "store_claim_window": (
        "30d",
        ConfigurationTypeField.STRING,
        "Receipt claim window",
        "How long after an in-store purchase a shopper may claim it online (1d – 365d).",
    ),
    "store_claim_daily_limit": (
        "5",
        ConfigurationTypeField.STRING,
        "Receipt claims per day",
        "At most this many receipt claims a shopper may start a day (1 – 100).",
    ),
    "store_claim_code_lifetime": (
        "15m",
        ConfigurationTypeField.STRING,
        "Claim code lifetime",
        "How long the one-time code e-mailed for a receipt claim stays valid.",
    ),
    "store_card_recognition": (
        False,
        ConfigurationTypeField.BOOLEAN,
        "Card recognition",
        "Let shoppers who claimed a receipt opt in to having later purchases with the "
        "same card linked to them automatically.",
    ),
    "quiet_hours": (
        "",
        ConfigurationTypeField.STRING,
        "Quiet hours",
        "No marketing e-mail (journeys, cart reminders) in this daily window of the "
        "shop's time, e.g. 21:00-08:00; a message due inside it waits for its end. "
        "Empty: none.",
    ),
    "time_zone": (
        "UTC",
        ConfigurationTypeField.STRING,
        "Shop time zone",
        "IANA name, e.g. Europe/Paris: quiet hours and birthdays are read in it.",
    ),
}

DEFAULT_CONFIGURATION = [
    {"name": name, "value": default} for name, (default, *_rest) in FIELDS.items()
]
LABELS = {name: label for name, (_default, _type, label, _help) in FIELDS.items()}
CONFIG_STRUCTURE = {
    name: {"type": field_type, "label": label, "help_text": help_text}
    for name, (_default, field_type, label, help_text) in FIELDS.items()
}


def stored_values(configuration: list[dict] | None) -> dict:
    """Every field's stored value by name, the default where none is stored; unknown
    names (a field since removed) are ignored."""
    values = {name: default for name, (default, *_rest) in FIELDS.items()}
    values.update(
        {item["name"]: item.get("value") for item in configuration or [] if item["name"] in FIELDS}
    )
    return values
