"""The field table as the Plugins page shows it, and the stored format it keeps."""

import re

from saleor.plugins.base_plugin import ConfigurationTypeField

from saleor_crm_plugin.config import (
    CONFIG_STRUCTURE,
    DEFAULT_CONFIG,
    DEFAULT_CONFIGURATION,
    VARIABLES,
    parse_configuration,
)
from saleor_crm_plugin.config.carts import OFFER_SCOPES, OFFER_TYPES, ReminderKind
from saleor_crm_plugin.config.loyalty import ROUNDING_RULES, TIER_BASES
from saleor_crm_plugin.plugin import CRMPlugin

# The stored format: a configuration saved by any earlier version has these names and
# these defaults; renaming one would drop what shops stored under it.
STORED_DEFAULTS = {
    "earn_points": "1",
    "earn_amount": "1.00",
    "earn_rounding": "floor",
    "eligible_include_shipping": False,
    "eligible_include_tax": False,
    "pending_period": "14d",
    "points_expire_after": "365d",
    "expiry_warning_before": "30d",
    "point_value": "0.01",
    "tier_basis": "spend",
    "tier_window": "365d",
    "tiers": "",
    "signup_bonus": "0",
    "birthday_bonus": "0",
    "redemption_max_percent": "100",
    "redemption_min_points": "0",
    "redemption_hold": "24h",
    "cart_recovery_enabled": False,
    "cart_recovery_stages": "1h | reminder\n24h | offer\n72h | last_call",
    "cart_offer": "percentage 10 items 7d",
    "cart_experiment": "",
    "cart_min_total": "0",
    "storefront_checkout_url": "",
    "storefront_unsubscribe_url": "",
    "marketing_consent_default": False,
    "message_frequency_cap": "24h",
    "cart_messages_per_run": "500",
    "cart_reminder_subject": "You left something in your cart",
    "cart_reminder_template": "DEFAULT",
    "cart_offer_subject": "Your cart is waiting, with {{offer.description}}",
    "cart_offer_template": "DEFAULT",
    "cart_last_call_subject": "Last call for your cart",
    "cart_last_call_template": "DEFAULT",
    "smtp_host": "",
    "smtp_port": "",
    "smtp_user": "",
    "smtp_password": "",
    "smtp_sender_name": "",
    "smtp_sender_address": "",
    "smtp_use_tls": False,
    "smtp_use_ssl": False,
    "stripe_webhook_secrets": "",
    "stripe_terminal_locations": "",
    "store_claim_window": "30d",
    "store_claim_daily_limit": "5",
    "store_claim_code_lifetime": "15m",
    "store_card_recognition": False,
    "quiet_hours": "",
    "time_zone": "UTC",
}
TEMPLATES = ("cart_reminder_template", "cart_offer_template", "cart_last_call_template")
SETTINGS_PAGE = "Customers → CRM → Programme settings"


def test_stored_names_and_defaults_are_unchanged():
    # when
    stored = {item["name"]: item["value"] for item in DEFAULT_CONFIGURATION}

    # then
    assert stored == STORED_DEFAULTS
    assert list(stored) == list(CONFIG_STRUCTURE)


def test_each_field_has_its_own_label_and_a_short_help_text():
    # when
    labels = [field["label"] for field in CONFIG_STRUCTURE.values()]
    long_help = {
        name
        for name, field in CONFIG_STRUCTURE.items()
        if len(field["help_text"]) > 260 and name not in TEMPLATES
    }

    # then: a message names its field by label, so no two fields share one
    assert len(set(labels)) == len(labels)
    assert long_help == set()


def test_types_are_the_closest_saleor_offers():
    # when
    types = {name: field["type"] for name, field in CONFIG_STRUCTURE.items()}

    # then
    booleans = {name for name, default in STORED_DEFAULTS.items() if isinstance(default, bool)}
    assert {name for name, kind in types.items() if kind == ConfigurationTypeField.BOOLEAN} == (
        booleans
    )
    assert {name for name, kind in types.items() if kind == ConfigurationTypeField.MULTILINE} == {
        "tiers",
        "cart_recovery_stages",
        "cart_experiment",
        "stripe_terminal_locations",
        *TEMPLATES,
    }
    assert types["smtp_password"] == ConfigurationTypeField.PASSWORD
    assert types["stripe_webhook_secrets"] == ConfigurationTypeField.SECRET_MULTILINE


def test_choices_are_listed_in_the_help_text():
    # given
    choices = {
        "earn_rounding": ROUNDING_RULES,
        "tier_basis": TIER_BASES,
        "cart_recovery_stages": ReminderKind.ALL,
        "cart_offer": OFFER_TYPES + OFFER_SCOPES + ("none",),
    }

    # when
    missing = {
        name: [choice for choice in values if choice not in CONFIG_STRUCTURE[name]["help_text"]]
        for name, values in choices.items()
    }

    # then
    assert missing == {name: [] for name in choices}


def test_line_formats_come_with_examples_that_parse():
    # given: the quoted examples of the multi-line fields' help texts
    examples = {
        name: re.findall(r"'([\w .]+(?:\|[\w .]+)+)'", CONFIG_STRUCTURE[name]["help_text"])
        for name in ("tiers", "cart_recovery_stages", "cart_experiment")
    }

    # when
    config = parse_configuration(
        [{"name": name, "value": "\n".join(lines)} for name, lines in examples.items()]
    )

    # then
    assert [tier.name for tier in config.loyalty.tiers] == ["Silver", "Gold"]
    assert config.carts.stages == DEFAULT_CONFIG.carts.stages
    assert [variant.name for variant in config.carts.experiment] == ["ten", "holdout"]


def test_template_help_lists_every_variable():
    # given
    names = {re.split(r"[.\[]", path)[-1] for path in VARIABLES}

    # when
    missing = {
        name: sorted(word for word in names if word not in CONFIG_STRUCTURE[name]["help_text"])
        for name in TEMPLATES
    }

    # then
    assert missing == {name: [] for name in TEMPLATES}


def test_plugins_page_points_to_the_crm_settings_page():
    # when
    first_help = next(iter(CONFIG_STRUCTURE.values()))["help_text"]

    # then
    assert SETTINGS_PAGE in CRMPlugin.PLUGIN_DESCRIPTION
    assert SETTINGS_PAGE in first_help
