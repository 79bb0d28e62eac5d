"""Earning on paid orders: once, on the eligible amount, in whole earn units."""

from decimal import Decimal

import pytest
from saleor.checkout import calculations
from saleor.checkout.fetch import fetch_checkout_info, fetch_checkout_lines
from saleor.giftcard.const import GIFT_CARD_PAYMENT_GATEWAY_ID
from saleor.graphql.core.utils import to_global_id_or_none
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order import OrderChargeStatus, OrderStatus
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.config import parse_configuration
from saleor_crm_plugin.loyalty import rules
from saleor_crm_plugin.loyalty.orders import order_points_sync
from saleor_crm_plugin.loyalty.models import (
    EntryStatus,
    EntryType,
    LoyaltyAccount,
    LoyaltyEntry,
)
from saleor_crm_plugin.loyalty.tasks import sync_order_points_task
from tests.fixtures.loyalty import balance_of, ledger_problems
from tests.fixtures.orders import THREE_LINES, complete_checkout
from tests.fixtures.plugin import configure_crm


def _earn_entries(order):
    return list(
        LoyaltyEntry.objects.filter(order_id=order.pk, type=EntryType.EARN).values_list(
            "points", "status"
        )
    )


def test_checkout_completion_paid_in_full_earns_points(paid_order, crm_usd, customer_user):
    # when
    order = paid_order()

    # then: order_fully_paid ran our hook, which ran the task (Celery is eager in tests)
    expected_points = int(order.total_net_amount - order.shipping_price_net_amount)
    assert _earn_entries(order) == [(expected_points, EntryStatus.AVAILABLE)]
    assert balance_of(customer_user, crm_usd) == expected_points


def test_inactive_channel_earns_nothing(paid_order, channel_USD):
    # when
    order = paid_order()

    # then
    assert not LoyaltyEntry.objects.filter(order_id=order.pk).exists()
    assert not LoyaltyAccount.objects.exists()


def test_order_paid_twice_and_replayed_events_award_once(
    crm_usd,
    crm_order,
    order_payments,
    customer_user,
    django_capture_on_commit_callbacks,
):
    # given: net lines 60.00, shipping 5.00, 23 % tax
    order = crm_order(crm_usd, THREE_LINES, shipping=Decimal("5.00"))

    # when: the payment app charges the full amount twice (Saleor fires
    # order_fully_paid both times), the event is replayed and the task re-run
    order_payments.charge(order, psp="charge-1")
    order_payments.charge(order, psp="charge-2")
    manager = get_plugins_manager(allow_replica=False)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            manager.order_fully_paid(order)
            manager.order_paid(order)
        sync_order_points_task(str(order.pk))

    # then
    order.refresh_from_db()
    assert order.charge_status == OrderChargeStatus.OVERCHARGED
    assert _earn_entries(order) == [(60, EntryStatus.AVAILABLE)]
    assert LoyaltyEntry.objects.count() == 1
    assert balance_of(customer_user, crm_usd) == 60


def test_legacy_payment_flow_earns_once(
    crm_usd,
    crm_order,
    order_payments,
    customer_user,
    django_capture_on_commit_callbacks,
):
    # given
    order = crm_order(crm_usd, THREE_LINES)

    # when: staff mark it as paid (a manual Payment), then the event is replayed
    order_payments.mark_as_paid(order)
    with django_capture_on_commit_callbacks(execute=True):
        get_plugins_manager(allow_replica=False).order_fully_paid(order)

    # then
    order.refresh_from_db()
    assert order.payments.get().captured_amount == order.total_gross_amount
    assert _earn_entries(order) == [(60, EntryStatus.AVAILABLE)]
    assert balance_of(customer_user, crm_usd) == 60


def test_partly_paid_order_earns_nothing_until_paid_in_full(crm_usd, crm_order, order_payments):
    # given
    order = crm_order(crm_usd, THREE_LINES)

    # when
    order_payments.charge(order, Decimal("50.00"), psp="part-1")

    # then
    order.refresh_from_db()
    assert order.charge_status == OrderChargeStatus.PARTIAL
    assert _earn_entries(order) == []

    # when
    order_payments.charge(order, order.total_gross_amount - Decimal("50.00"), psp="part-2")

    # then
    assert _earn_entries(order) == [(60, EntryStatus.AVAILABLE)]


@pytest.mark.parametrize(
    ("settings_values", "expected_points"),
    [
        ({}, 60),  # net lines: shipping and tax excluded
        ({"eligible_include_tax": "true"}, 73),  # 60.00 * 1.23 = 73.80
        ({"eligible_include_shipping": "true"}, 65),
        (
            {"eligible_include_tax": "true", "eligible_include_shipping": "true"},
            79,
        ),  # 79.95
    ],
)
def test_eligible_amount_excludes_shipping_and_tax_unless_configured(
    channel_USD, crm_order, order_payments, settings_values, expected_points
):
    # given
    configure_crm(channel_USD, pending_period="0", **settings_values)
    order = crm_order(channel_USD, THREE_LINES, shipping=Decimal("5.00"))

    # when
    order_payments.charge(order)

    # then
    assert _earn_entries(order) == [(expected_points, EntryStatus.AVAILABLE)]


def test_part_paid_with_a_gift_card_earns_nothing(
    crm_usd,
    user_api_client,
    checkout_with_item,
    address,
    checkout_delivery,
    customer_user,
    gift_card,
):
    # given: a 10.00 gift card pays part of the checkout
    checkout_with_item.gift_cards.add(gift_card)

    # when
    order = complete_checkout(
        user_api_client,
        checkout_with_item,
        address=address,
        delivery=checkout_delivery(checkout_with_item),
        user=customer_user,
    )

    # then: the lines' net amount less the whole tender earns
    gift_card.refresh_from_db()
    assert gift_card.current_balance_amount == Decimal(0)
    lines_net = sum(line.total_price_net_amount for line in order.lines.all())
    expected = int(lines_net - Decimal(10))
    entry = LoyaltyEntry.objects.get(order_id=order.pk, type=EntryType.EARN)
    assert entry.points == expected
    assert Decimal(entry.details["eligible"]) == lines_net - Decimal(10)


TRANSACTION_INITIALIZE = """
mutation Initialize($id: ID!, $amount: PositiveDecimal, $gateway: PaymentGatewayToInitialize!) {
  transactionInitialize(id: $id, amount: $amount, paymentGateway: $gateway) {
    transaction { id }
    errors { field code message }
  }
}
"""


def test_part_paid_through_the_gift_card_gateway_earns_nothing(
    crm_usd,
    user_api_client,
    checkout_with_item,
    address,
    checkout_delivery,
    customer_user,
    gift_card,
):
    # given: the shopper authorizes 10.00 from a gift card through Saleor's gift-card
    # payment gateway and pays the rest by card
    response = user_api_client.post_graphql(
        TRANSACTION_INITIALIZE,
        {
            "id": to_global_id_or_none(checkout_with_item),
            "amount": "10.00",
            "gateway": {
                "id": GIFT_CARD_PAYMENT_GATEWAY_ID,
                "data": {"code": gift_card.code},
            },
        },
    )
    assert get_graphql_content(response)["data"]["transactionInitialize"]["errors"] == []
    manager = get_plugins_manager(allow_replica=False)
    lines, _ = fetch_checkout_lines(checkout_with_item)
    total = calculations.calculate_checkout_total(
        manager=manager,
        checkout_info=fetch_checkout_info(checkout_with_item, lines, manager),
        lines=lines,
    )

    # when: completing the checkout confirms the order, which charges the gift card
    order = complete_checkout(
        user_api_client,
        checkout_with_item,
        address=address,
        delivery=checkout_delivery(checkout_with_item),
        user=customer_user,
        charge=total.gross.amount - Decimal(10),
    )

    # then
    gift_card.refresh_from_db()
    assert gift_card.current_balance_amount == Decimal(0)
    lines_net = sum(line.total_price_net_amount for line in order.lines.all())
    entry = LoyaltyEntry.objects.get(order_id=order.pk, type=EntryType.EARN)
    assert Decimal(entry.details["eligible"]) == lines_net - Decimal(10)
    assert entry.points == int(lines_net - Decimal(10))


def test_rate_of_5_points_per_2_50_earns_5_on_3_00_not_6(channel_USD, crm_order, order_payments):
    # given
    configure_crm(channel_USD, pending_period="0", earn_points="5", earn_amount="2.50")
    order = crm_order(channel_USD, [(Decimal("3.00"), 1)], shipping=Decimal("4.00"))

    # when
    order_payments.charge(order)

    # then
    assert _earn_entries(order) == [(5, EntryStatus.AVAILABLE)]


@pytest.mark.parametrize(
    ("channel_fixture", "earn_points", "earn_amount", "lines", "expected_points"),
    [
        # 1 point per 100 yen on 1 999 + 2 x 500 yen (shipping 700 excluded): floor
        ("channel_JPY", "1", "100", [(Decimal(1999), 1), (Decimal(500), 2)], 29),
        # 3 points per 0.250 KWD on 1.999 + 0.501 KWD: exactly 10 units of 250 fils
        (
            "channel_KWD",
            "3",
            "0.250",
            [(Decimal("1.999"), 1), (Decimal("0.501"), 1)],
            30,
        ),
    ],
)
def test_channels_earn_in_their_currency_minor_units(
    request,
    crm_order,
    order_payments,
    customer_user,
    channel_fixture,
    earn_points,
    earn_amount,
    lines,
    expected_points,
):
    # given
    channel = request.getfixturevalue(channel_fixture)
    configure_crm(channel, pending_period="0", earn_points=earn_points, earn_amount=earn_amount)
    order = crm_order(channel, lines, shipping=Decimal(700))

    # when
    order_payments.charge(order)

    # then
    assert order.currency == channel.currency_code
    assert _earn_entries(order) == [(expected_points, EntryStatus.AVAILABLE)]
    assert balance_of(customer_user, channel) == expected_points


def test_points_are_pending_during_the_return_window(
    channel_USD, crm_order, order_payments, customer_user
):
    # given
    configure_crm(channel_USD, pending_period="14d")
    order = crm_order(channel_USD, THREE_LINES)

    # when
    order_payments.charge(order)

    # then
    account = LoyaltyAccount.objects.get(user=customer_user, channel=channel_USD)
    assert (account.balance, account.pending) == (0, 60)
    assert _earn_entries(order) == [(60, EntryStatus.PENDING)]
    assert ledger_problems() == []


def test_replaying_a_synced_order_reads_and_writes_no_more(
    crm_usd, crm_order, order_payments, django_assert_num_queries
):
    # given
    order = crm_order(crm_usd, THREE_LINES)
    order_payments.charge(order)

    # when / then: a replay is a handful of reads and no write (one of them the
    # order's current lines, which edits may have taken units off)
    with django_assert_num_queries(9):
        result = order_points_sync(order_id=order.pk)
    assert (result.earned, result.reversed) == (60, 0)
    assert LoyaltyEntry.objects.count() == 1


# --- rules.points_for_amount -----------------------------------------------------------


def _config(**values):
    return parse_configuration([{"name": name, "value": value} for name, value in values.items()])


FLOOR, HALF_UP, CEIL = "floor", "half_up", "ceil"


@pytest.mark.parametrize(
    ("amount", "currency", "rate", "rounding", "multiplier", "expected"),
    [
        pytest.param("3.00", "USD", ("5", "2.50"), FLOOR, "1", 5, id="5-per-2.50-on-3.00"),
        pytest.param("4.99", "USD", ("5", "2.50"), FLOOR, "1", 5, id="floor"),
        pytest.param("5.00", "USD", ("5", "2.50"), FLOOR, "1", 10, id="two-units"),
        pytest.param("3.75", "USD", ("5", "2.50"), HALF_UP, "1", 10, id="half-up"),
        pytest.param("3.74", "USD", ("5", "2.50"), HALF_UP, "1", 5, id="half-down"),
        pytest.param("2.51", "USD", ("5", "2.50"), CEIL, "1", 10, id="ceil"),
        pytest.param("0.009", "USD", ("1", "0.01"), FLOOR, "1", 0, id="below-a-cent"),
        pytest.param("1.00", "USD", ("1", "0.001"), FLOOR, "1", 1000, id="fine-rate"),
        pytest.param("1999", "JPY", ("1", "100"), FLOOR, "1", 19, id="yen"),
        pytest.param("99.9", "JPY", ("1", "1"), FLOOR, "1", 99, id="no-sen"),
        pytest.param("1.234", "KWD", ("1", "0.100"), FLOOR, "1", 12, id="fils"),
        pytest.param("0.0999", "KWD", ("1", "0.100"), FLOOR, "1", 0, id="below-a-fils"),
        pytest.param("10.00", "USD", ("1", "1"), FLOOR, "1.25", 12, id="multiplier"),
        pytest.param("0", "USD", ("1", "1"), FLOOR, "1", 0, id="zero"),
        pytest.param("-5", "USD", ("1", "1"), FLOOR, "1", 0, id="negative"),
    ],
)
def test_points_for_amount(amount, currency, rate, rounding, multiplier, expected):
    # given
    earn_points, earn_amount = rate
    config = _config(earn_points=earn_points, earn_amount=earn_amount, earn_rounding=rounding)

    # when
    points = rules.points_for_amount(Decimal(amount), currency, config, Decimal(multiplier))

    # then
    assert points == expected


def test_unconfirmed_order_paid_before_confirmation_earns_when_confirmed(
    crm_order, crm_usd, customer_user, django_capture_on_commit_callbacks
):
    # given: an unconfirmed order whose payment arrived while Saleor held back its
    # order events (nothing earned yet)
    order = crm_order(crm_usd, [(Decimal("40.00"), 1)])
    order.status = OrderStatus.UNCONFIRMED
    order.charge_status = OrderChargeStatus.FULL
    order.total_charged_amount = order.total_gross_amount
    order.save(update_fields=["status", "charge_status", "total_charged_amount"])
    assert _earn_entries(order) == []

    # when: staff confirm it and Saleor fires order_confirmed
    order.status = OrderStatus.UNFULFILLED
    order.save(update_fields=["status"])
    with django_capture_on_commit_callbacks(execute=True):
        get_plugins_manager(allow_replica=False).order_confirmed(order)

    # then
    assert _earn_entries(order) == [(40, EntryStatus.AVAILABLE)]
    assert balance_of(customer_user, crm_usd) == 40
