"""Settings of section 7's Saleor servers (``bench.http_load``): the demo's, and with
``BENCH_HTTP_CRM=off`` the CRM plugin left out of ``PLUGINS`` (Saleor as it ships; its
app stays installed, so the database and the schema are the same for both servers)."""

import os

from demo.settings import *  # noqa: F403
from demo.settings import PLUGIN_PATH

if os.environ.get("BENCH_HTTP_CRM") == "off":
    PLUGINS = [path for path in PLUGINS if path != PLUGIN_PATH]  # noqa: F405
