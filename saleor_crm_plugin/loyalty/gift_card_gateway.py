"""Saleor's built-in gift-card payment gateway, as the loyalty domain uses it.

``saleor.giftcard.gateway`` and ``saleor.graphql.payment.mutations`` import each other;
importing the gateway first fails halfway (Saleor's own callers import it inside
functions, after the GraphQL package). Importing the GraphQL side first, here, gives
the loyalty modules a plain module-level import. Nothing here builds Saleor's schema
(``saleor.graphql.api`` stays unimported until ``CRMConfig.ready`` has run).
"""

# isort: off
import saleor.graphql.payment.mutations.transaction.utils  # noqa: F401  (import order)
from saleor.giftcard.gateway import (
    detach_gift_card_from_previous_checkout_transactions,
)

# isort: on

__all__ = ["detach_gift_card_from_previous_checkout_transactions"]
