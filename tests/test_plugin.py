"""The plugin as Saleor sees it: discovery, manager, Plugins API, configuration."""

import importlib.metadata
import pathlib
import subprocess
import sys
import tomllib
import zipfile

import graphene
import pytest
from graphene.utils.str_converters import to_camel_case
from saleor.graphql.tests.utils import get_graphql_content
from saleor.plugins.error_codes import PluginErrorCode
from saleor.plugins.manager import get_plugins_manager
from saleor.plugins.models import PluginConfiguration

from saleor_crm_plugin.config import DEFAULT_CONFIG, PLUGIN_ID, parse_configuration
from saleor_crm_plugin.loyalty.models import LoyaltyProgramStart
from saleor_crm_plugin.plugin import CRMPlugin

REPO = pathlib.Path(__file__).resolve().parent.parent


def test_entry_point_declared_in_pyproject_resolves_to_plugin():
    # given
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = project["entry-points"]["saleor.plugins"]
    ((name, value),) = declared.items()

    # when
    entry_point = importlib.metadata.EntryPoint(name=name, value=value, group="saleor.plugins")

    # then
    assert name == "saleor_crm_plugin"
    assert entry_point.load() is CRMPlugin


def test_built_wheel_registers_saleor_plugins_entry_point(tmp_path):
    # given: the distribution as pip would install it
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("saleor_crm_plugin-*.whl")
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)

    # when
    (distribution,) = importlib.metadata.distributions(path=[str(target)])
    entry_points = distribution.entry_points.select(group="saleor.plugins")

    # then
    assert distribution.metadata["Name"] == "saleor-crm-plugin"
    assert [(ep.name, ep.value) for ep in entry_points] == [
        ("saleor_crm_plugin", "saleor_crm_plugin.plugin:CRMPlugin")
    ]
    assert (target / "saleor_crm_plugin" / "migrations" / "0001_initial.py").exists()


def test_plugins_manager_loads_plugin_per_channel(crm_usd, channel_PLN):
    # when
    manager = get_plugins_manager(allow_replica=False)

    # then
    usd_plugin = manager.get_plugin(PLUGIN_ID, channel_slug=crm_usd.slug)
    pln_plugin = manager.get_plugin(PLUGIN_ID, channel_slug=channel_PLN.slug)
    assert isinstance(usd_plugin, CRMPlugin)
    assert usd_plugin.active is True
    assert usd_plugin.channel == crm_usd
    assert isinstance(pln_plugin, CRMPlugin)
    assert pln_plugin.active is False


PLUGINS_QUERY = """
query($search: String) {
  plugins(first: 5, filter: {search: $search}) {
    edges { node {
      id name
      channelConfigurations {
        active channel { slug }
        configuration { name value type label helpText }
      }
    } }
  }
}
"""


def test_plugins_query_returns_plugin_with_configuration_fields(
    staff_api_client, permission_manage_plugins, crm_usd
):
    # when
    response = staff_api_client.post_graphql(
        PLUGINS_QUERY, {"search": "crm"}, permissions=[permission_manage_plugins]
    )

    # then
    edges = get_graphql_content(response)["data"]["plugins"]["edges"]
    assert len(edges) == 1
    plugin = edges[0]["node"]
    assert plugin["id"] == PLUGIN_ID
    assert plugin["name"] == CRMPlugin.PLUGIN_NAME
    usd = next(c for c in plugin["channelConfigurations"] if c["channel"]["slug"] == crm_usd.slug)
    assert usd["active"] is True
    fields = {item["name"]: item for item in usd["configuration"]}
    assert set(fields) == set(CRMPlugin.CONFIG_STRUCTURE)
    assert fields["earn_points"]["label"] == "Points earned"
    assert fields["tiers"]["type"] == "MULTILINE"
    assert fields["eligible_include_shipping"]["type"] == "BOOLEAN"


PLUGIN_UPDATE = """
mutation($id: ID!, $channelId: ID, $input: PluginUpdateInput!) {
  pluginUpdate(id: $id, channelId: $channelId, input: $input) {
    plugin { channelConfigurations { active channel { slug } configuration { name value } } }
    errors { field code message }
  }
}
"""


def test_plugin_update_activates_and_configures_one_channel(
    staff_api_client, permission_manage_plugins, channel_USD, channel_PLN
):
    # given
    variables = {
        "id": PLUGIN_ID,
        "channelId": graphene.Node.to_global_id("Channel", channel_USD.pk),
        "input": {
            "active": True,
            "configuration": [
                {"name": "earn_points", "value": "5"},
                {"name": "earn_amount", "value": "2.50"},
                {"name": "tiers", "value": "Silver | 500 | 1.25\nGold | 2000 | 1.5"},
            ],
        },
    }

    # when
    response = staff_api_client.post_graphql(
        PLUGIN_UPDATE, variables, permissions=[permission_manage_plugins]
    )

    # then
    data = get_graphql_content(response)["data"]["pluginUpdate"]
    assert data["errors"] == []
    stored = PluginConfiguration.objects.get(identifier=PLUGIN_ID, channel=channel_USD)
    assert stored.active is True
    config = parse_configuration(stored.configuration)
    assert config.loyalty.earn_points == 5
    assert str(config.loyalty.earn_amount) == "2.50"
    assert [tier.name for tier in config.loyalty.tiers] == ["Silver", "Gold"]
    assert not PluginConfiguration.objects.filter(
        identifier=PLUGIN_ID, channel=channel_PLN, active=True
    ).exists()
    # activating records when the programme started (sign-up bonus cut-off)
    assert LoyaltyProgramStart.objects.get(channel=channel_USD).started_at is not None
    assert not LoyaltyProgramStart.objects.filter(channel=channel_PLN).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("earn_points", "-5", "Points earned: must be between 0 and 1000000000000 (not -5)."),
        ("earn_amount", "0", "Per amount spent: must be greater than zero (not 0)."),
        (
            "earn_rounding",
            "banker",
            "Rounding of earned points: 'banker' is not one of: floor, half_up, ceil.",
        ),
        (
            "pending_period",
            "two weeks",
            "Pending period: 'two weeks' is not a duration; use e.g. 14d, 36h or 90m.",
        ),
        ("point_value", "abc", "Value of one point: 'abc' is not a number."),
        (
            "tiers",
            "Silver 500",
            "Tiers, line 1 (\"Silver 500\"): expected 'name | threshold | multiplier'.",
        ),
        (
            "tiers",
            "Gold | 900 | 2\nSilver | 500 | 1.5",
            'Tiers, line 2 ("Silver | 500 | 1.5"): the threshold must be above line 1\'s (900): '
            "list tiers from the lowest.",
        ),
    ],
)
def test_plugin_update_rejects_bad_configuration_and_saves_nothing(
    field, value, message, staff_api_client, permission_manage_plugins, channel_USD
):
    # given
    variables = {
        "id": PLUGIN_ID,
        "channelId": graphene.Node.to_global_id("Channel", channel_USD.pk),
        "input": {"active": True, "configuration": [{"name": field, "value": value}]},
    }

    # when
    response = staff_api_client.post_graphql(
        PLUGIN_UPDATE, variables, permissions=[permission_manage_plugins]
    )

    # then
    data = get_graphql_content(response)["data"]["pluginUpdate"]
    assert data["plugin"] is None
    assert data["errors"] == [
        {"field": to_camel_case(field), "code": PluginErrorCode.INVALID.name, "message": message}
    ]
    # Saleor stores the plugin's defaults when it loads it; the bad value is not there
    stored = PluginConfiguration.objects.get(identifier=PLUGIN_ID, channel=channel_USD)
    assert stored.active is False
    assert parse_configuration(stored.configuration) == DEFAULT_CONFIG


def test_plugin_update_returns_every_problem_at_once_each_naming_its_field(
    staff_api_client, permission_manage_plugins, channel_USD
):
    # given: five fields wrong at once, as a shop owner would send them from the Plugins
    # page (where the Dashboard shows only the messages, in a toast)
    variables = {
        "id": PLUGIN_ID,
        "channelId": graphene.Node.to_global_id("Channel", channel_USD.pk),
        "input": {
            "active": True,
            "configuration": [
                {"name": "earn_amount", "value": "0"},
                {"name": "tiers", "value": "Silver | 500 | 1.25\nGold | 5000 | x"},
                {"name": "cart_recovery_enabled", "value": "true"},
                {"name": "cart_reminder_subject", "value": "Back to {{checkout_ur}}"},
                {"name": "cart_offer_template", "value": "{{#if offer}}<b>{{offer.code}}</b>"},
                {"name": "smtp_use_tls", "value": "true"},
                {"name": "smtp_use_ssl", "value": "true"},
            ],
        },
    }

    # when
    response = staff_api_client.post_graphql(
        PLUGIN_UPDATE, variables, permissions=[permission_manage_plugins]
    )

    # then
    data = get_graphql_content(response)["data"]["pluginUpdate"]
    assert data["plugin"] is None
    invalid, required = PluginErrorCode.INVALID.name, PluginErrorCode.REQUIRED.name
    subject = data["errors"][4]
    assert subject["message"].startswith(
        "Reminder subject: {{checkout_ur}} is not a variable (did you mean {{checkout.url}}?); "
        "the variables are: event, reminder_id, stage, kind, "
    )
    assert "customer.(user_id, email, first_name, last_name)" in subject["message"]
    assert [(error["field"], error["code"], error["message"]) for error in data["errors"]] == [
        ("earnAmount", invalid, "Per amount spent: must be greater than zero (not 0)."),
        ("tiers", invalid, "Tiers, line 2 (\"Gold | 5000 | x\"): 'x' is not a number."),
        (
            "storefrontCheckoutUrl",
            required,
            "Storefront checkout URL: required when 'Cart recovery' is on.",
        ),
        (
            "storefrontUnsubscribeUrl",
            required,
            "Storefront unsubscribe URL: required when 'Cart recovery' is on.",
        ),
        ("cartReminderSubject", invalid, subject["message"]),
        ("cartOfferTemplate", invalid, "Offer template: {{#if}} is not closed."),
        (
            "smtpUseSsl",
            invalid,
            "Use SSL: 'Use TLS' and 'Use SSL' are mutually exclusive; tick one.",
        ),
    ]
    stored = PluginConfiguration.objects.get(identifier=PLUGIN_ID, channel=channel_USD)
    assert stored.active is False
    assert parse_configuration(stored.configuration) == DEFAULT_CONFIG


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("<p>{{#if offer}}{{offer.code}}</p>", "Offer template: {{#if}} is not closed."),
        (
            "{{#each checkout.lines}}{{#if sku}}{{sku}}{{/each}}{{/if}}",
            "Offer template: {{/each}} closes {{#if}}.",
        ),
        ("<a href='{{unsubscribe_url}'>", "Offer template: a '{{' is not closed with '}}'."),
        (
            "{{price checkout.total_gross_amount}}",
            "Offer template: cannot be rendered with sample data: price() missing 2 required "
            "positional arguments: 'gross_amount' and 'currency'.",
        ),
        (
            "{{#each checkout.lines}}{{product_nam}}{{/each}}",
            "Offer template: {{product_nam}} in {{#each checkout.lines}} is not a variable "
            "(did you mean {{product_name}}?); the variables are: id, product_name, variant_name, "
            "sku, quantity, unit_price_net_amount, unit_price_gross_amount, total_net_amount, "
            "total_gross_amount.",
        ),
        (
            "{{offer.cod}}",
            "Offer template: {{offer.cod}} is not a variable (did you mean {{offer.code}}?); the "
            "variables are: offer.code, offer.discount_type, offer.value, offer.scope, "
            "offer.ends_at, offer.description.",
        ),
    ],
)
def test_plugin_update_refuses_a_template_that_would_not_render_and_saves_nothing(
    template, message, staff_api_client, permission_manage_plugins, channel_USD
):
    # given
    variables = {
        "id": PLUGIN_ID,
        "channelId": graphene.Node.to_global_id("Channel", channel_USD.pk),
        "input": {
            "active": True,
            "configuration": [{"name": "cart_offer_template", "value": template}],
        },
    }

    # when
    response = staff_api_client.post_graphql(
        PLUGIN_UPDATE, variables, permissions=[permission_manage_plugins]
    )

    # then
    data = get_graphql_content(response)["data"]["pluginUpdate"]
    assert data["plugin"] is None
    assert data["errors"] == [
        {"field": "cartOfferTemplate", "code": PluginErrorCode.INVALID.name, "message": message}
    ]
    stored = PluginConfiguration.objects.get(identifier=PLUGIN_ID, channel=channel_USD)
    assert stored.active is False
    assert parse_configuration(stored.configuration) == DEFAULT_CONFIG
