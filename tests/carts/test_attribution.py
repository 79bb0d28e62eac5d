from decimal import Decimal

from saleor_crm_plugin.carts import attribution
from saleor_crm_plugin.carts.models import AbandonedCheckout, AbandonedStatus, ReminderStatus
from tests.fixtures.cart_offers import reminders_add
from tests.fixtures.orders import complete_checkout


def _complete_as_guest(api_client, checkout, address, checkout_delivery):
    return complete_checkout(
        api_client, checkout, address=address, delivery=checkout_delivery(checkout), user=None
    )


def test_order_after_a_reminder_recovers_its_checkout(
    recovery_channel,
    checkout_with_item,
    abandoned_from_checkout,
    api_client,
    address,
    checkout_delivery,
):
    # given
    abandoned = abandoned_from_checkout(
        checkout_with_item, email="guest@example.com", sent_stages=[1]
    )

    # when: checkoutComplete runs order_created, which attributes the order
    order = _complete_as_guest(api_client, checkout_with_item, address, checkout_delivery)

    # then
    abandoned.refresh_from_db()
    assert abandoned.status == AbandonedStatus.RECOVERED
    assert abandoned.order_id == order.pk
    assert abandoned.order_total_amount == order.total_gross_amount
    assert abandoned.discount_amount == Decimal(0)
    assert abandoned.closed_at is not None
    assert abandoned.next_stage_at is None


def test_order_before_any_sent_reminder_is_completed_not_recovered(
    recovery_channel,
    checkout_with_item,
    abandoned_from_checkout,
    api_client,
    address,
    checkout_delivery,
):
    # given: stage 1 was claimed but skipped, nothing was sent
    abandoned = abandoned_from_checkout(checkout_with_item, email="guest@example.com")
    reminders_add(abandoned, [1], status=ReminderStatus.SKIPPED)

    # when
    order = _complete_as_guest(api_client, checkout_with_item, address, checkout_delivery)

    # then
    abandoned.refresh_from_db()
    assert abandoned.status == AbandonedStatus.COMPLETED
    assert abandoned.order_id == order.pk
    assert abandoned.order_total_amount == order.total_gross_amount


def test_another_order_closes_the_shoppers_open_checkouts_in_the_channel(
    recovery_channel,
    channel_PLN,
    checkout_with_item,
    abandoned_row,
    customer_user,
    api_client,
    address,
    checkout_delivery,
):
    # given: the guest's other carts, one known by their account only
    by_email = abandoned_row(recovery_channel, email="guest@example.com", sent_stages=[1])
    by_account = abandoned_row(recovery_channel, email="old@example.com", user=customer_user)
    closed = abandoned_row(
        recovery_channel, email="guest@example.com", status=AbandonedStatus.SUPPRESSED
    )
    other_channel = abandoned_row(channel_PLN, email="guest@example.com")
    someone_else = abandoned_row(recovery_channel, email="else@example.com")
    checkout_with_item.user = customer_user
    checkout_with_item.save(update_fields=["user"])

    # when: checkoutComplete of a checkout never detected as abandoned
    order = complete_checkout(
        api_client,
        checkout_with_item,
        address=address,
        delivery=checkout_delivery(checkout_with_item),
        user=customer_user,
    )

    # then
    statuses = dict(AbandonedCheckout.objects.values_list("pk", "status"))
    assert statuses == {
        by_email.pk: AbandonedStatus.OPEN,  # customer_user's e-mail is not guest's
        by_account.pk: AbandonedStatus.PURCHASED_ELSEWHERE,
        closed.pk: AbandonedStatus.SUPPRESSED,
        other_channel.pk: AbandonedStatus.OPEN,
        someone_else.pk: AbandonedStatus.OPEN,
    }
    assert AbandonedCheckout.objects.filter(order_id=order.pk).count() == 0


def test_guest_order_closes_their_open_checkouts_by_email(
    recovery_channel, checkout_with_item, abandoned_row, api_client, address, checkout_delivery
):
    # given
    other = abandoned_row(recovery_channel, email="guest@example.com", sent_stages=[1, 2])

    # when
    _complete_as_guest(api_client, checkout_with_item, address, checkout_delivery)

    # then
    other.refresh_from_db()
    assert other.status == AbandonedStatus.PURCHASED_ELSEWHERE
    assert other.order_id is None
    assert other.closed_at is not None


def test_attributing_again_changes_nothing(
    recovery_channel,
    checkout_with_item,
    abandoned_from_checkout,
    abandoned_row,
    api_client,
    address,
    checkout_delivery,
):
    # given
    abandoned = abandoned_from_checkout(
        checkout_with_item, email="guest@example.com", sent_stages=[1]
    )
    order = _complete_as_guest(api_client, checkout_with_item, address, checkout_delivery)
    before = list(AbandonedCheckout.objects.order_by("pk").values())
    later = abandoned_row(recovery_channel, email="guest@example.com")  # detected after

    # when
    again = attribution.abandoned_checkout_attribute(order_id=str(order.pk))

    # then
    assert again is None
    assert list(AbandonedCheckout.objects.exclude(pk=later.pk).order_by("pk").values()) == before
    later.refresh_from_db()
    assert later.status == AbandonedStatus.OPEN
    abandoned.refresh_from_db()
    assert abandoned.status == AbandonedStatus.RECOVERED


def test_unknown_order_is_ignored(recovery_channel, abandoned_row):
    # given
    abandoned = abandoned_row(recovery_channel)

    # when
    result = attribution.abandoned_checkout_attribute(
        order_id="00000000-0000-0000-0000-000000000000"
    )

    # then
    assert result is None
    abandoned.refresh_from_db()
    assert abandoned.status == AbandonedStatus.OPEN
