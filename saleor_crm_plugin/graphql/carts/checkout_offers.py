"""The live recovery offer a checkout may show, for ``Checkout.crmOffers``.

An offer shows on the checkout it was issued for (whoever holds its token: the token
is in the reminder's link) and on the checkouts of the customer who owned that checkout
(``carts.offers.offer_usable_in``), live, not past its end date, in the checkout's
channel. The e-mail typed into a checkout unlocks nothing. Who may see a customer's
checkout offers at all is decided by the caller (``..loyalty.checkout``): the customer
or staff with MANAGE_USERS / IMPERSONATE_USER.
"""

from promise import Promise
from saleor.checkout.models import Checkout as CheckoutModel

from .dataloaders import LiveCartOfferByCheckoutLoader


def load_live_cart_offer(context, checkout: CheckoutModel) -> Promise:
    """Promise of the live ``CartRecoveryOffer`` this checkout may show, or None."""
    return LiveCartOfferByCheckoutLoader(context).load(
        (checkout.token, checkout.user_id, checkout.channel_id)
    )
