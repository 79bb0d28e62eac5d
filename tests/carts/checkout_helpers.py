"""Real checkouts taken to Saleor's ``checkoutComplete`` with a promo code.

Unlike ``tests.fixtures.orders.complete_checkout`` these return the mutation's answer
(errors included), for tests of refused completions.
"""

from django.conf import settings
from django.utils import timezone
from saleor.checkout import calculations
from saleor.checkout.fetch import fetch_checkout_info, fetch_checkout_lines
from saleor.checkout.models import Checkout, CheckoutMetadata
from saleor.checkout.tests.utils import add_variant_to_checkout
from saleor.graphql.core.utils import to_global_id_or_none
from saleor.graphql.tests.utils import get_graphql_content
from saleor.plugins.manager import get_plugins_manager

from tests.fixtures.orders import CHECKOUT_COMPLETE, checkout_charge

ADD_PROMO_CODE = """
mutation AddPromoCode($id: ID!, $promoCode: String!) {
  checkoutAddPromoCode(id: $id, promoCode: $promoCode) {
    checkout { voucherCode }
    errors { field code message }
  }
}
"""


def checkout_create(channel, variant, *, email, user=None, quantity=1) -> Checkout:
    """A checkout of ``variant`` for ``email`` (and ``user``), as Saleor's fixture makes one."""
    checkout = Checkout.objects.create(
        currency=channel.currency_code,
        channel=channel,
        email=email,
        user=user,
        price_expiration=timezone.now() + settings.CHECKOUT_PRICES_TTL,
    )
    checkout.set_country("US", commit=True)
    CheckoutMetadata.objects.create(checkout=checkout)
    checkout_info = fetch_checkout_info(checkout, [], get_plugins_manager(allow_replica=False))
    add_variant_to_checkout(checkout_info, variant, quantity)
    checkout.save()
    return checkout


def promo_code_add(api_client, checkout, code: str) -> dict:
    response = api_client.post_graphql(
        ADD_PROMO_CODE, {"id": to_global_id_or_none(checkout), "promoCode": code}
    )
    return get_graphql_content(response)["data"]["checkoutAddPromoCode"]


def checkout_pay_and_complete(api_client, checkout, *, address, delivery) -> dict:
    """Address, delivery and a transaction paying the total; then checkoutComplete."""
    checkout.refresh_from_db()  # the promo code was applied through the API
    checkout.shipping_address = address
    checkout.billing_address = address
    checkout.assigned_delivery = delivery
    checkout.save()
    checkout_charge(checkout, psp_reference=f"PSP-{checkout.token}")
    response = api_client.post_graphql(CHECKOUT_COMPLETE, {"id": to_global_id_or_none(checkout)})
    return get_graphql_content(response)["data"]["checkoutComplete"]


def checkout_pay_legacy_and_complete(api_client, checkout, payment, *, address, delivery) -> dict:
    """The legacy payment flow: ``payment`` (a dummy-gateway Payment) covers the total."""
    checkout.refresh_from_db()
    checkout.shipping_address = address
    checkout.billing_address = address
    checkout.assigned_delivery = delivery
    checkout.save()
    manager = get_plugins_manager(allow_replica=False)
    lines, _ = fetch_checkout_lines(checkout)
    checkout_info = fetch_checkout_info(checkout, lines, manager)
    total = calculations.calculate_checkout_total(
        manager=manager, checkout_info=checkout_info, lines=lines
    )
    payment.is_active = True
    payment.order = None
    payment.total = total.gross.amount
    payment.currency = total.gross.currency
    payment.checkout = checkout
    payment.save()
    response = api_client.post_graphql(CHECKOUT_COMPLETE, {"id": to_global_id_or_none(checkout)})
    return get_graphql_content(response)["data"]["checkoutComplete"]
