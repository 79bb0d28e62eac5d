import pytest

from tests.fixtures.plugin import configure_crm

from .stripe_events import LOCATION, SECRET


@pytest.fixture
def crm_stripe(channel_USD, warehouse):
    """channel_USD's programme active with a Stripe signing secret; Terminal location
    LOCATION is in ``warehouse`` (slug example-warehouse)."""
    configure_crm(
        channel_USD,
        pending_period="0",
        stripe_webhook_secrets=SECRET,
        stripe_terminal_locations=f"{LOCATION} | {warehouse.slug}",
    )
    return channel_USD
