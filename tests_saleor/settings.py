"""Saleor's own test settings, with the CRM's app installed so its tables exist.

``PLUGINS`` stays Saleor's (empty): ``tests_saleor.pytest_plugin`` adds the CRM to every
plugins manager, whatever a test sets. The database is our suite's test database (the
name derives from ``DATABASE_URL``), reused as it is.
"""

from saleor.tests.settings import *  # noqa: F403

if "saleor_crm_plugin" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS.append("saleor_crm_plugin")  # noqa: F405
