"""The order widget in a real browser: the order's points as the ledger holds them."""

import graphene
import pytest
from playwright.sync_api import expect

from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyEntry

# Saleor serves the page from another thread: the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_see_the_points_an_order_earned(crm_dashboard, crm_staff, crm_shop):
    # given: the plugin's own hooks earned points when the order was paid
    order = crm_shop.big_order
    earned = LoyaltyEntry.objects.get(order_id=order.pk, type=EntryType.EARN).points
    order_id = graphene.Node.to_global_id("Order", order.pk)

    # when
    widget = crm_dashboard.open_widget("order_details_widgets", crm_staff, orderId=order_id)

    # then
    expect(widget.get_by_test_id("order-earned")).to_contain_text(f"{earned:,}")
    expect(widget.get_by_test_id("error")).to_have_count(0)
    crm_dashboard.screenshot("order-widget")
