"""Signed cart links: the proof, in a reminder e-mail, that restores a cart and its offer.

Every reminder's ``checkout.restore_url`` is the channel's checkout URL with a ``crm``
parameter: a token signed with Django's ``SECRET_KEY`` (``django.core.signing``) under
a salt of its own, naming the abandoned checkout's token and the offer issued for it
(if any). The storefront page passes it to ``crmCartRestore(token:)``, which answers
with that checkout (the storefront resumes it) and, while it is live, the offer with its
code. A token made for another purpose, altered, or older than
``USER_CHECKOUTS_TIMEDELTA`` (the longest Saleor keeps an abandoned checkout) is
refused. The checkout's token in the link is what makes the offer usable
(``offers.offer_usable_in``); the signature proves the link came from the shop, so the
code shows even on a customer's checkout opened while signed out.
"""

import dataclasses
import datetime
import uuid

from django.conf import settings
from django.core import signing
from saleor.checkout.models import Checkout

from .error_codes import CartRecoveryErrorCode
from .exceptions import CartRecoveryError
from .models import CartRecoveryOffer, OfferStatus

CART_RESTORE_SALT = "saleor_crm.cart_restore"


class InvalidCartRestoreToken(CartRecoveryError):
    def __init__(self, message: str = "The cart link is not valid or has expired."):
        super().__init__(message, code=CartRecoveryErrorCode.INVALID_TOKEN, field="token")


@dataclasses.dataclass(frozen=True)
class CartRestore:
    checkout: Checkout
    offer: CartRecoveryOffer | None


def cart_restore_token_make(*, checkout_token: uuid.UUID | str, offer_id: int | None) -> str:
    return signing.dumps(
        {"checkout": str(checkout_token), "offer": offer_id}, salt=CART_RESTORE_SALT
    )


def cart_restore_token_read(*, token: str) -> tuple[uuid.UUID, int | None]:
    """(checkout token, offer id) the token names; raise InvalidCartRestoreToken if not ours."""
    try:
        data = signing.loads(
            str(token or ""), salt=CART_RESTORE_SALT, max_age=settings.USER_CHECKOUTS_TIMEDELTA
        )
    except signing.BadSignature:  # SignatureExpired is one
        raise InvalidCartRestoreToken() from None
    if not isinstance(data, dict):
        raise InvalidCartRestoreToken()
    offer_id = data.get("offer")
    if offer_id is not None and (type(offer_id) is not int):
        raise InvalidCartRestoreToken()
    try:
        checkout_token = uuid.UUID(str(data.get("checkout")))
    except ValueError:
        raise InvalidCartRestoreToken() from None
    return checkout_token, offer_id


def cart_restore(*, token: str, now: datetime.datetime) -> CartRestore:
    """The checkout the link names and its offer while live; never writes."""
    checkout_token, offer_id = cart_restore_token_read(token=token)
    checkout = Checkout.objects.filter(token=checkout_token).first()
    if checkout is None:
        raise CartRecoveryError(
            "This cart no longer exists.", code=CartRecoveryErrorCode.NOT_FOUND, field="token"
        )
    offer = None
    if offer_id is not None:
        offer = CartRecoveryOffer.objects.filter(
            pk=offer_id,
            abandoned__token=checkout_token,
            status=OfferStatus.LIVE,
            ends_at__gt=now,
        ).first()
    return CartRestore(checkout=checkout, offer=offer)
