import dataclasses
from decimal import Decimal

import pytest
from saleor.account.models import Group, User
from saleor.channel.models import Channel
from saleor.order.models import Order

from saleor_crm_plugin.carts.models import AbandonedStatus
from saleor_crm_plugin.segments.rfm import rfm_compute
from tests.fixtures.plugin import configure_crm


@pytest.fixture
def crm_staff(
    staff_user,
    permission_manage_users,
    permission_manage_orders,
    permission_manage_checkouts,
    permission_manage_plugins,
):
    """A staff user holding every permission the CRM app asks for."""
    group = Group.objects.create(name="CRM staff", restricted_access_to_channels=False)
    group.permissions.add(
        permission_manage_users,
        permission_manage_orders,
        permission_manage_checkouts,
        permission_manage_plugins,
    )
    group.user_set.add(staff_user)
    return staff_user


@pytest.fixture
def orders_only_staff(permission_manage_orders):
    """A staff user who manages orders but not customers."""
    user = User.objects.create(email="orders-desk@example.com", is_staff=True, is_active=True)
    group = Group.objects.create(name="Order desk", restricted_access_to_channels=False)
    group.permissions.add(permission_manage_orders)
    group.user_set.add(user)
    return user


@dataclasses.dataclass
class Shop:
    channel: Channel
    big_spender: User
    small_spender: User
    browser: User
    big_order: Order


@pytest.fixture
def crm_shop(crm_usd, crm_order, order_payments, customer_user, abandoned_row):
    """A small shop with CRM history, through Saleor's own paths where there is one.

    Two customers paid orders (points earned by the plugin's own hooks; the big
    spender reaches Silver), one only browsed; RFM is scored; one cart was abandoned and reminded, another recovered.
    """
    configure_crm(
        crm_usd,
        pending_period="0",
        tiers="Silver | 200 | 1.25\nGold | 1000 | 1.5",
        cart_recovery_enabled=True,
        storefront_checkout_url="https://shop.example.com/checkout/{token}",
        storefront_unsubscribe_url="https://shop.example.com/unsubscribe/{token}",
        cart_experiment="ten | 50 | percentage 10 items 7d\nholdout | 50 | none",
    )
    big_spender = User.objects.create(email="big.spender@example.com", first_name="Bea")
    browser = User.objects.create(email="just.looking@example.com", first_name="Jo")
    orders = {}
    for user, net_price in [(big_spender, 500), (customer_user, 100)]:
        orders[user.pk] = crm_order(crm_usd, [(net_price, 1)], user=user)
        order_payments.mark_as_paid(orders[user.pk])
    rfm_compute(channel_id=crm_usd.pk)
    abandoned_row(crm_usd, email=browser.email, user=browser, sent_stages=(1,), variant="holdout")
    abandoned_row(
        crm_usd,
        email=big_spender.email,
        user=big_spender,
        sent_stages=(1, 2),
        variant="ten",
        status=AbandonedStatus.RECOVERED,
        order_total=Decimal("80.00"),
        discount=Decimal("8.00"),
    )
    return Shop(crm_usd, big_spender, customer_user, browser, orders[big_spender.pk])
