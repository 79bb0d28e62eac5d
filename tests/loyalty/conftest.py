import pytest

from tests.graphql.loyalty.checkout_utils import apply_points, customer_checkout


@pytest.fixture
def points_order(user_api_client, crm_usd, checkout_with_item, customer_user, paid_order):
    """An order of customer_user paid with 500 of their 1000 points and money."""

    def create(points=500):
        checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
        assert apply_points(user_api_client, checkout, points)["errors"] == []
        return paid_order(checkout)

    return create
