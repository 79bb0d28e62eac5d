"""A shopper's whole checkout through Saleor's /graphql/ only, for hostile-shopper tests.

``checkout_create`` → ``checkout_crm_offers`` / ``promo_code_add`` →
``checkout_deliver_and_complete`` are the storefront's own calls (no ORM shortcut); the
channel lets unpaid orders complete (the shop's ``allow_unpaid_orders`` setting, see
the ``victim_offer`` fixture), so no payment app is needed. ``cart_restore`` is the
e-mail link's mutation.
"""

import graphene
from saleor.discount.models import VoucherCode
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.carts.models import CartRecoveryOffer

CHECKOUT_CREATE = """
mutation($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) {
    checkout { id token email }
    errors { field code message }
  }
}
"""

CRM_OFFERS = """
query($id: ID!) {
  checkout(id: $id) {
    crmOffers { kind code description expiresAt }
  }
}
"""

ADD_PROMO_CODE = """
mutation($id: ID!, $promoCode: String!) {
  checkoutAddPromoCode(id: $id, promoCode: $promoCode) {
    checkout { voucherCode }
    errors { field code message }
  }
}
"""

ADDRESSES_UPDATE = """
mutation($id: ID!, $address: AddressInput!) {
  checkoutShippingAddressUpdate(id: $id, shippingAddress: $address) {
    errors { field code message }
  }
  checkoutBillingAddressUpdate(id: $id, billingAddress: $address) {
    errors { field code message }
  }
}
"""

DELIVERY_METHOD_UPDATE = """
mutation($id: ID!, $deliveryMethodId: ID!) {
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $deliveryMethodId) {
    errors { field code message }
  }
}
"""

CHECKOUT_COMPLETE = """
mutation($id: ID!) {
  checkoutComplete(id: $id) {
    order { id voucherCode }
    errors { field code message }
  }
}
"""

CRM_CART_RESTORE = """
mutation($token: String!) {
  crmCartRestore(token: $token) {
    checkout { id token }
    offer { kind code description expiresAt }
    errors { field code message }
  }
}
"""


def address_input(address) -> dict:
    return {
        "firstName": address.first_name,
        "lastName": address.last_name,
        "streetAddress1": address.street_address_1,
        "city": address.city,
        "postalCode": address.postal_code,
        "country": address.country.code,
        "countryArea": address.country_area,
        "phone": str(address.phone),
    }


def checkout_create(client, channel, variant, *, address, email=None, quantity=1) -> dict:
    """A new checkout (``{id, token, email}``) of ``quantity`` × ``variant``."""
    checkout_input = {
        "channel": channel.slug,
        "lines": [
            {
                "variantId": graphene.Node.to_global_id("ProductVariant", variant.pk),
                "quantity": quantity,
            }
        ],
        "shippingAddress": address_input(address),
        "billingAddress": address_input(address),
    }
    if email:
        checkout_input["email"] = email
    response = client.post_graphql(CHECKOUT_CREATE, {"input": checkout_input})
    data = get_graphql_content(response)["data"]["checkoutCreate"]
    assert data["errors"] == []
    return data["checkout"]


def checkout_id(token) -> str:
    return graphene.Node.to_global_id("Checkout", str(token))


def checkout_crm_offers(client, token) -> list:
    response = client.post_graphql(CRM_OFFERS, {"id": checkout_id(token)})
    return get_graphql_content(response)["data"]["checkout"]["crmOffers"]


def promo_code_add(client, token, code: str) -> dict:
    response = client.post_graphql(ADD_PROMO_CODE, {"id": checkout_id(token), "promoCode": code})
    return get_graphql_content(response)["data"]["checkoutAddPromoCode"]


def checkout_deliver_and_complete(client, token, shipping_method, *, address) -> dict:
    """Set the addresses, choose ``shipping_method``, complete: ``checkoutComplete``'s answer."""
    response = client.post_graphql(
        ADDRESSES_UPDATE, {"id": checkout_id(token), "address": address_input(address)}
    )
    data = get_graphql_content(response)["data"]
    assert data["checkoutShippingAddressUpdate"]["errors"] == []
    assert data["checkoutBillingAddressUpdate"]["errors"] == []
    response = client.post_graphql(
        DELIVERY_METHOD_UPDATE,
        {
            "id": checkout_id(token),
            "deliveryMethodId": graphene.Node.to_global_id("ShippingMethod", shipping_method.pk),
        },
    )
    assert get_graphql_content(response)["data"]["checkoutDeliveryMethodUpdate"]["errors"] == []
    response = client.post_graphql(CHECKOUT_COMPLETE, {"id": checkout_id(token)})
    return get_graphql_content(response)["data"]["checkoutComplete"]


def cart_restore(client, token: str) -> dict:
    response = client.post_graphql(CRM_CART_RESTORE, {"token": token})
    return get_graphql_content(response)["data"]["crmCartRestore"]


def offer_code_state(offer) -> tuple:
    """(Saleor's uses of the code, code active, our offer's status, order it was used in)."""
    voucher_code = VoucherCode.objects.get(code=offer.code)
    offer = CartRecoveryOffer.objects.get(pk=offer.pk)
    return voucher_code.used, voucher_code.is_active, offer.status, offer.used_order_id
