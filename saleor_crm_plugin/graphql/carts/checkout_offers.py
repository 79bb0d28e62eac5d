"""The live recovery offer of a checkout's shopper, for ``Checkout.crmOffers``.

The offer is the shopper's (by normalised e-mail: the checkout's, else the customer's
account e-mail, as detection records it), live, not past its end date, and made in the
checkout's channel. Who may see it is decided by the caller (``..loyalty.checkout``):
the customer or staff with MANAGE_USERS / IMPERSONATE_USER for a customer's checkout,
the token holder for a guest's (the token is what the reminder e-mail links to).
"""

from decimal import Decimal

from promise import Promise
from saleor.checkout.models import Checkout as CheckoutModel
from saleor.graphql.account.dataloaders import UserByUserIdLoader

from ...carts.models import CartRecoveryOffer
from ...config import OFFER_FIXED, OFFER_FREE_SHIPPING, OFFER_SCOPE_ITEMS
from ...consent.actions import normalize_email
from .dataloaders import LiveCartOfferByEmailLoader


def load_live_cart_offer(context, checkout: CheckoutModel) -> Promise:
    """Promise of the shopper's live ``CartRecoveryOffer`` in this channel, or None."""
    if checkout.email or not checkout.user_id:
        email = Promise.resolve(checkout.email)
    else:
        email = (
            UserByUserIdLoader(context)
            .load(checkout.user_id)
            .then(lambda user: user.email if user else None)
        )

    def in_channel(offer):
        if offer is None or offer.abandoned.channel_id != checkout.channel_id:
            return None
        return offer

    def by_email(address):
        if not address:
            return None
        return LiveCartOfferByEmailLoader(context).load(normalize_email(address)).then(in_channel)

    return email.then(by_email)


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def cart_offer_description(offer: CartRecoveryOffer, currency: str) -> str:
    if offer.discount_type == OFFER_FREE_SHIPPING:
        return "Free shipping on your order."
    if offer.discount_type == OFFER_FIXED:
        amount = f"{_number(offer.value)} {currency}"
        if offer.scope == OFFER_SCOPE_ITEMS:
            return f"{amount} off each item of your cart."
        return f"{amount} off your order."
    if offer.scope == OFFER_SCOPE_ITEMS:
        return f"{_number(offer.value)}% off the items in your cart."
    return f"{_number(offer.value)}% off your order."
