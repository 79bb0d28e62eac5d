"""The CRM plugin as Saleor's tests meet it: active by default in every channel, counted.

``HarnessCRMPlugin`` is ``CRMPlugin`` with ``DEFAULT_ACTIVE = True`` and a programme that
earns points at once (no pending period) and gives a sign-up bonus; every hook it
inherits counts its calls in ``HOOK_CALLS`` before running unchanged. Each channel a test
creates also gets that configuration stored, active (``channel_configure``), so that the
CRM's tasks, which read the stored configuration, see the programme on too.
"""

import collections
import functools
import inspect
import os

from saleor.plugins.base_plugin import BasePlugin
from saleor.plugins.models import PluginConfiguration

from saleor_crm_plugin.config import DEFAULT_CONFIGURATION, PLUGIN_ID
from saleor_crm_plugin.loyalty.accounts import program_start_record
from saleor_crm_plugin.plugin import CRMPlugin

HARNESS_PATH = "tests_saleor.harness.HarnessCRMPlugin"
CRM_PATHS = {HARNESS_PATH, "saleor_crm_plugin.plugin.CRMPlugin"}

HARNESS_VALUES = {"pending_period": "0", "signup_bonus": "50", "tiers": "Silver | 100 | 1.5"}
HARNESS_CONFIGURATION = [
    {**item, "value": HARNESS_VALUES.get(item["name"], item["value"])}
    for item in DEFAULT_CONFIGURATION
]

# hook name -> calls, in this process
HOOK_CALLS: collections.Counter = collections.Counter()

# The CRM's hooks: the methods of CRMPlugin that Saleor's BasePlugin declares (as
# annotations: `order_created: Callable[...]`).
HOOKS = sorted(
    name
    for name, value in vars(CRMPlugin).items()
    if inspect.isfunction(value) and name in BasePlugin.__annotations__
)


def _counted(name):
    hook = getattr(CRMPlugin, name)

    @functools.wraps(hook)
    def counted_hook(self, *args, **kwargs):
        HOOK_CALLS[name] += 1
        return hook(self, *args, **kwargs)

    return counted_hook


HarnessCRMPlugin = type(
    "HarnessCRMPlugin",
    (CRMPlugin,),
    {
        "__module__": __name__,
        "__doc__": "CRMPlugin, active by default, each hook call counted.",
        "DEFAULT_ACTIVE": True,
        "DEFAULT_CONFIGURATION": HARNESS_CONFIGURATION,
        **{name: _counted(name) for name in HOOKS},
    },
)


class NoopPlugin(BasePlugin):
    """A harmless extra plugin, active in every channel, with no hook: with it instead of
    the CRM (CRM_SUITES_NOOP=1), a Saleor test that still fails cannot pass with any extra
    plugin (deselected.py)."""

    PLUGIN_ID = "tests.noop"
    PLUGIN_NAME = "No-op"
    CONFIGURATION_PER_CHANNEL = True
    DEFAULT_ACTIVE = True


NOOP_PATH = "tests_saleor.harness.NoopPlugin"


def extra_plugin_path() -> str:
    return NOOP_PATH if os.environ.get("CRM_SUITES_NOOP") else HARNESS_PATH


def with_crm(plugins) -> list[str]:
    """Saleor's plugin paths with the harness CRM added (or put in the real one's place)."""
    extra = extra_plugin_path()
    return [path for path in plugins if path not in CRM_PATHS | {extra}] + [extra]


def channel_configure(sender, instance, created, raw=False, **kwargs):
    """Channel post_save receiver: a new channel gets the CRM programme, active."""
    if not created or raw or extra_plugin_path() != HARNESS_PATH:
        return
    PluginConfiguration.objects.update_or_create(
        identifier=PLUGIN_ID,
        channel=instance,
        defaults={"active": True, "configuration": HARNESS_CONFIGURATION, "name": PLUGIN_ID},
    )
    program_start_record(channel_id=instance.pk)
