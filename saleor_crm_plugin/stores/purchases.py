"""In-store purchases: recorded once per source payment, linked to a shopper, earning points.

Every source (a Stripe Terminal webhook, a POS calling ``storePurchaseRecord``) ends in
``store_purchase_record``. It is idempotent on ``(source, external_id)``: the same
payment recorded again returns the first record; the same id with another amount,
currency or store is refused (``EXTERNAL_ID_CONFLICT``), since one of the two is wrong.

A purchase is linked to at most one shopper at a time. Linking and unlinking write a
``StorePurchaseLink`` row each (who, how, when, why: the audit), under the purchase's
row lock, and move the points in the same transaction through the loyalty ledger
(``loyalty.purchases``): a link's points carry the link row's id in their key, so
unlinking takes back exactly what that link earned, and a purchase relinked to the
right shopper earns for them. Points are back-dated to the purchase, whenever the link
is made.

Refunds are a running total per source payment (``StoreRefund``), kept even when the
refund arrives before its purchase; a purchase always earns on what is left of it.
"""

import dataclasses
import datetime
from decimal import Decimal

from babel.numbers import get_currency_precision
from django.db import IntegrityError, transaction
from django.utils import timezone
from saleor.channel.models import Channel
from saleor.warehouse.models import Warehouse

from ..loyalty.member_codes import member_code_generate
from ..loyalty.purchases import NO_POINTS, Purchase, PurchasePoints, purchase_points_sync
from .customers import customer_find
from .exceptions import LinkRefused, PurchaseConflict, StoreError, StoreNotFound
from .error_codes import StoreErrorCode
from .lock_objects import store_purchase_qs_select_for_update
from .models import LinkAction, LinkMethod, StorePurchase, StorePurchaseLink, StoreRefund
from .recognition import card_owner

RECEIPT_CODE_ATTEMPTS = 5
MAX_LINES = 500
MAX_TEXT = 255
# What the amount columns (20 digits, 3 decimal places) hold, with room to spare.
MAX_AMOUNT = Decimal(10**15)


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who made a change: staff, an app, the shopper (``user_id``), or the system."""

    user_id: int | None = None
    app_id: int | None = None


@dataclasses.dataclass(frozen=True)
class PurchaseInput:
    channel_id: int
    warehouse_id: object
    source: str
    external_id: str
    amount: Decimal
    currency: str
    purchased_at: datetime.datetime
    card_fingerprint: str = ""
    lines: tuple = ()


@dataclasses.dataclass(frozen=True)
class Recorded:
    purchase: StorePurchase
    created: bool


def _validated(data: PurchaseInput, now: datetime.datetime) -> tuple[Channel, Warehouse]:
    if not data.external_id or len(data.external_id) > 255 or "\x00" in data.external_id:
        raise StoreError(
            "Give the till's id of the payment (1 to 255 characters).",
            code=StoreErrorCode.REQUIRED,
            field="externalId",
        )
    if data.amount is None or data.amount <= 0:
        raise StoreError("The amount must be more than zero.", field="amount")
    if data.amount >= MAX_AMOUNT:
        raise StoreError(f"The amount must be less than {MAX_AMOUNT}.", field="amount")
    precision = Decimal(10) ** -get_currency_precision(data.currency or "USD")
    if data.amount != data.amount.quantize(precision):
        raise StoreError(
            f"The amount has more decimal places than {data.currency} has.", field="amount"
        )
    if data.purchased_at > now + datetime.timedelta(minutes=5):
        raise StoreError("The purchase cannot be in the future.", field="purchasedAt")
    _lines_validated(data.lines)
    channel = Channel.objects.filter(pk=data.channel_id).first()
    if channel is None:
        raise StoreError("No such channel.", code=StoreErrorCode.NOT_FOUND, field="channel")
    if data.currency != channel.currency_code:
        raise StoreError(
            f"The channel {channel.slug} takes {channel.currency_code}, not {data.currency}.",
            code=StoreErrorCode.CURRENCY_MISMATCH,
            field="currency",
        )
    warehouse = Warehouse.objects.filter(pk=data.warehouse_id).first()
    if warehouse is None:
        raise StoreNotFound("No such store (a Saleor warehouse).", field="store")
    if not warehouse.channels.filter(pk=channel.pk).exists():
        raise StoreNotFound(
            f"The store {warehouse.name} does not serve the channel {channel.slug}.",
            field="store",
        )
    return channel, warehouse


def _lines_validated(lines: tuple) -> None:
    if len(lines) > MAX_LINES:
        raise StoreError(f"At most {MAX_LINES} lines.", field="lines")
    for number, line in enumerate(lines, start=1):
        name = str(line.get("name") or "").strip()
        sku = str(line.get("sku") or "")
        if not name or len(name) > MAX_TEXT or len(sku) > MAX_TEXT or "\x00" in name + sku:
            raise StoreError(
                f"Line {number}: give a name and a code of up to {MAX_TEXT} characters.",
                field="lines",
            )
        if int(line.get("quantity") or 0) < 1 or Decimal(line.get("amount") or 0) < 0:
            raise StoreError(
                f"Line {number}: the quantity must be 1 or more and the amount not negative.",
                field="lines",
            )


def _stored_lines(lines: tuple) -> list[dict]:
    return [
        {
            "sku": str(line.get("sku") or ""),
            "name": str(line["name"]).strip(),
            "quantity": int(line["quantity"]),
            "amount": str(line.get("amount") or "0"),
        }
        for line in lines
    ]


def _same_purchase(purchase: StorePurchase, data: PurchaseInput) -> bool:
    return (
        purchase.channel_id == data.channel_id
        and str(purchase.warehouse_id) == str(data.warehouse_id)
        and purchase.amount == data.amount
        and purchase.currency == data.currency
    )


def _earlier(data: PurchaseInput) -> Recorded | None:
    purchase = StorePurchase.objects.filter(
        source=data.source, external_id=data.external_id
    ).first()
    if purchase is None:
        return None
    if not _same_purchase(purchase, data):
        raise PurchaseConflict(
            "A different purchase was already recorded under this id.", field="externalId"
        )
    return Recorded(purchase=purchase, created=False)


def store_purchase_record(*, data: PurchaseInput, now: datetime.datetime | None = None) -> Recorded:
    """Record a purchase at a till once per ``(source, external_id)``; nothing is linked."""
    now = now or timezone.now()
    _channel, warehouse = _validated(data, now)
    if (earlier := _earlier(data)) is not None:
        return earlier
    for _attempt in range(RECEIPT_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                purchase = StorePurchase.objects.create(
                    channel_id=data.channel_id,
                    warehouse=warehouse,
                    warehouse_name=warehouse.name,
                    source=data.source,
                    external_id=data.external_id,
                    receipt_code=member_code_generate(),
                    amount=data.amount,
                    currency=data.currency,
                    purchased_at=data.purchased_at,
                    card_fingerprint=data.card_fingerprint,
                    lines=_stored_lines(data.lines),
                    created_at=now,
                )
            return Recorded(purchase=purchase, created=True)
        except IntegrityError:
            # The same payment recorded by a concurrent request, or (one in 10^13) a
            # receipt code drawn before.
            if (earlier := _earlier(data)) is not None:
                return earlier
    raise IntegrityError(f"no free receipt code in {RECEIPT_CODE_ATTEMPTS} attempts")


def _refunded(purchase: StorePurchase) -> Decimal:
    refund = StoreRefund.objects.filter(
        source=purchase.source, external_id=purchase.external_id
    ).first()
    return refund.amount if refund else Decimal(0)


def _purchase_for_points(purchase: StorePurchase, link: StorePurchaseLink) -> Purchase:
    return Purchase(
        key=f"store:{purchase.pk}:link:{link.pk}",
        user_id=link.user_id,
        channel_id=purchase.channel_id,
        amount=purchase.amount,
        currency=purchase.currency,
        occurred_at=purchase.purchased_at,
        reference=f"store purchase {purchase.receipt_code}",
        actor_user_id=link.actor_user_id,
        actor_app_id=link.actor_app_id,
    )


def _current_link(purchase: StorePurchase) -> StorePurchaseLink | None:
    if purchase.user_id is None:
        return None
    return (
        StorePurchaseLink.objects.filter(purchase=purchase, action=LinkAction.LINK)
        .order_by("-pk")
        .first()
    )


def store_purchase_points_sync(
    *, purchase_id: int, now: datetime.datetime | None = None
) -> PurchasePoints:
    """Bring the linked shopper's points in line with the purchase and its refunds."""
    with transaction.atomic():
        purchase = store_purchase_qs_select_for_update().get(pk=purchase_id)
        link = _current_link(purchase)
        if link is None or link.user_id is None:
            return NO_POINTS
        return purchase_points_sync(
            purchase=_purchase_for_points(purchase, link), refunded=_refunded(purchase), now=now
        )


def store_purchase_link(
    *,
    purchase_id: int,
    user_id: int,
    method: str,
    actor: Actor,
    now: datetime.datetime | None = None,
) -> PurchasePoints:
    """Link the purchase to a shopper and credit their points (back-dated to it).

    Linking to the shopper it is already linked to changes nothing; a purchase linked
    to someone else is refused (staff unlink it first).
    """
    now = now or timezone.now()
    with transaction.atomic():
        purchase = store_purchase_qs_select_for_update().get(pk=purchase_id)
        if purchase.user_id == user_id:
            return NO_POINTS
        if purchase.user_id is not None:
            raise LinkRefused(
                "This purchase is already linked to another customer.", field="purchase"
            )
        link = StorePurchaseLink.objects.create(
            purchase=purchase,
            action=LinkAction.LINK,
            user_id=user_id,
            method=method,
            actor_user_id=actor.user_id,
            actor_app_id=actor.app_id,
            created_at=now,
        )
        StorePurchase.objects.filter(pk=purchase.pk).update(user_id=user_id)
        return purchase_points_sync(
            purchase=_purchase_for_points(purchase, link), refunded=_refunded(purchase), now=now
        )


def store_purchase_recognise(
    *, purchase_id: int, now: datetime.datetime | None = None
) -> PurchasePoints | None:
    """Link an unlinked purchase to the one shopper who opted in with its card.

    For a purchase just recorded with nobody named (``recognition.py``); None when
    nobody or several shoppers opted in with this card in the channel (nothing linked).
    """
    purchase = StorePurchase.objects.get(pk=purchase_id)
    user_id = None
    if purchase.user_id is None:
        user_id = card_owner(
            channel_id=purchase.channel_id, card_fingerprint=purchase.card_fingerprint
        )
    if user_id is None:
        return None
    try:
        return store_purchase_link(
            purchase_id=purchase_id, user_id=user_id, method=LinkMethod.CARD, actor=Actor(), now=now
        )
    except LinkRefused:  # linked to someone else meanwhile
        return None


def store_purchase_unlink(
    *, purchase_id: int, reason: str, actor: Actor, now: datetime.datetime | None = None
) -> PurchasePoints:
    """Unlink a wrongly linked purchase: its points are taken back, the history kept."""
    now = now or timezone.now()
    if not reason.strip():
        raise StoreError(
            "Say why the purchase is unlinked.", code=StoreErrorCode.REQUIRED, field="reason"
        )
    with transaction.atomic():
        purchase = store_purchase_qs_select_for_update().get(pk=purchase_id)
        link = _current_link(purchase)
        if link is None:
            raise StoreError(
                "This purchase is not linked to anyone.",
                code=StoreErrorCode.NOT_LINKED,
                field="purchase",
            )
        StorePurchaseLink.objects.create(
            purchase=purchase,
            action=LinkAction.UNLINK,
            user_id=purchase.user_id,
            reason=reason.strip()[:1000],
            actor_user_id=actor.user_id,
            actor_app_id=actor.app_id,
            created_at=now,
        )
        StorePurchase.objects.filter(pk=purchase.pk).update(user_id=None)
        return purchase_points_sync(
            purchase=_purchase_for_points(purchase, link), void=True, now=now
        )


def store_refund_record(
    *,
    source: str,
    external_id: str,
    refunded_total: Decimal,
    currency: str,
    now: datetime.datetime | None = None,
) -> StorePurchase | None:
    """Record what a source reports refunded of a payment in all; take back its points.

    Totals only grow (a replayed, older event changes nothing). Returns the purchase,
    or None when it has not arrived yet (its points then start from the refunded total).
    """
    now = now or timezone.now()
    with transaction.atomic():
        refund, created = StoreRefund.objects.select_for_update().get_or_create(
            source=source,
            external_id=external_id,
            defaults={"amount": refunded_total, "currency": currency, "updated_at": now},
        )
        if not created and refunded_total > refund.amount:
            StoreRefund.objects.filter(pk=refund.pk).update(amount=refunded_total, updated_at=now)
    purchase = StorePurchase.objects.filter(source=source, external_id=external_id).first()
    if purchase is not None:
        store_purchase_points_sync(purchase_id=purchase.pk, now=now)
    return purchase


@dataclasses.dataclass(frozen=True)
class CustomerKeys:
    """How the till names the shopper: exactly one of the three."""

    member_code: str | None = None
    email: str | None = None
    phone: str | None = None


def _customer(*, channel_id: int, customer: CustomerKeys) -> tuple[int, str]:
    return customer_find(
        channel_id=channel_id,
        member_code=customer.member_code,
        email=customer.email,
        phone=customer.phone,
    )


@dataclasses.dataclass(frozen=True)
class TillSale:
    purchase: StorePurchase
    created: bool
    points: PurchasePoints


def store_purchase_record_at_till(
    *,
    data: PurchaseInput,
    customer: CustomerKeys | None,
    actor: Actor,
    now: datetime.datetime | None = None,
) -> TillSale:
    """Record a till's purchase and, when the till names the shopper, link it to them.

    The shopper is found before anything is written: an unknown member code records
    nothing. Recording the same purchase again links nobody new: a purchase already
    linked to someone else is refused (``ALREADY_LINKED``). A new purchase with nobody
    named links to the shopper who opted in with its card (``store_purchase_recognise``).
    """
    now = now or timezone.now()
    user_id = method = None
    if customer is not None:
        user_id, method = _customer(channel_id=data.channel_id, customer=customer)
    with transaction.atomic():
        recorded = store_purchase_record(data=data, now=now)
        points = NO_POINTS
        if user_id is not None:
            points = store_purchase_link(
                purchase_id=recorded.purchase.pk,
                user_id=user_id,
                method=method,
                actor=actor,
                now=now,
            )
        elif recorded.created:
            points = store_purchase_recognise(purchase_id=recorded.purchase.pk, now=now) or points
    recorded.purchase.refresh_from_db()
    return TillSale(purchase=recorded.purchase, created=recorded.created, points=points)


def store_purchase_link_customer(
    *, purchase_id: int, customer: CustomerKeys, actor: Actor, now: datetime.datetime | None = None
) -> PurchasePoints:
    """Staff or the POS link a recorded purchase to the shopper they name."""
    purchase = StorePurchase.objects.get(pk=purchase_id)
    user_id, method = _customer(channel_id=purchase.channel_id, customer=customer)
    return store_purchase_link(
        purchase_id=purchase_id, user_id=user_id, method=method, actor=actor, now=now
    )
