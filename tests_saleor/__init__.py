"""Saleor's own test suites, run with the CRM plugin installed and active in every channel.

Not part of our suite (pyproject's ``testpaths`` is ``tests``): ``scripts/test`` runs it
after our suite through ``python -m tests_saleor`` (docs/reliability.md, "Saleor's own
test suites with the CRM active").
"""
