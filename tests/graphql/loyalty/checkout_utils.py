"""Shared by the checkout loyalty tests: queries and a customer's checkout with points."""

import graphene
from saleor.giftcard.models import GiftCard
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.loyalty.models import LoyaltyEntry, LoyaltyRedemption
from saleor_crm_plugin.loyalty.tasks import (
    release_abandoned_redemptions_task,
    sync_order_points_task,
)
from tests.graphql.loyalty.utils import adjust

APPLY = """
mutation Apply($id: ID!, $points: Int!) {
  checkoutLoyaltyPointsApply(id: $id, points: $points) {
    checkout {
      totalPrice { gross { amount } }
      giftCards { last4CodeChars }
      loyalty { appliedPoints appliedValue { amount currency } availablePoints }
    }
    errors { field code message }
  }
}
"""

REMOVE = """
mutation Remove($id: ID!) {
  checkoutLoyaltyPointsRemove(id: $id) {
    checkout {
      totalPrice { gross { amount } }
      loyalty { appliedPoints availablePoints }
    }
    errors { field code message }
  }
}
"""

ADD_PROMO_CODE = """
mutation AddPromoCode($id: ID!, $promoCode: String!) {
  checkoutAddPromoCode(id: $id, promoCode: $promoCode) {
    errors { field code message }
  }
}
"""

LINES_UPDATE = """
mutation LinesUpdate($id: ID!, $lines: [CheckoutLineUpdateInput!]!) {
  checkoutLinesUpdate(id: $id, lines: $lines) {
    checkout { totalPrice { gross { amount } } }
    errors { field code message }
  }
}
"""

CHECKOUT_LOYALTY = """
query Checkout($id: ID!) {
  checkout(id: $id) {
    totalPrice { gross { amount } }
    loyalty {
      requiresAccount availablePoints maxRedeemablePoints appliedPoints
      appliedValue { amount currency } pointsToEarn pointValue { amount }
    }
    crmOffers { kind code description value { amount currency } points expiresAt }
  }
}
"""


def checkout_id(checkout) -> str:
    return graphene.Node.to_global_id("Checkout", checkout.token)


def customer_checkout(checkout, customer, points=0, key="checkout-points"):
    """``checkout`` owned by ``customer``, who holds ``points`` in its channel."""
    checkout.user = customer
    checkout.email = customer.email
    checkout.save(update_fields=["user", "email"])
    if points:
        adjust(customer, checkout.channel, points, key)
    return checkout


def apply_points(client, checkout, points) -> dict:
    response = client.post_graphql(APPLY, {"id": checkout_id(checkout), "points": points})
    return get_graphql_content(response)["data"]["checkoutLoyaltyPointsApply"]


def remove_points(client, checkout) -> dict:
    response = client.post_graphql(REMOVE, {"id": checkout_id(checkout)})
    return get_graphql_content(response)["data"]["checkoutLoyaltyPointsRemove"]


def set_line_quantity(client, checkout, line, quantity) -> dict:
    """The shopper changes ``line``'s quantity with Saleor's ``checkoutLinesUpdate``."""
    response = client.post_graphql(
        LINES_UPDATE,
        {
            "id": checkout_id(checkout),
            "lines": [
                {
                    "lineId": graphene.Node.to_global_id("CheckoutLine", line.pk),
                    "quantity": quantity,
                }
            ],
        },
    )
    return get_graphql_content(response)["data"]["checkoutLinesUpdate"]


def query_checkout(client, checkout) -> dict:
    response = client.post_graphql(CHECKOUT_LOYALTY, {"id": checkout_id(checkout)})
    return get_graphql_content(response)["data"]["checkout"]


def redemption_rows() -> tuple[int, int, int]:
    """(entries, redemptions, gift cards): what applying points writes."""
    return (
        LoyaltyEntry.objects.count(),
        LoyaltyRedemption.objects.count(),
        GiftCard.objects.count(),
    )


def replay_order_tasks(order) -> None:
    """Every task an order's events run, replayed (each must change nothing twice)."""
    sync_order_points_task(str(order.pk))
    release_abandoned_redemptions_task()
    sync_order_points_task(str(order.pk))
