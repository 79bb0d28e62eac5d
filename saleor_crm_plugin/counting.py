"""Which of Saleor's orders count as a customer's purchases: one rule for every reader.

Segments, RFM, the customer value report and the stores' figures read Saleor's orders
in SQL, and they count the same orders: placed (not a draft, not awaiting
confirmation), not cancelled or expired, and with money charged. Refunds lower
``total_charged_amount``, so a fully refunded order stops counting.

``Sql`` is a piece of SQL text with its parameters, as those readers compose it. This
module imports nothing of the plugin, so every domain may read it.
"""

import dataclasses

from saleor.order import OrderStatus

EXCLUDED_STATUSES = [
    OrderStatus.DRAFT,
    OrderStatus.UNCONFIRMED,
    OrderStatus.CANCELED,
    OrderStatus.EXPIRED,
]
COUNTED_ORDER = "{o}.status <> ALL(%s::text[]) AND {o}.total_charged_amount > 0"


@dataclasses.dataclass
class Sql:
    text: str
    params: list


def counted_order(alias: str) -> Sql:
    """The condition on ``order_order`` row ``alias`` that makes it a counted order."""
    return Sql(COUNTED_ORDER.format(o=alias), [EXCLUDED_STATUSES])
