"""Pytest plugin for Saleor's own tests with the CRM active (``-p tests_saleor.pytest_plugin``).

- Every ``PluginsManager`` a test builds (from ``settings.PLUGINS``, which many tests set,
  or from a list of its own) gets the CRM harness plugin added; every channel created gets
  the CRM programme stored, active.
- Tests that cannot pass with *any* extra plugin (``deselected.DESELECTED``) are
  deselected by node id, each with its reason.
- The terminal summary lists the CRM hooks that ran, per hook; a run in which none ran
  fails: the CRM was not on.

Saleor and Django are imported only once pytest-django has configured Django.
"""

import collections
import os

import pytest

from .deselected import DESELECTED

_calls: collections.Counter = collections.Counter()


def pytest_configure(config):
    from django.db.models.signals import post_save
    from saleor.channel.models import Channel
    from saleor.plugins.manager import PluginsManager

    from . import harness

    original_init = PluginsManager.__init__

    def init_with_crm(self, plugins, *args, **kwargs):
        original_init(self, harness.with_crm(plugins), *args, **kwargs)

    PluginsManager.__init__ = init_with_crm
    post_save.connect(harness.channel_configure, sender=Channel, weak=False)
    config.stash[_harness_key] = harness


_harness_key = pytest.StashKey()


def pytest_collection_modifyitems(config, items):
    kept, deselected = [], []
    for item in items:
        (deselected if item.nodeid in DESELECTED else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def _noop() -> bool:
    return bool(os.environ.get("CRM_SUITES_NOOP"))


def pytest_sessionfinish(session):
    calls = session.config.stash[_harness_key].HOOK_CALLS
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller adds the counts up
        workeroutput["crm_hook_calls"] = dict(calls)
        return
    _calls.update(calls)
    ran = session.exitstatus == pytest.ExitCode.OK and not session.config.option.collectonly
    if ran and not _calls and not _noop():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    _calls.update(node.workeroutput.get("crm_hook_calls", {}))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    write = terminalreporter.write_line
    terminalreporter.section("CRM hooks run by Saleor's tests")
    if _noop():
        write("none: a no-op plugin ran instead of the CRM (CRM_SUITES_NOOP is set)")
        return
    if not _calls:
        write("none: the CRM plugin was not active (this run fails)", red=True)
        return
    for name, count in sorted(_calls.items(), key=lambda item: (-item[1], item[0])):
        write(f"{count:8d}  {name}")
    write(f"{sum(_calls.values()):8d}  in all, {len(_calls)} hooks")
    reasons = collections.Counter(DESELECTED.values())
    write(f"{len(DESELECTED)} Saleor tests deselected ({len(reasons)} reasons), see deselected.py")
