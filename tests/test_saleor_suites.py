"""Saleor's own suites with the CRM active (tests_saleor/): the harness and its runner."""

import os
import pathlib
import subprocess

import pytest
from django.core.management import call_command

from tests_saleor import harness
from tests_saleor.__main__ import MODULES, saleor_source, saleor_test_sources
from tests_saleor.database import saleor_suites_url

REPO = pathlib.Path(__file__).resolve().parent.parent


def run_saleor_suites(*args, **env):
    return subprocess.run(
        ["bash", str(REPO / "scripts" / "test_saleor"), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_saleor_test_sources_names_what_a_wheel_lacks(tmp_path):
    # given: a Saleor installed from a wheel: the package, no tests, no root conftest.py
    (tmp_path / "saleor" / "checkout").mkdir(parents=True)

    # when
    missing = saleor_test_sources(tmp_path, ["saleor/checkout/tests"])

    # then
    assert missing == ["conftest.py", "saleor/checkout/tests"]


def test_installed_saleor_holds_every_module_the_ci_runs():
    # then: this environment's Saleor is a source checkout with its tests
    assert saleor_test_sources(saleor_source(), MODULES) == []


def test_saleor_suites_url_names_the_copy_of_our_test_database():
    # given: our database's URL, with a port and options
    url = "postgres://postgres@127.0.0.1:5432/saleor_crm?sslmode=disable"

    # when
    copy_url = saleor_suites_url(url)

    # then: Django's test database for it is test_saleor_crm_saleor, the copy
    assert copy_url == "postgres://postgres@127.0.0.1:5432/saleor_crm_saleor?sslmode=disable"


def test_without_saleor_tests_the_script_says_so_and_succeeds(tmp_path):
    # when
    result = run_saleor_suites(SALEOR_TESTS_SOURCE=str(tmp_path / "missing"))

    # then
    assert result.returncode == 0, result.stderr
    assert "Saleor's own tests are not in this Saleor environment" in result.stdout
    assert "no conftest.py, saleor/account/tests, saleor/giftcard/tests" in result.stdout
    assert "Skipping Saleor's suites with the CRM active." in result.stdout


# Saleor's run shares this test database: it would wait for rows this test's transaction
# holds, or collide with committed ones (Saleor's autouse fixtures write the same), so
# this test commits at once and empties the database before it.
@pytest.mark.django_db(transaction=True)
def test_a_run_in_which_no_crm_hook_ran_fails():
    # given: a Saleor test that calls no plugin hook
    test = "saleor/account/tests/test_account.py::test_address_form_postal_code_validation"
    call_command("flush", verbosity=0, interactive=False)

    # when
    result = run_saleor_suites(test, "-q", "-p", "no:warnings")

    # then
    assert "1 passed" in result.stdout, result.stdout[-4000:]
    assert "none: the CRM plugin was not active (this run fails)" in result.stdout
    assert result.returncode == 1


def test_every_plugins_manager_gets_the_harness_crm_once():
    # given: a test's own PLUGINS, with or without our real plugin
    saleor_plugin = "saleor.plugins.webhook.plugin.WebhookPlugin"

    # then
    assert harness.with_crm([saleor_plugin]) == [saleor_plugin, harness.HARNESS_PATH]
    assert harness.with_crm(["saleor_crm_plugin.plugin.CRMPlugin"]) == [harness.HARNESS_PATH]
    assert harness.with_crm([harness.HARNESS_PATH]) == [harness.HARNESS_PATH]


def test_the_harness_plugin_counts_every_crm_hook_and_is_active_by_default():
    # then
    assert harness.HarnessCRMPlugin.DEFAULT_ACTIVE is True
    assert {"order_created", "order_fully_paid", "preprocess_order_creation"} <= set(harness.HOOKS)
    assert all(getattr(harness.HarnessCRMPlugin, name).__wrapped__ for name in harness.HOOKS)
