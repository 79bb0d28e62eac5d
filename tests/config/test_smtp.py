"""The SMTP section through Saleor's pluginUpdate: parsed, or refused whole."""

import pytest
from graphene.utils.str_converters import to_camel_case
from saleor.plugins.email_common import DEFAULT_EMAIL_CONFIG_STRUCTURE
from saleor.plugins.error_codes import PluginErrorCode
from saleor.plugins.models import PluginConfiguration

from saleor_crm_plugin.config import (
    CONFIG_STRUCTURE,
    DEFAULT_CONFIG,
    PLUGIN_ID,
    SmtpConfig,
    parse_configuration,
)
from tests.fixtures.plugin import plugin_update

INVALID = PluginErrorCode.INVALID.name
REQUIRED = PluginErrorCode.REQUIRED.name


def test_default_is_no_smtp_server():
    # when
    smtp = DEFAULT_CONFIG.smtp

    # then
    assert smtp == SmtpConfig(
        host="",
        port=None,
        user="",
        password="",
        sender_name="",
        sender_address="",
        use_tls=False,
        use_ssl=False,
    )


def test_smtp_fields_are_labelled_as_in_saleors_email_plugins():
    # given
    saleor_names = {
        "smtp_host": "host",
        "smtp_port": "port",
        "smtp_user": "username",
        "smtp_sender_name": "sender_name",
        "smtp_use_tls": "use_tls",
        "smtp_use_ssl": "use_ssl",
    }

    # when
    ours = {name: CONFIG_STRUCTURE[name]["label"] for name in saleor_names}

    # then
    assert ours == {
        name: DEFAULT_EMAIL_CONFIG_STRUCTURE[saleor]["label"]
        for name, saleor in saleor_names.items()
    }
    assert ours["smtp_host"] == "SMTP host"


@pytest.mark.parametrize(
    ("configuration", "field", "code", "message"),
    [
        (
            [
                {"name": "smtp_host", "value": "smtp.example.com"},
                {"name": "smtp_sender_address", "value": "shop@example.com"},
            ],
            "smtp_port",
            REQUIRED,
            "SMTP port: required when 'SMTP host' is set.",
        ),
        (
            [
                {"name": "smtp_host", "value": "smtp.example.com"},
                {"name": "smtp_port", "value": "25"},
            ],
            "smtp_sender_address",
            REQUIRED,
            "Sender address: required when 'SMTP host' is set.",
        ),
        (
            [{"name": "smtp_use_tls", "value": True}, {"name": "smtp_use_ssl", "value": True}],
            "smtp_use_ssl",
            INVALID,
            "Use SSL: 'Use TLS' and 'Use SSL' are mutually exclusive; tick one.",
        ),
        (
            [{"name": "smtp_sender_address", "value": "shop.example.com"}],
            "smtp_sender_address",
            INVALID,
            "Sender address: 'shop.example.com' is not an e-mail address.",
        ),
    ],
)
def test_plugin_update_refuses_bad_smtp_configuration_and_saves_nothing(
    configuration, field, code, message, staff_api_client, permission_manage_plugins, channel_USD
):
    # when
    data = plugin_update(staff_api_client, permission_manage_plugins, channel_USD, configuration)

    # then
    assert data["plugin"] is None
    [error] = data["errors"]
    assert (error["field"], error["code"], error["message"]) == (
        to_camel_case(field),
        code,
        message,
    )
    stored = PluginConfiguration.objects.get(identifier=PLUGIN_ID, channel=channel_USD)
    assert stored.active is False
    assert parse_configuration(stored.configuration) == DEFAULT_CONFIG
