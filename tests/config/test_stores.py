"""The stores section through Saleor's pluginUpdate: parsed, or refused whole."""

import pytest
from graphene.utils.str_converters import to_camel_case
from saleor.plugins.error_codes import PluginErrorCode
from saleor.plugins.models import PluginConfiguration

from saleor_crm_plugin.config import (
    DEFAULT_CONFIG,
    PLUGIN_ID,
    StoresConfig,
    parse_configuration,
)
from tests.fixtures.plugin import plugin_update

INVALID = PluginErrorCode.INVALID.name


def test_defaults():
    # then
    assert DEFAULT_CONFIG.stores == StoresConfig(
        stripe_webhook_secrets=(),
        stripe_terminal_locations={},
        claim_window_seconds=30 * 86400,
        claim_daily_limit=5,
        claim_code_seconds=15 * 60,
        card_recognition=False,
    )


def test_secrets_and_locations_are_parsed():
    # when
    config = parse_configuration(
        [
            {"name": "stripe_webhook_secrets", "value": "whsec_old1\n\n  whsec_new2  \n"},
            {
                "name": "stripe_terminal_locations",
                "value": "tml_FDOt6wlRsS | store-soho\n tml_AB12 |store-leeds ",
            },
            {"name": "store_claim_window", "value": "14d"},
            {"name": "store_claim_daily_limit", "value": "3"},
            {"name": "store_card_recognition", "value": True},
        ]
    )

    # then
    assert config.stores.stripe_webhook_secrets == ("whsec_old1", "whsec_new2")
    assert config.stores.stripe_terminal_locations == {
        "tml_FDOt6wlRsS": "store-soho",
        "tml_AB12": "store-leeds",
    }
    assert (
        config.stores.claim_window_seconds,
        config.stores.claim_daily_limit,
        config.stores.card_recognition,
    ) == (14 * 86400, 3, True)


@pytest.mark.parametrize(
    ("configuration", "field", "message"),
    [
        (
            [{"name": "stripe_webhook_secrets", "value": "whsec_ok\nsk_live_secretvalue"}],
            "stripe_webhook_secrets",
            "Stripe webhook signing secrets: line 2 is not a Stripe signing secret (whsec_…).",
        ),
        (
            [{"name": "stripe_terminal_locations", "value": "tml_1 store-soho"}],
            "stripe_terminal_locations",
            'Stripe Terminal locations, line 1 ("tml_1 store-soho"): expected '
            "'tml_… | store slug'.",
        ),
        (
            [{"name": "store_claim_daily_limit", "value": "0"}],
            "store_claim_daily_limit",
            "Receipt claims per day: must be between 1 and 100 (not 0).",
        ),
        (
            [{"name": "store_claim_window", "value": "soon"}],
            "store_claim_window",
            "Receipt claim window: 'soon' is not a duration; use e.g. 14d, 36h or 90m.",
        ),
    ],
)
def test_plugin_update_refuses_bad_stores_configuration_and_saves_nothing(
    configuration, field, message, staff_api_client, permission_manage_plugins, channel_USD
):
    # when
    data = plugin_update(staff_api_client, permission_manage_plugins, channel_USD, configuration)

    # then
    assert data["plugin"] is None
    [error] = data["errors"]
    assert (error["field"], error["code"], error["message"]) == (
        to_camel_case(field),
        INVALID,
        message,
    )
    stored = PluginConfiguration.objects.get(identifier=PLUGIN_ID, channel=channel_USD)
    assert parse_configuration(stored.configuration) == DEFAULT_CONFIG
    assert "sk_live_secretvalue" not in str(data)
