"""The cart-recovery section through Saleor's pluginUpdate: parsed, or refused whole."""

import datetime
from decimal import Decimal

import pytest
from graphene.utils.str_converters import to_camel_case
from saleor.plugins.error_codes import PluginErrorCode
from saleor.plugins.models import PluginConfiguration

from saleor_crm_plugin.config import (
    DEFAULT_CONFIG,
    PLUGIN_ID,
    CartStage,
    ExperimentVariant,
    OfferSpec,
    parse_configuration,
)
from tests.fixtures.plugin import plugin_update

URLS = [
    {"name": "storefront_checkout_url", "value": "https://shop.example.com/checkout/{token}"},
    {"name": "storefront_unsubscribe_url", "value": "https://shop.example.com/u/{token}"},
]


def test_defaults_are_three_stages_and_ten_percent_on_the_items():
    # given / when
    config = DEFAULT_CONFIG

    # then
    assert config.carts.enabled is False
    assert config.carts.stages == (
        CartStage(number=1, delay_seconds=3600, kind="reminder"),
        CartStage(number=2, delay_seconds=86400, kind="offer"),
        CartStage(number=3, delay_seconds=259200, kind="last_call"),
    )
    assert config.carts.offer == OfferSpec(
        discount_type="percentage", value=Decimal(10), scope="items", valid_seconds=7 * 86400
    )
    assert config.carts.experiment == ()
    assert config.carts.message_frequency_cap_seconds == 86400
    assert config.carts.messages_per_run == 500
    assert config.carts.marketing_consent_default is False
    assert config.smtp.host == ""


def test_plugin_update_saves_a_cart_recovery_configuration(
    staff_api_client, permission_manage_plugins, channel_USD
):
    # given
    configuration = [
        {"name": "cart_recovery_enabled", "value": True},
        {"name": "cart_recovery_stages", "value": "30m | reminder\n2d | offer"},
        {"name": "cart_offer", "value": "fixed 5 order 3d"},
        {
            "name": "cart_experiment",
            "value": "five | 50 | fixed 5 order 3d\nship | 30 | free_shipping 2d\nnone | 20 | none",
        },
        {"name": "cart_min_total", "value": "15.50"},
        {"name": "message_frequency_cap", "value": "12h"},
        {"name": "smtp_host", "value": "smtp.example.com"},
        {"name": "smtp_port", "value": "587"},
        {"name": "smtp_sender_address", "value": "shop@example.com"},
        {"name": "smtp_use_tls", "value": True},
        {"name": "cart_offer_template", "value": "<p>{{offer.code}}</p>"},
        *URLS,
    ]

    # when
    data = plugin_update(staff_api_client, permission_manage_plugins, channel_USD, configuration)

    # then
    assert data["errors"] == []
    stored = PluginConfiguration.objects.get(identifier=PLUGIN_ID, channel=channel_USD)
    config = parse_configuration(stored.configuration)
    assert config.carts.enabled is True
    assert config.carts.stages == (
        CartStage(number=1, delay_seconds=1800, kind="reminder"),
        CartStage(number=2, delay_seconds=172800, kind="offer"),
    )
    three_days = int(datetime.timedelta(days=3).total_seconds())
    assert config.carts.offer == OfferSpec("fixed", Decimal(5), "order", three_days)
    assert config.carts.experiment == (
        ExperimentVariant("five", 50, OfferSpec("fixed", Decimal(5), "order", three_days)),
        ExperimentVariant("ship", 30, OfferSpec("free_shipping", Decimal(0), "order", 172800)),
        ExperimentVariant("none", 20, None),
    )
    assert config.carts.min_total == Decimal("15.50")
    assert config.carts.message_frequency_cap_seconds == 43200
    assert (config.smtp.host, config.smtp.port, config.smtp.use_tls) == (
        "smtp.example.com",
        587,
        True,
    )
    assert config.carts.templates("offer") == (
        "Your cart is waiting, with {{offer.description}}",
        "<p>{{offer.code}}</p>",
    )


INVALID = PluginErrorCode.INVALID.name
REQUIRED = PluginErrorCode.REQUIRED.name


@pytest.mark.parametrize(
    ("configuration", "field", "code", "message"),
    [
        (
            [
                {"name": "cart_recovery_enabled", "value": True},
                {
                    "name": "storefront_unsubscribe_url",
                    "value": "https://shop.example.com/u/{token}",
                },
            ],
            "storefront_checkout_url",
            REQUIRED,
            "Storefront checkout URL: required when 'Cart recovery' is on.",
        ),
        (
            [
                {"name": "cart_recovery_enabled", "value": True},
                {"name": "cart_recovery_stages", "value": ""},
                *URLS,
            ],
            "cart_recovery_stages",
            REQUIRED,
            "Reminder stages: at least one stage is required when 'Cart recovery' is on.",
        ),
        (
            [{"name": "storefront_checkout_url", "value": "https://shop.example.com/checkout"}],
            "storefront_checkout_url",
            INVALID,
            "Storefront checkout URL: must contain {token} (not 'https://shop.example.com/checkout').",
        ),
        (
            [{"name": "storefront_unsubscribe_url", "value": "javascript:alert({token})"}],
            "storefront_unsubscribe_url",
            INVALID,
            "Storefront unsubscribe URL: 'javascript:alert({token})' is not an http(s) URL.",
        ),
        (
            [{"name": "cart_recovery_stages", "value": "1h reminder"}],
            "cart_recovery_stages",
            INVALID,
            "Reminder stages, line 1 (\"1h reminder\"): expected 'delay | kind'.",
        ),
        (
            [{"name": "cart_recovery_stages", "value": "1h | nudge"}],
            "cart_recovery_stages",
            INVALID,
            "Reminder stages, line 1 (\"1h | nudge\"): 'nudge' is not one of: reminder, offer, "
            "last_call.",
        ),
        (
            [{"name": "cart_recovery_stages", "value": "24h | reminder\n\n1h | offer"}],
            "cart_recovery_stages",
            INVALID,
            'Reminder stages, line 3 ("1h | offer"): the delay must be longer than line 1\'s '
            "(24h): delays strictly increase.",
        ),
        (
            [{"name": "cart_recovery_stages", "value": "31d | reminder"}],
            "cart_recovery_stages",
            INVALID,
            'Reminder stages, line 1 ("31d | reminder"): the delay must be between 1m and 30d.',
        ),
        (
            [
                {
                    "name": "cart_recovery_stages",
                    "value": "\n".join(f"{n}h | reminder" for n in range(1, 7)),
                }
            ],
            "cart_recovery_stages",
            INVALID,
            "Reminder stages: at most 5 stages (not 6).",
        ),
        (
            [{"name": "cart_offer", "value": "percentage 10 items 60d"}],
            "cart_offer",
            INVALID,
            "Recovery offer: the validity must be more than 0 and less than 60 days (not 60d).",
        ),
        (
            [{"name": "cart_offer", "value": "percentage 150 items 7d"}],
            "cart_offer",
            INVALID,
            "Recovery offer: must be between 0 and 100 (not 150).",
        ),
        (
            [{"name": "cart_offer", "value": "bogo 1 items 7d"}],
            "cart_offer",
            INVALID,
            "Recovery offer: 'bogo' is not one of: percentage, fixed, free_shipping.",
        ),
        (
            [{"name": "cart_offer", "value": "fixed 5 7d"}],
            "cart_offer",
            INVALID,
            "Recovery offer: expected 'fixed <value> <items|order> <validity>', "
            "e.g. fixed 10 items 7d (not 'fixed 5 7d').",
        ),
        (
            [{"name": "cart_experiment", "value": "only | 100 | none"}],
            "cart_experiment",
            INVALID,
            "Offer experiment: an experiment needs at least two variants (one a line).",
        ),
        (
            [{"name": "cart_experiment", "value": "a | 1 | none\nA | 1 | free_shipping 1d"}],
            "cart_experiment",
            INVALID,
            "Offer experiment, line 2 (\"A | 1 | free_shipping 1d\"): the name 'A' is already "
            "used on line 1.",
        ),
        (
            [{"name": "cart_experiment", "value": "a | 1 | none\nb | 1 | bogo 1d"}],
            "cart_experiment",
            INVALID,
            "Offer experiment, line 2 (\"b | 1 | bogo 1d\"): 'bogo' is not one of: percentage, "
            "fixed, free_shipping.",
        ),
        (
            [{"name": "message_frequency_cap", "value": "daily"}],
            "message_frequency_cap",
            INVALID,
            "Frequency cap: 'daily' is not a duration; use e.g. 14d, 36h or 90m.",
        ),
        (
            [{"name": "cart_messages_per_run", "value": "0"}],
            "cart_messages_per_run",
            INVALID,
            "Messages per run: must be between 1 and 100000 (not 0).",
        ),
        (
            [{"name": "cart_reminder_template", "value": "{{#if offer}}x{{/each}}"}],
            "cart_reminder_template",
            INVALID,
            "Reminder template: {{/each}} closes {{#if}}.",
        ),
    ],
)
def test_plugin_update_refuses_bad_cart_configuration_and_saves_nothing(
    configuration, field, code, message, staff_api_client, permission_manage_plugins, channel_USD
):
    # when
    data = plugin_update(staff_api_client, permission_manage_plugins, channel_USD, configuration)

    # then
    assert data["plugin"] is None
    assert data["errors"] == [{"field": to_camel_case(field), "code": code, "message": message}]
    stored = PluginConfiguration.objects.get(identifier=PLUGIN_ID, channel=channel_USD)
    assert stored.active is False
    assert parse_configuration(stored.configuration) == DEFAULT_CONFIG


def test_choices_are_read_whatever_their_case():
    # given: typed on the Plugins page, where choices are free text
    configuration = [
        {"name": "cart_recovery_stages", "value": "1h | Reminder\n2d | LAST_CALL"},
        {"name": "cart_offer", "value": "Fixed 5 Order 3d"},
    ]

    # when
    config = parse_configuration(configuration)

    # then
    assert [stage.kind for stage in config.carts.stages] == ["reminder", "last_call"]
    assert config.carts.offer == OfferSpec("fixed", Decimal(5), "order", 3 * 86400)
