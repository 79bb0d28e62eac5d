"""The scale data of benchmark sections 4 and 5: the rows the generator deals out."""

import datetime
from collections import Counter

from bench import scale_data
from bench.scale_data import BLOCK, COLUMNS, Channel, Ids, Variant, World
from saleor_crm_plugin.loyalty.member_codes import member_code_is_valid

ANCHOR = datetime.datetime(2026, 11, 23, 7, 0, tzinfo=datetime.UTC)
WORLD = World(
    channels=(Channel(id=1, currency="USD", factor=1), Channel(id=2, currency="PLN", factor=4)),
    variants=(
        Variant(7, "sku-7", "M", "Shirt", 3, True),
        Variant(8, "sku-8", "L", "Mug", 4, False),
    ),
    anchor=ANCHOR,
)


def _block(number=0):
    return scale_data.generate_block(WORLD, number, Ids(100, 200, 300, 400, 500))


def _table(block, table):
    names = COLUMNS[table].split()
    return [dict(zip(names, row.split("\t"), strict=True)) for row in block.rows[table]]


def test_block_is_the_same_every_time_and_differs_between_blocks():
    # when
    first, again, second = _block(0), _block(0), _block(1)

    # then
    assert first.rows == again.rows
    assert first.rows["order_order"] != second.rows["order_order"]


def test_every_row_has_a_value_for_every_loaded_column():
    # when
    block = _block()

    # then
    for table, rows in block.rows.items():
        widths = {len(row.split("\t")) for row in rows}
        assert widths == {len(COLUMNS[table].split())}, table


def test_loyalty_accounts_have_valid_unique_member_codes():
    # when
    codes = [account["member_code"] for account in _table(_block(), "saleor_crm_loyaltyaccount")]

    # then
    assert codes
    assert len(set(codes)) == len(codes)
    assert all(member_code_is_valid(code) for code in codes)


def test_orders_are_exactly_five_per_customer_and_belong_to_the_block():
    # when
    block = _block()

    # then
    users = {row["id"]: row for row in _table(block, "account_user")}
    orders = _table(block, "order_order")
    assert len(users) == BLOCK
    assert len(orders) == 5 * BLOCK
    assert [int(order["number"]) for order in orders] == list(range(500, 500 + 5 * BLOCK))
    with_user = [order for order in orders if order["user_id"] != scale_data.NULL]
    assert {order["user_id"] for order in with_user} <= set(users)
    assert 0.94 < len(with_user) / len(orders) < 0.96
    counted = Counter(order["user_id"] for order in with_user if order["status"] != "draft")
    assert all(int(users[pk]["number_of_orders"]) == counted[pk] for pk in users)


def test_unpaid_orders_charge_nothing_and_paid_ones_at_most_their_total():
    # when
    orders = _table(_block(), "order_order")

    # then
    for order in orders:
        charged, total = float(order["total_charged_amount"]), float(order["total_gross_amount"])
        if order["status"] in scale_data.UNPAID:
            assert charged == 0
        else:
            assert 0 < charged <= total
    assert {order["currency"] for order in orders} == {"USD", "PLN"}


def test_one_checkout_in_a_hundred_is_due_for_a_reminder():
    # when
    block = _block()

    # then
    with_lines = Counter(row["checkout_id"] for row in _table(block, "checkout_checkoutline"))
    newest, oldest = (ANCHOR - age for age in scale_data.DUE_WINDOW)
    due = [
        checkout
        for checkout in _table(block, "checkout_checkout")
        if checkout["email"] != scale_data.NULL
        and checkout["completing_started_at"] == scale_data.NULL
        and with_lines[checkout["token"]]
        and oldest <= datetime.datetime.fromisoformat(checkout["last_change"]) <= newest
    ]
    assert len(due) == BLOCK // 100
