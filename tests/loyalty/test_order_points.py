"""Earning through Saleor's real checkout completion and order events."""

from saleor_crm_plugin.loyalty.models import EntryStatus, EntryType, LoyaltyAccount, LoyaltyEntry


def test_checkout_completion_paid_in_full_earns_points(paid_order, crm_usd, customer_user):
    # when
    order = paid_order()

    # then: order_fully_paid ran our hook, which ran the task (Celery is eager in tests)
    entry = LoyaltyEntry.objects.get(order_id=order.pk)
    expected_points = int(order.total_net_amount - order.shipping_price_net_amount)
    assert entry.type == EntryType.EARN
    assert entry.status == EntryStatus.AVAILABLE
    assert entry.points == expected_points
    account = LoyaltyAccount.objects.get(user=customer_user, channel=crm_usd)
    assert account.balance == expected_points


def test_inactive_channel_earns_nothing(paid_order, channel_USD):
    # when
    order = paid_order()

    # then
    assert not LoyaltyEntry.objects.filter(order_id=order.pk).exists()
