"""The hostile shopper's suite: shared fixtures."""

import pytest

from tests.graphql.loyalty.checkout_utils import customer_checkout
from tests.hostile.points import prepare_delivery


@pytest.fixture
def shopper_checkout(crm_usd, checkout_with_item, customer_user, address, checkout_delivery):
    """customer_user's checkout (3 x 10.00 + 10.00 shipping), 1000 points (10.00)."""
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    prepare_delivery(checkout, address=address, delivery=checkout_delivery(checkout))
    return checkout
