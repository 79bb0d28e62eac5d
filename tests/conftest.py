"""Test harness: Saleor's test settings and fixtures, real PostgreSQL, our plugin on.

Saleor's distribution ships its fixture modules but not its root conftest.py; this is
the part of it we need (docs/architecture.md, "Tests").
"""

import django.test
import pytest
from django.conf import settings
from saleor.tests.utils import prepare_test_db_connections

from saleor_crm_plugin.loyalty.audit import ledger_audit, redemption_audit

TEST_DATABASES = {
    settings.DATABASE_CONNECTION_DEFAULT_NAME,
    settings.DATABASE_CONNECTION_REPLICA_NAME,
}
django.test.TransactionTestCase.databases = TEST_DATABASES
django.test.TestCase.databases = TEST_DATABASES

prepare_test_db_connections()

pytest_plugins = [
    "saleor.tests.fixtures",
    "saleor.app.tests.fixtures",
    "saleor.plugins.tests.fixtures",
    "saleor.graphql.tests.fixtures",
    "saleor.webhook.tests.fixtures",
    "saleor.tax.tests.fixtures",
    "saleor.channel.tests.fixtures",
    "saleor.page.tests.fixtures",
    "saleor.menu.tests.fixtures",
    "saleor.warehouse.tests.fixtures",
    "saleor.thumbnail.tests.fixtures",
    "saleor.order.tests.fixtures",
    "saleor.product.tests.fixtures",
    "saleor.site.tests.fixtures",
    "saleor.shipping.tests.fixtures",
    "saleor.permission.tests.fixtures",
    "saleor.giftcard.tests.fixtures",
    "saleor.discount.tests.fixtures",
    "saleor.checkout.tests.fixtures",
    "saleor.attribute.tests.fixtures",
    "saleor.account.tests.fixtures",
    "saleor.graphql.account.tests.fixtures",
    "saleor.payment.tests.fixtures",
    "saleor.webhook.tests.circuit_breaker.fixtures",
    "tests.fixtures",
]


@pytest.fixture(autouse=True)
def _crm_plugin_enabled(settings):
    """Every test runs with the CRM plugin in Saleor's PLUGINS (fixtures may reset it)."""
    settings.PLUGINS = ["saleor_crm_plugin.plugin.CRMPlugin"]


_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def _crm_loyalty_audit_after_test(request):
    """After every test that used the database, ``crm_loyalty_audit`` finds nothing.

    Whatever a test did through Saleor and the CRM, every account equals its entries
    and every redemption spent the points its gift card paid. A test that corrupts
    the ledger on purpose opts out with ``@pytest.mark.crm_audit_skip``.
    """
    uses_database = request.node.get_closest_marker("django_db") or (
        _DATABASE_FIXTURES & set(request.fixturenames)
    )
    if not uses_database or request.node.get_closest_marker("crm_audit_skip"):
        yield
        return
    # Set the database up before this fixture, so it is torn down after the check.
    request.getfixturevalue("_django_db_helper")
    yield
    _checked, accounts = ledger_audit()
    _checked, redemptions = redemption_audit()
    assert [(audit.account_id, audit.problems) for audit in accounts] == []
    assert [mismatch.problem for mismatch in redemptions] == []
