"""Saleor's own settings, with the CRM plugin enabled from a source checkout.

A deployment installs the package, and Saleor then finds the plugin through its
``saleor.plugins`` entry point. ``scripts/demo`` runs from a fresh clone that is only on
``PYTHONPATH``, so the app and the plugin are named here too (no-ops when the entry
point already added them). Uploaded media go under ``.demo/`` in the repository, never
into the Saleor installation.
"""

import os

from saleor.settings import *  # noqa: F403

PLUGIN_APP = "saleor_crm_plugin"
PLUGIN_PATH = "saleor_crm_plugin.plugin.CRMPlugin"

if PLUGIN_APP not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS.append(PLUGIN_APP)  # noqa: F405
if PLUGIN_PATH not in PLUGINS:  # noqa: F405
    PLUGINS.append(PLUGIN_PATH)  # noqa: F405

DEMO_DIR = os.environ.get(
    "DEMO_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), ".demo")
)
MEDIA_ROOT = os.path.join(DEMO_DIR, "media")
