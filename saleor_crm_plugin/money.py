"""How the plugin writes an amount of money in a sentence: one function for all.

``5.00 USD``, ``500 JPY``, ``5.000 KWD``: the amount with its currency's decimal places
(Saleor's ``quantize_price``, which reads them from babel), then the ISO code. Offer
descriptions in e-mails and in ``Checkout.crmOffers`` use it; templates that format
prices themselves get plain amounts and Saleor's ``price`` helper.
"""

from decimal import Decimal

from saleor.core.prices import quantize_price


def format_money(amount: Decimal | int | str, currency: str) -> str:
    return f"{quantize_price(Decimal(amount), currency)} {currency}"
