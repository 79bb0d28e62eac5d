from decimal import Decimal

import pytest

from saleor_crm_plugin.money import format_money


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal(5), "USD", "5.00 USD"),
        (Decimal("5.000"), "USD", "5.00 USD"),
        (Decimal("12.5"), "USD", "12.50 USD"),
        (Decimal(500), "JPY", "500 JPY"),
        (Decimal("14.000"), "JPY", "14 JPY"),
        (Decimal(5), "KWD", "5.000 KWD"),
        (Decimal("0.125"), "KWD", "0.125 KWD"),
        (7, "EUR", "7.00 EUR"),
    ],
)
def test_an_amount_has_its_currency_s_decimal_places_and_code(amount, currency, expected):
    # when
    text = format_money(amount, currency)

    # then
    assert text == expected
