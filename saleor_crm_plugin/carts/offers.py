"""The one-time recovery offer: a Saleor voucher code bound to one abandoned checkout.

The discount itself is Saleor's (docs/architecture.md, "Cart recovery"): ``recovery_offer_issue`` creates a
voucher with one code, ``single_use`` and a usage limit of 1, listed in the abandoned
checkout's channel with the value in its currency. Its scope is either the products in
the cart (a ``SPECIFIC_PRODUCT`` voucher on the checkout's products; a fixed value then
comes off each unit, Saleor's rule), the whole order, or free shipping (a 100 %
shipping voucher). Its end date is ``valid_seconds`` ahead, but never later than the
moment Saleor deletes the checkout it was issued for (``checkout_deleted_at``: a code
must not outlive its cart). The shopper's normalised e-mail is kept in the voucher's
private metadata (``saleor_crm.bound_email``) and on our ``CartRecoveryOffer`` row.

Who may use it (``offer_usable_in``): the checkout it was issued for (its token is the
proof: it is in the reminder's link, and the signed cart link of ``restore`` names it),
or any checkout of the signed-in customer who owned that checkout (same user id). An
e-mail typed into a checkout proves nothing, so it never unlocks an offer.
``recovery_offer_check_order`` enforces this where Saleor lets a plugin refuse an
order: it runs in ``preprocess_order_creation`` and raises ``CartRecoveryError``
(``VOUCHER_NOT_ALLOWED``) when the checkout carries the code of an offer issued for
another checkout, or no longer live. Saleor's payment flow has already counted the code
as used at that point and does not give it back on a ``ValidationError`` (it does for
tax errors); the check gives it back itself before refusing, so a refused order
consumes nothing in either flow.

One live offer per shopper: the database keeps ``email`` unique among live offers, and
issues for one shopper take turns (``lock_objects.shopper_lock``). A second issue for
the same checkout returns the live one; an issue for another cart of the shopper in the
same channel supersedes it (the old one is revoked, its code deactivated, and the new
one is made on the new cart's items: the latest cart has the offer).
``recovery_offers_settle`` runs when an order exists: the offer it used becomes
``used``; the shopper's other live offers are revoked and their codes deactivated (they
bought otherwise). ``recovery_offers_expire`` marks offers past their end date expired.
"""

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from saleor.checkout.models import CheckoutLine
from saleor.discount import DiscountValueType, VoucherType
from saleor.discount.models import Voucher, VoucherChannelListing, VoucherCode
from saleor.discount.utils.voucher import (
    get_customer_email_for_voucher_usage,
    release_voucher_code_usage,
)
from saleor.order.models import Order

from ..money import format_money
from ..config import (
    OFFER_FIXED,
    OFFER_FREE_SHIPPING,
    OFFER_PERCENTAGE,
    OFFER_SCOPE_ITEMS,
    OfferSpec,
)
from ..consent.actions import normalize_email
from .error_codes import CartRecoveryErrorCode
from .exceptions import CartRecoveryError
from .lock_objects import shopper_lock
from .models import AbandonedCheckout, CartRecoveryOffer, OfferStatus

BOUND_EMAIL_KEY = "saleor_crm.bound_email"
OFFER_VOUCHER_NAME = "CRM cart recovery offer"
CODE_PREFIX = "CART-"
# Unambiguous characters for codes a shopper may type.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10

REVOKED_PURCHASED_OTHERWISE = "purchased_otherwise"
REVOKED_SUPERSEDED = "superseded"


def offer_code_generate() -> str:
    return CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def live_offer_for(*, email: str) -> CartRecoveryOffer | None:
    return CartRecoveryOffer.objects.filter(
        email=normalize_email(email), status=OfferStatus.LIVE
    ).first()


def checkout_deleted_at(*, last_change: datetime.datetime, has_customer: bool) -> datetime.datetime:
    """The earliest moment Saleor may delete an abandoned checkout unchanged since then.

    Saleor's ``delete_expired_checkouts`` removes a customer's checkout
    ``USER_CHECKOUTS_TIMEDELTA`` (90 days) after its last change, and an "anonymous"
    one ``ANONYMOUS_CHECKOUTS_TIMEDELTA`` (30 days) after it. Its query counts a guest
    checkout with an e-mail as a user checkout, its documentation as anonymous: for a
    guest's checkout the shorter of the two is taken, so that an offer never outlives
    its checkout under either reading.
    """
    lifetime = settings.USER_CHECKOUTS_TIMEDELTA
    if not has_customer:
        lifetime = min(lifetime, settings.ANONYMOUS_CHECKOUTS_TIMEDELTA)
    return last_change + lifetime


def offer_usable_in(
    offer: CartRecoveryOffer, *, checkout_token: uuid.UUID | str, user_id: int | None
) -> bool:
    """Whether ``offer`` may be shown and used in this checkout (see the module docstring)."""
    abandoned = offer.abandoned
    if str(abandoned.token) == str(checkout_token):
        return True
    return user_id is not None and abandoned.user_id == user_id


def offer_description(offer: CartRecoveryOffer, currency: str) -> str:
    """What the offer gives, as e-mails and ``Checkout.crmOffers`` both say it.

    A phrase to fit in a sentence ("with 10 % off your items", "use … for 5.00 USD
    off"); amounts with the currency's decimal places, as Saleor prices them.
    """
    if offer.discount_type == OFFER_FREE_SHIPPING:
        return "free shipping"
    if offer.discount_type == OFFER_FIXED:
        amount = format_money(offer.value, currency)
        return f"{amount} off each item" if offer.scope == OFFER_SCOPE_ITEMS else f"{amount} off"
    percent = f"{offer.value.normalize():f} %"
    return f"{percent} off your items" if offer.scope == OFFER_SCOPE_ITEMS else f"{percent} off"


def _voucher_shape(discount_type: str, scope: str) -> tuple[str, str]:
    """(Saleor voucher type, value type) for an offer spec."""
    if discount_type == OFFER_FREE_SHIPPING:
        return VoucherType.SHIPPING, DiscountValueType.PERCENTAGE
    value_type = (
        DiscountValueType.PERCENTAGE
        if discount_type == OFFER_PERCENTAGE
        else DiscountValueType.FIXED
    )
    if scope == OFFER_SCOPE_ITEMS:
        return VoucherType.SPECIFIC_PRODUCT, value_type
    return VoucherType.ENTIRE_ORDER, value_type


def _cart_product_ids(token: uuid.UUID) -> list[int]:
    return list(
        CheckoutLine.objects.filter(checkout_id=token)
        .values_list("variant__product_id", flat=True)
        .distinct()
        .order_by()
    )


def _offer_create(
    *, abandoned: AbandonedCheckout, spec: OfferSpec, product_ids: list[int], now: datetime.datetime
) -> CartRecoveryOffer:
    voucher_type, value_type = _voucher_shape(spec.discount_type, spec.scope)
    value = 100 if spec.discount_type == OFFER_FREE_SHIPPING else spec.value
    ends_at = min(
        now + datetime.timedelta(seconds=spec.valid_seconds),
        checkout_deleted_at(
            last_change=abandoned.last_change_seen, has_customer=abandoned.user_id is not None
        ),
    )
    voucher = Voucher(
        type=voucher_type,
        name=OFFER_VOUCHER_NAME,
        usage_limit=1,
        single_use=True,
        start_date=now,
        end_date=ends_at,
        discount_value_type=value_type,
    )
    voucher.store_value_in_private_metadata({BOUND_EMAIL_KEY: abandoned.email})
    voucher.save()
    VoucherChannelListing.objects.create(
        voucher=voucher,
        channel_id=abandoned.channel_id,
        discount_value=value,
        currency=abandoned.currency,
    )
    if voucher_type == VoucherType.SPECIFIC_PRODUCT:
        voucher.products.add(*product_ids)
    code = offer_code_generate()
    VoucherCode.objects.create(voucher=voucher, code=code)
    return CartRecoveryOffer.objects.create(
        abandoned=abandoned,
        email=abandoned.email,
        voucher=voucher,
        code=code,
        discount_type=spec.discount_type,
        value=value,
        scope=spec.scope,
        status=OfferStatus.LIVE,
        ends_at=ends_at,
    )


def _in_channel(offer: CartRecoveryOffer, abandoned: AbandonedCheckout) -> CartRecoveryOffer | None:
    if offer.abandoned_id == abandoned.pk:
        return offer
    same_channel = AbandonedCheckout.objects.filter(
        pk=offer.abandoned_id, channel_id=abandoned.channel_id
    ).exists()
    return offer if same_channel else None


def recovery_offer_issue(
    *, abandoned: AbandonedCheckout, spec: OfferSpec, now: datetime.datetime
) -> CartRecoveryOffer | None:
    """This checkout's live offer: the existing one, or a new voucher code per ``spec``.

    The shopper's live offer for another of their carts in this channel is superseded
    (revoked, code deactivated): the new offer is on this cart. None when the shopper's
    live offer belongs to another channel (its code does not work in this one, and one
    shopper has one live offer): the stage goes out without an offer. Raises
    ``CartRecoveryError`` (NOT_FOUND) when an offer on the cart's items is asked for and
    the checkout is gone or empty.
    """
    email = normalize_email(abandoned.email)
    with transaction.atomic():
        shopper_lock(email=email)
        recovery_offers_expire(now=now, email=email)
        existing = live_offer_for(email=email)
        if existing is not None:
            if existing.abandoned_id == abandoned.pk:
                return existing
            if _in_channel(existing, abandoned) is None:
                return None  # the shopper's one live offer is in another channel
        product_ids: list[int] = []
        if spec.scope == OFFER_SCOPE_ITEMS and spec.discount_type != OFFER_FREE_SHIPPING:
            product_ids = _cart_product_ids(abandoned.token)
            if not product_ids:
                raise CartRecoveryError(
                    "The checkout is gone or empty: no items to offer a discount on.",
                    code=CartRecoveryErrorCode.NOT_FOUND,
                    field="token",
                )
        if existing is not None:
            _offers_revoke([existing], reason=REVOKED_SUPERSEDED)
        return _offer_create(abandoned=abandoned, spec=spec, product_ids=product_ids, now=now)


def _release_saleor_usage(checkout_info, email: str | None) -> None:
    """Give back the code's use that Saleor's payment flow counted before the hook."""
    checkout = checkout_info.checkout
    if not checkout.is_voucher_usage_increased:
        return
    release_voucher_code_usage(checkout_info.voucher_code, checkout_info.voucher, email)
    checkout.is_voucher_usage_increased = False
    checkout.save(update_fields=["is_voucher_usage_increased"])


def _offer_claim(offer: CartRecoveryOffer, *, checkout_token, now: datetime.datetime) -> bool:
    """Let one checkout's completion hold the code; False while another one holds it.

    Saleor's single-use check reads the code as active without a lock, so two checkouts
    of the owner completing at once would both use it. One conditional UPDATE of the
    offer row serialises them: the first completion claims the code, a second one is
    refused until the first has made its order (the offer is then used) or has been
    given up for longer than Saleor's own completion lock.
    """
    stale = now - datetime.timedelta(seconds=settings.CHECKOUT_COMPLETION_LOCK_TIME)
    return bool(
        CartRecoveryOffer.objects.filter(pk=offer.pk, status=OfferStatus.LIVE)
        .filter(
            Q(claimed_checkout_token__isnull=True)
            | Q(claimed_checkout_token=checkout_token)
            | Q(claimed_at__lte=stale)
        )
        .update(claimed_checkout_token=checkout_token, claimed_at=now)
    )


def recovery_offer_check_order(*, checkout_info, now: datetime.datetime) -> None:
    """Refuse an order carrying a CRM offer code issued for another checkout or not live.

    Codes that are not CRM offers are Saleor's business and pass untouched.
    """
    checkout = checkout_info.checkout
    code = checkout.voucher_code
    if not code:
        return
    offer = CartRecoveryOffer.objects.filter(code=code).select_related("abandoned").first()
    if offer is None:
        return
    if offer.status != OfferStatus.LIVE or offer.ends_at <= now:
        message = "This offer code is no longer valid."
    elif not offer_usable_in(offer, checkout_token=checkout.token, user_id=checkout.user_id):
        message = "This offer code was issued for another checkout."
    elif not _offer_claim(offer, checkout_token=checkout.token, now=now):
        message = "This offer code is being used by another checkout; try again shortly."
    else:
        return
    _release_saleor_usage(checkout_info, get_customer_email_for_voucher_usage(checkout_info))
    raise CartRecoveryError(
        message, code=CartRecoveryErrorCode.VOUCHER_NOT_ALLOWED, field="voucher_code"
    )


def _codes_deactivate(offers) -> None:
    voucher_ids = [offer.voucher_id for offer in offers if offer.voucher_id]
    if voucher_ids:
        VoucherCode.objects.filter(voucher_id__in=voucher_ids).update(is_active=False)


def _offers_revoke(offers: list[CartRecoveryOffer], *, reason: str) -> None:
    CartRecoveryOffer.objects.filter(
        pk__in=[offer.pk for offer in offers], status=OfferStatus.LIVE
    ).update(status=OfferStatus.REVOKED, revoked_reason=reason)
    _codes_deactivate(offers)


def order_customer_email(order: Order) -> str:
    if order.user_email:
        return normalize_email(order.user_email)
    return normalize_email(order.user.email) if order.user_id else ""


def recovery_offers_settle(*, order_id: str) -> None:
    """An order exists: mark the offer it used, revoke the shopper's other live offers.

    Safe to run twice: a used offer stays used, revoked ones are no longer live, and
    offers made after the order are left alone.
    """
    order = Order.objects.filter(pk=order_id).select_related("user").first()
    if order is None:
        return
    with transaction.atomic():
        if order.voucher_code:
            CartRecoveryOffer.objects.filter(
                code=order.voucher_code, used_order_id__isnull=True
            ).update(status=OfferStatus.USED, used_order_id=order.pk)
        email = order_customer_email(order)
        if not email:
            return
        # Offers made after the order (a later cart) stay: a replay revokes nothing new.
        others = list(
            CartRecoveryOffer.objects.select_for_update().filter(
                email=email, status=OfferStatus.LIVE, created_at__lte=order.created_at
            )
        )
        if not others:
            return
        _offers_revoke(others, reason=REVOKED_PURCHASED_OTHERWISE)


def recovery_offers_expire(*, now: datetime.datetime, email: str | None = None) -> int:
    """Live offers past their end date become expired (their codes deactivated)."""
    with transaction.atomic():
        stale = CartRecoveryOffer.objects.select_for_update().filter(
            status=OfferStatus.LIVE, ends_at__lte=now
        )
        if email is not None:
            stale = stale.filter(email=email)
        stale = list(stale)
        if not stale:
            return 0
        CartRecoveryOffer.objects.filter(pk__in=[offer.pk for offer in stale]).update(
            status=OfferStatus.EXPIRED
        )
        _codes_deactivate(stale)
        return len(stale)
