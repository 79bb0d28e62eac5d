"""Saleor tests that cannot pass with any extra plugin, by node id, each with its reason.

Each was checked to fail the same way with a no-op extra plugin (``NoopPlugin`` in
docs/reliability.md): it is the test's nature, not the CRM.
"""

DESELECTED: dict[str, str] = {}
