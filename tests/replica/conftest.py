"""The replica tests: every test on the dedicated primary and its standby.

Saleor's autouse fixtures that write rows (site settings, the default customer type
and tax class) are redefined here to run after ``replica_databases`` has pointed the
aliases at the clusters, so their rows land on the primary the test uses.
"""

import pytest


@pytest.fixture(autouse=True)
def site_settings(replica_databases, site_settings):
    # Saleor reads the site from the replica in every request, mutations too: a shop's
    # site exists long before any request, so here it is replayed before the test runs.
    replica_databases.caught_up()
    return site_settings


@pytest.fixture(autouse=True)
def default_customer_type(replica_databases, default_customer_type):
    return default_customer_type


@pytest.fixture(autouse=True)
def default_tax_class(replica_databases, default_tax_class):
    return default_tax_class


@pytest.fixture
def crm_staff(
    staff_api_client, permission_manage_users, permission_manage_checkouts, permission_manage_orders
):
    """A staff member who may read every CRM list and report."""
    staff_api_client.user.user_permissions.add(
        permission_manage_users, permission_manage_checkouts, permission_manage_orders
    )
    return staff_api_client
