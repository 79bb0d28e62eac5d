"""Saleor's own test settings with the CRM plugin enabled."""

from saleor.tests.settings import *  # noqa: F403

PLUGINS = ["saleor_crm_plugin.plugin.CRMPlugin"]

# Installed through its `saleor.plugins` entry point in a deployment; named here too so
# that the tests also run from a source checkout that is only on PYTHONPATH.
if "saleor_crm_plugin" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS.append("saleor_crm_plugin")  # noqa: F405
