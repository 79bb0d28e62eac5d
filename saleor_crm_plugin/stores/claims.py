"""Shoppers claim an in-store purchase online: its receipt code, then a one-time code.

1. ``store_purchase_claim_start``: the signed-in shopper names a receipt code in a
   channel. A code that fails its check character is refused before any lookup; one
   that names no purchase of the channel gets the same answer (``INVALID_RECEIPT_CODE``,
   same message), so the error never tells a mistyped code from a valid unknown one.
   A purchase older than the claim window (``CLAIM_WINDOW_CLOSED``) or linked already
   (``ALREADY_CLAIMED``) is refused too. These three say that the receipt exists, and
   only to someone holding its code; to keep codes from being tried without end, every
   start that looked a code up counts towards the shopper's daily limit
   (``DAILY_LIMIT_REACHED``), refused or not: a claim row, or a refusal row. The count
   and the write happen under the shopper's claim lock (``claimant_lock``), so starts
   at once cannot pass the limit together. A new start for a receipt expires the
   shopper's open claims of it. The one-time code is drawn and e-mailed to the
   account's address by a Celery task (``claim_email``), given the claim id only.
2. ``store_purchase_claim_confirm``: the shopper gives the code for their claim (another
   shopper's claim is ``NOT_FOUND``, and their guesses count nothing). Under the claim's
   row lock: confirmed already (``ALREADY_CLAIMED``), five wrong codes made
   (``TOO_MANY_ATTEMPTS``, even for the right code), expired (``CODE_EXPIRED``); a wrong
   code counts an attempt, which is kept although the call fails, and nothing else is
   written. The right code links the purchase (``store_purchase_link``, method
   ``claim``, under the purchase's row lock: a purchase linked meanwhile, by another
   claim or at the till, is ``ALREADY_CLAIMED``) with the points back-dated to the
   purchase, marks the claim confirmed and, if the shopper asked and the channel offers
   it, remembers the card (``recognition.py``).

Limits are the channel's ``config.stores``: claim window (30 days), starts a day (5,
over the last 24 hours), code lifetime (15 minutes).
"""

import dataclasses
import datetime

from saleor.account.models import User
from django.db import transaction
from django.utils import timezone

from ..config import StoresConfig, load_channel_program
from ..enqueue import enqueue_after_commit
from ..loyalty.member_codes import member_code_is_valid, member_code_normalize
from ..loyalty.purchases import PurchasePoints
from .claim_codes import CODE_DIGITS, MAX_ATTEMPTS, claim_code_matches
from .error_codes import StoreErrorCode
from .exceptions import ClaimRefused
from .lock_objects import claimant_lock, store_purchase_qs_select_for_update
from .models import LinkMethod, StorePurchase, StorePurchaseClaim, StorePurchaseClaimRefusal
from .purchases import Actor, store_purchase_link
from .recognition import card_recognition_remember
from .tasks import store_purchase_claim_code_send_task

DAY = datetime.timedelta(days=1)
UNKNOWN_RECEIPT = "No purchase in this channel has this receipt code: check your receipt."


@dataclasses.dataclass(frozen=True)
class ClaimConfirmed:
    purchase: StorePurchase
    points: PurchasePoints
    card_remembered: bool


def _receipt_code(raw: str) -> str:
    if not member_code_is_valid(raw or ""):
        raise ClaimRefused(UNKNOWN_RECEIPT, field="receiptCode")
    return member_code_normalize(raw)


def _stores_config(channel_id: int) -> StoresConfig:
    program = load_channel_program(channel_id)
    if not program.active:
        raise ClaimRefused(
            "The loyalty programme is not active in this channel.",
            code=StoreErrorCode.CHANNEL_INACTIVE,
            field="channel",
        )
    return program.config.stores


def _daily_limit_check(user_id: int, limit: int, now: datetime.datetime) -> None:
    since = now - DAY
    used = (
        StorePurchaseClaim.objects.filter(user_id=user_id, created_at__gt=since).count()
        + StorePurchaseClaimRefusal.objects.filter(user_id=user_id, created_at__gt=since).count()
    )
    if used >= limit:
        raise ClaimRefused(
            f"You can claim at most {limit} receipts a day: try again tomorrow.",
            code=StoreErrorCode.DAILY_LIMIT_REACHED,
            field="receiptCode",
        )


def _linked_refusal(purchase: StorePurchase, user_id: int, field: str) -> ClaimRefused:
    if purchase.user_id == user_id:
        message = "This purchase is in your account already."
    else:
        message = "This purchase is linked to another account: if it is yours, ask the store."
    return ClaimRefused(message, code=StoreErrorCode.ALREADY_CLAIMED, field=field)


def _start_refusal(
    purchase: StorePurchase | None, user_id: int, stores: StoresConfig, now: datetime.datetime
) -> ClaimRefused | None:
    if purchase is None:
        return ClaimRefused(UNKNOWN_RECEIPT, field="receiptCode")
    if purchase.purchased_at < now - datetime.timedelta(seconds=stores.claim_window_seconds):
        days = round(stores.claim_window_seconds / DAY.total_seconds())
        return ClaimRefused(
            f"Purchases can be claimed online for {days} days: this one is older.",
            code=StoreErrorCode.CLAIM_WINDOW_CLOSED,
            field="receiptCode",
        )
    if purchase.user_id is not None:
        return _linked_refusal(purchase, user_id, "receiptCode")
    return None


def _claim_create(
    purchase: StorePurchase,
    user_id: int,
    remember_card: bool,
    stores: StoresConfig,
    now: datetime.datetime,
) -> StorePurchaseClaim:
    StorePurchaseClaim.objects.filter(
        purchase=purchase, user_id=user_id, confirmed_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    claim = StorePurchaseClaim.objects.create(
        purchase=purchase,
        user_id=user_id,
        code_hash="",
        remember_card=remember_card and stores.card_recognition,
        expires_at=now + datetime.timedelta(seconds=stores.claim_code_seconds),
        created_at=now,
    )
    enqueue_after_commit(store_purchase_claim_code_send_task, claim.pk)
    return claim


def store_purchase_claim_start(
    *,
    user: User,
    channel_id: int,
    receipt_code: str,
    remember_card: bool = False,
    now: datetime.datetime | None = None,
) -> StorePurchaseClaim:
    """Start the shopper's claim of a receipt; its code is e-mailed to their account."""
    now = now or timezone.now()
    code = _receipt_code(receipt_code)
    stores = _stores_config(channel_id)
    with transaction.atomic():
        claimant_lock(user_id=user.pk)
        _daily_limit_check(user.pk, stores.claim_daily_limit, now)
        purchase = StorePurchase.objects.filter(channel_id=channel_id, receipt_code=code).first()
        refusal = _start_refusal(purchase, user.pk, stores, now)
        if refusal is None:
            return _claim_create(purchase, user.pk, remember_card, stores, now)
        StorePurchaseClaimRefusal.objects.create(
            user_id=user.pk, reason=refusal.code.value, created_at=now
        )
    # Raised once the refusal is committed: it counts towards the limit.
    raise refusal


def _typed_code(raw: str) -> str:
    code = "".join((raw or "").split())
    if len(code) != CODE_DIGITS or not code.isascii() or not code.isdigit():
        raise ClaimRefused(
            f"The code from the e-mail has {CODE_DIGITS} digits.",
            code=StoreErrorCode.INVALID_CODE,
            field="code",
        )
    return code


def _confirm_refusal(
    claim: StorePurchaseClaim, code: str, now: datetime.datetime
) -> ClaimRefused | None:
    """Why the claim cannot be confirmed with ``code`` (a wrong code counts), or None."""
    again = "start the claim again for a new code."
    if claim.confirmed_at is not None:
        return ClaimRefused(
            "This claim was confirmed already.",
            code=StoreErrorCode.ALREADY_CLAIMED,
            field="claimId",
        )
    if claim.attempts >= MAX_ATTEMPTS:
        return ClaimRefused(
            f"Too many wrong codes: {again}", code=StoreErrorCode.TOO_MANY_ATTEMPTS, field="code"
        )
    if claim.expires_at <= now:
        return ClaimRefused(
            f"This code has expired: {again}", code=StoreErrorCode.CODE_EXPIRED, field="code"
        )
    if claim_code_matches(claim, code):
        return None
    claim.attempts += 1
    claim.save(update_fields=["attempts"])
    left = MAX_ATTEMPTS - claim.attempts
    if not left:
        return ClaimRefused(
            f"Wrong code, and too many: {again}",
            code=StoreErrorCode.TOO_MANY_ATTEMPTS,
            field="code",
        )
    return ClaimRefused(
        f"Wrong code: {left} attempt{'s' if left > 1 else ''} left.",
        code=StoreErrorCode.INVALID_CODE,
        field="code",
    )


def _claim_link(claim: StorePurchaseClaim, now: datetime.datetime) -> ClaimConfirmed:
    purchase = store_purchase_qs_select_for_update().get(pk=claim.purchase_id)
    if purchase.user_id is not None:
        raise _linked_refusal(purchase, claim.user_id, "claimId")
    points = store_purchase_link(
        purchase_id=purchase.pk,
        user_id=claim.user_id,
        method=LinkMethod.CLAIM,
        actor=Actor(user_id=claim.user_id),
        now=now,
    )
    claim.confirmed_at = now
    claim.save(update_fields=["confirmed_at"])
    remembered = claim.remember_card and card_recognition_remember(
        user_id=claim.user_id,
        channel_id=purchase.channel_id,
        card_fingerprint=purchase.card_fingerprint,
    )
    purchase.refresh_from_db()
    return ClaimConfirmed(purchase=purchase, points=points, card_remembered=remembered)


def store_purchase_claim_confirm(
    *,
    user: User,
    claim_id: int,
    code: str,
    now: datetime.datetime | None = None,
) -> ClaimConfirmed:
    """Confirm the shopper's claim with the e-mailed code: the purchase is theirs."""
    now = now or timezone.now()
    code = _typed_code(code)
    with transaction.atomic():
        claim = (
            StorePurchaseClaim.objects.select_for_update()
            .filter(pk=claim_id, user_id=user.pk)
            .first()
        )
        if claim is None:
            raise ClaimRefused("No such claim.", code=StoreErrorCode.NOT_FOUND, field="claimId")
        refusal = _confirm_refusal(claim, code, now)
        if refusal is None:
            return _claim_link(claim, now)
    # Raised once the wrong attempt is committed.
    raise refusal
