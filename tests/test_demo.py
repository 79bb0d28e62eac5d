"""The demo command's pieces: settings, database stamp, sample data, programme."""

import os
import pathlib
import subprocess
import sys
from decimal import Decimal

from django.conf import settings
from saleor.account.models import User
from saleor.plugins.models import PluginConfiguration
from saleor.product.models import Product

from demo.prepare import DEMO_PROGRAMME, activate_crm, orders_link_to_customers, populate_once
from saleor_crm_plugin.config import PLUGIN_ID, TierRule, parse_configuration
from tests.fixtures.plugin import configure_crm

REPO = pathlib.Path(__file__).resolve().parent.parent


def run_python(*args, **env):
    return subprocess.run(
        [sys.executable, *args],
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_demo_script_without_saleor_environment_fails_fast_naming_the_fix(tmp_path):
    # when
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "demo")],
        env={**os.environ, "SALEOR_VENV": str(tmp_path / "missing"), "SALEOR_PYTHON": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )

    # then
    assert result.returncode == 3
    assert f"Saleor 3.23 is not importable from {tmp_path}/missing/bin/python" in result.stderr
    assert not (tmp_path / "missing").exists()


def test_demo_settings_enable_plugin_once_on_top_of_saleor_settings(tmp_path):
    # when
    result = run_python(
        "-c",
        "import demo.settings as s; "
        "print(s.INSTALLED_APPS.count('saleor_crm_plugin'), "
        "s.PLUGINS.count('saleor_crm_plugin.plugin.CRMPlugin'), "
        "s.PLUGINS[0], s.MEDIA_ROOT)",
        DEMO_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="demo.settings",
    )

    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "1",
        "1",
        "saleor.plugins.avatax.plugin.DeprecatedAvataxPlugin",
        f"{tmp_path}/media",
    ]


def test_database_stamp_is_ready_only_after_stamp_for_the_same_database(tmp_path):
    # given
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = {"DATABASE_URL": url, "DEMO_DIR": str(tmp_path)}

    # when
    before = run_python("-m", "demo.database", "check", **env)
    stamped = run_python("-m", "demo.database", "stamp", **env)
    after = run_python("-m", "demo.database", "check", **env)
    stamp = tmp_path / f"prepared-{database['NAME']}"
    oid, fingerprint = stamp.read_text().split()
    stamp.write_text(f"{int(oid) + 1} {fingerprint}\n")
    other_database = run_python("-m", "demo.database", "check", **env)

    # then
    assert (before.returncode, stamped.returncode, after.returncode) == (0, 0, 0)
    assert before.stdout == "prepare\n"
    assert after.stdout == "ready\n"
    assert other_database.stdout == "prepare\n"


def test_populate_once_skips_a_database_that_has_products(product):
    # given
    products, users = Product.objects.count(), User.objects.count()

    # when
    populated = populate_once(images=False)

    # then
    assert populated is False
    assert (Product.objects.count(), User.objects.count()) == (products, users)


def test_activate_crm_configures_demo_programme_the_first_time(channel_USD):
    # when
    outcome = activate_crm(channel_USD.slug)

    # then
    stored = PluginConfiguration.objects.get(identifier=PLUGIN_ID, channel=channel_USD)
    config = parse_configuration(stored.configuration)
    assert outcome == "configured the demo programme"
    assert stored.active is True
    stored_values = {item["name"]: item["value"] for item in stored.configuration}
    assert {name: stored_values[name] for name in DEMO_PROGRAMME} == DEMO_PROGRAMME
    assert (
        config.loyalty.earn_points,
        str(config.loyalty.earn_amount),
        config.loyalty.pending_seconds,
    ) == (1, "1.00", 0)
    assert config.loyalty.tiers == (
        TierRule(name="Silver", threshold=Decimal(200), multiplier=Decimal("1.25")),
        TierRule(name="Gold", threshold=Decimal(1000), multiplier=Decimal("1.5")),
    )


def test_activate_crm_keeps_a_configuration_staff_changed_and_activates_it(channel_USD):
    # given: staff configured the channel and switched the programme off
    configure_crm(channel_USD, active=False, earn_points="5", pending_period="7d")

    # when
    outcome = activate_crm(channel_USD.slug)

    # then
    stored = PluginConfiguration.objects.get(identifier=PLUGIN_ID, channel=channel_USD)
    config = parse_configuration(stored.configuration)
    assert outcome == "kept the existing configuration"
    assert stored.active is True
    assert (config.loyalty.earn_points, config.loyalty.pending_seconds, config.loyalty.tiers) == (
        5,
        7 * 86400,
        (),
    )
    assert PluginConfiguration.objects.filter(identifier=PLUGIN_ID).count() == 1


def test_orders_link_to_customers_links_confirmed_guest_orders_by_email(
    order_generator, customer_user, staff_user
):
    # given: sample orders carry a customer's e-mail but no account
    mine = order_generator(user=None, user_email=customer_user.email)
    stranger = order_generator(user=None, user_email="stranger@example.com")

    # when
    linked = orders_link_to_customers()

    # then
    mine.refresh_from_db()
    stranger.refresh_from_db()
    assert linked == 1
    assert (mine.user_id, stranger.user_id) == (customer_user.pk, None)
