"""Customers who spent (the requesters come from ``tests/graphql/conftest.py``)."""

import pytest


@pytest.fixture
def spenders(customer_users, channel_USD, crm_order, order_payments):
    """Paid orders in channel_USD: 123.00, 73.80 (two orders) and 12.30 gross.

    customer_user spends the most in one order, customer_user2 in two, customer_user3
    the least; each order is charged in full by a payment app.
    """
    first, second, third = customer_users
    for customer, lines in [
        (first, [("100.00", 1)]),
        (second, [("10.00", 1), ("20.00", 1)]),
        (second, [("30.00", 1)]),
        (third, [("10.00", 1)]),
    ]:
        order = crm_order(channel_USD, lines, user=customer)
        order_payments.charge(order, psp=f"charge-{order.pk}")
    return customer_users
