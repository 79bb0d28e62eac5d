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
            [{"name": "cart_recovery_enabled", "value": True}],
            "storefront_checkout_url",
            REQUIRED,
            "Required when cart recovery is enabled.",
        ),
        (
            [{"name": "storefront_checkout_url", "value": "https://shop.example.com/checkout"}],
            "storefront_checkout_url",
            INVALID,
            "Must contain {token}.",
        ),
        (
            [{"name": "storefront_unsubscribe_url", "value": "javascript:alert({token})"}],
            "storefront_unsubscribe_url",
            INVALID,
            "'javascript:alert({token})' is not an http(s) URL.",
        ),
        (
            [{"name": "cart_recovery_stages", "value": "1h reminder"}],
            "cart_recovery_stages",
            INVALID,
            "Line 1: expected 'delay | kind'.",
        ),
        (
            [{"name": "cart_recovery_stages", "value": "1h | nudge"}],
            "cart_recovery_stages",
            INVALID,
            "'nudge' is not one of: reminder, offer, last_call.",
        ),
        (
            [{"name": "cart_recovery_stages", "value": "24h | reminder\n1h | offer"}],
            "cart_recovery_stages",
            INVALID,
            "Delays must be strictly increasing.",
        ),
        (
            [{"name": "cart_recovery_stages", "value": "31d | reminder"}],
            "cart_recovery_stages",
            INVALID,
            "Line 1: delay must be between 1m and 30d.",
        ),
        (
            [{"name": "cart_offer", "value": "percentage 10 items 60d"}],
            "cart_offer",
            INVALID,
            "Validity must be more than 0 and less than 60 days.",
        ),
        (
            [{"name": "cart_offer", "value": "percentage 150 items 7d"}],
            "cart_offer",
            INVALID,
            "Must be between 0 and 100.",
        ),
        (
            [{"name": "cart_offer", "value": "bogo 1 items 7d"}],
            "cart_offer",
            INVALID,
            "'bogo' is not one of: percentage, fixed, free_shipping.",
        ),
        (
            [{"name": "cart_experiment", "value": "only | 100 | none"}],
            "cart_experiment",
            INVALID,
            "An experiment needs at least two variants.",
        ),
        (
            [{"name": "cart_experiment", "value": "a | 1 | none\nA | 1 | free_shipping 1d"}],
            "cart_experiment",
            INVALID,
            "Variant names must be unique.",
        ),
        (
            [{"name": "message_frequency_cap", "value": "daily"}],
            "message_frequency_cap",
            INVALID,
            "'daily' is not a duration; use e.g. 14d, 36h or 90m.",
        ),
        (
            [{"name": "cart_messages_per_run", "value": "0"}],
            "cart_messages_per_run",
            INVALID,
            "Must be greater than zero.",
        ),
        (
            [{"name": "cart_reminder_template", "value": "{{#if offer}}x{{/each}}"}],
            "cart_reminder_template",
            INVALID,
            None,
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
    [error] = data["errors"]
    assert (error["field"], error["code"]) == (to_camel_case(field), code)
    if message is not None:
        assert error["message"] == message
    else:
        assert error["message"].startswith("Not a valid Handlebars template")
    stored = PluginConfiguration.objects.get(identifier=PLUGIN_ID, channel=channel_USD)
    assert stored.active is False
    assert parse_configuration(stored.configuration) == DEFAULT_CONFIG
