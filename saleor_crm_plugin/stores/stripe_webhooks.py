"""Stripe Terminal: in-store card payments recorded from Stripe's signed webhook events.

Stripe posts every event of the account to each endpoint, and each channel has its own
(``/plugins/channel/<channel>/saleor.crm/stripe/webhook``, ``stripe_http.py``).
``stripe_event_handle`` takes the raw body and the ``Stripe-Signature`` header:

1. It verifies them with ``stripe.Webhook.construct_event`` (five minutes' tolerance),
   trying each of the channel's signing secrets (two while one is rotated). An event
   that does not verify is refused (``StripeEventRejected``) before any of it is read;
   neither a secret nor the header is ever logged.
2. ``payment_intent.succeeded`` of a payment taken at a till (``card_present``,
   ``interac_present``) records one ``StorePurchase`` with ``store_purchase_record``:
   source ``stripe``, external id the PaymentIntent's id, the amount received, when it
   was created, the card's fingerprint when the payload carries the charge, and the
   store from ``metadata.store`` or else the channel's Terminal mapping
   (``stripe_payloads.store_hints``). A ``metadata.member_code`` (or ``email``) links
   the shopper, points back-dated to the purchase; with neither, the shopper who opted
   in to having this card recognised is linked, if exactly one did (``recognition.py``).
3. ``charge.refunded`` records the charge's ``amount_refunded`` (Stripe's running
   total) with ``store_refund_record``, whether or not its purchase has arrived: a
   purchase recorded later earns on what is left of it.

Everything else is acknowledged and ignored, with a reason: other event types, online
card payments (Saleor's checkouts earn through their orders), payments Saleor's own
Stripe integrations made, payments for another channel (``metadata.channel``, another
currency) and payments from a store this channel does not know. The last is logged as a
warning and not recorded: an account serving several channels sends each endpoint the
others' payments too, so for one channel it is normal and for another a missing
mapping; retrying would not help, and Stripe's Dashboard resends an event once mapped.

Replays change nothing: the same event, or the same payment under a new event id, finds
the purchase recorded before (idempotent on the PaymentIntent's id) and links nobody
again; a refund total only grows. A purchase and its refund arriving at once take
turns on the payment's lock (``lock_objects.store_payment_lock``), so the second sees
the first. Each event is handled in one transaction, so a failure leaves nothing
written and Stripe's retry starts afresh.
"""

import dataclasses
import datetime
import logging

import stripe
from django.db import transaction
from django.utils import timezone
from saleor.channel.models import Channel
from saleor.warehouse.models import Warehouse

from ..config import StoresConfig
from . import stripe_payloads as payloads
from .customers import customer_find
from .error_codes import StoreErrorCode
from .exceptions import StoreError
from .lock_objects import store_payment_lock
from .models import PurchaseSource
from .purchases import (
    Actor,
    PurchaseInput,
    store_purchase_link,
    store_purchase_recognise,
    store_purchase_record,
    store_refund_record,
)

logger = logging.getLogger(__name__)

SIGNATURE_TOLERANCE_SECONDS = 300
PAYMENT_SUCCEEDED = "payment_intent.succeeded"
CHARGE_REFUNDED = "charge.refunded"


class Outcome:
    RECORDED = "recorded"
    ALREADY_RECORDED = "already_recorded"
    REFUND_RECORDED = "refund_recorded"
    IGNORED = "ignored"


class StripeEventRejected(StoreError):
    """A request not verified as Stripe's event for this channel: nothing of it is read."""


@dataclasses.dataclass(frozen=True)
class StripeEventResult:
    event_id: str
    event_type: str
    outcome: str
    # Why an event was ignored, or what became of a recorded one ("linked").
    detail: str = ""
    purchase_id: int | None = None


@dataclasses.dataclass(frozen=True)
class _Endpoint:
    channel: Channel
    config: StoresConfig
    now: datetime.datetime


_REFUSALS = {
    StoreErrorCode.STORE_NOT_FOUND: "unknown_store",
    StoreErrorCode.CURRENCY_MISMATCH: "other_currency",
    StoreErrorCode.EXTERNAL_ID_CONFLICT: "external_id_conflict",
}


def _verified_event(payload: bytes, signature_header: str, secrets: tuple[str, ...]) -> dict:
    if not secrets:
        raise StripeEventRejected("No Stripe signing secret is configured for the channel.")
    if not signature_header:
        raise StripeEventRejected("The Stripe-Signature header is missing.")
    for secret in secrets:
        try:
            event = stripe.Webhook.construct_event(
                payload, signature_header, secret, tolerance=SIGNATURE_TOLERANCE_SECONDS
            )
        except stripe.error.SignatureVerificationError:
            # Raised with the header: never chained, never logged.
            continue
        except ValueError:
            raise StripeEventRejected("The body is not a JSON event.") from None
        return event.to_dict_recursive()
    raise StripeEventRejected("No configured secret verifies the signature within 5 minutes.")


def _result(event: dict, outcome: str, detail: str = "", purchase_id=None) -> StripeEventResult:
    return StripeEventResult(
        event_id=str(event.get("id") or ""),
        event_type=str(event.get("type") or ""),
        outcome=outcome,
        detail=detail,
        purchase_id=purchase_id,
    )


def _currency(stripe_object: dict) -> str:
    currency = stripe_object.get("currency")
    return currency.upper() if isinstance(currency, str) else ""


def _not_for_this_channel(
    intent: dict | None, charge: dict | None, metadata: dict[str, str], endpoint: _Endpoint
) -> str:
    """Why the payment is not an in-store purchase of this channel, or ``""``."""
    if not payloads.is_present(intent, charge):
        return "not_card_present"
    if payloads.is_saleor_checkout_payment(metadata):
        return "saleor_checkout"
    channel = endpoint.channel
    if metadata.get(payloads.CHANNEL_KEY, channel.slug) != channel.slug:
        return "other_channel"
    if _currency(intent or charge or {}) != channel.currency_code:
        return "other_currency"
    return ""


def _warehouse_id(hints: payloads.StoreHints, config: StoresConfig):
    slug = hints.slug or next(
        (
            config.stripe_terminal_locations[terminal_id]
            for terminal_id in hints.terminal_ids
            if terminal_id in config.stripe_terminal_locations
        ),
        "",
    )
    if not slug:
        return None
    return Warehouse.objects.filter(slug=slug).values_list("pk", flat=True).first()


def _purchase_input(
    intent: dict, charge: dict | None, warehouse_id, endpoint: _Endpoint
) -> PurchaseInput:
    currency = _currency(intent)
    return PurchaseInput(
        channel_id=endpoint.channel.pk,
        warehouse_id=warehouse_id,
        source=PurchaseSource.STRIPE,
        external_id=str(intent.get("id") or ""),
        amount=payloads.amount_from_stripe(int(intent.get("amount_received") or 0), currency),
        currency=currency,
        purchased_at=datetime.datetime.fromtimestamp(int(intent.get("created") or 0), datetime.UTC),
        card_fingerprint=payloads.card_fingerprint(charge),
    )


def _link_customer(purchase_id: int, metadata: dict[str, str], endpoint: _Endpoint) -> str:
    """Link the shopper the POS named (member code first, else e-mail), or else the one
    who opted in with the card (``store_purchase_recognise``); what became of it."""
    member_code = metadata.get(payloads.MEMBER_CODE_KEY, "")
    email = metadata.get(payloads.EMAIL_KEY, "")
    if not member_code and not email:
        recognised = store_purchase_recognise(purchase_id=purchase_id, now=endpoint.now)
        return "card_recognised" if recognised is not None else ""
    try:
        user_id, method = customer_find(
            channel_id=endpoint.channel.pk,
            member_code=member_code or None,
            email=None if member_code else email,
        )
    except StoreError as error:
        # The code or address itself is the shopper's: not logged.
        logger.info("saleor-crm: store purchase %s not linked (%s)", purchase_id, error.code.value)
        return "customer_not_found"
    store_purchase_link(
        purchase_id=purchase_id, user_id=user_id, method=method, actor=Actor(), now=endpoint.now
    )
    return "linked"


def _not_recorded(
    event: dict, intent: dict, hints: payloads.StoreHints, endpoint: _Endpoint, why: str
) -> None:
    logger.warning(
        "saleor-crm: Stripe payment %s (event %s) not recorded in channel %s: %s "
        "(store %r, Terminal %r)",
        intent.get("id"),
        event.get("id"),
        endpoint.channel.slug,
        why,
        hints.slug,
        hints.terminal_ids,
    )


def _payment_succeeded(event: dict, intent: dict, endpoint: _Endpoint) -> StripeEventResult:
    charge = payloads.intent_charge(intent)
    metadata = payloads.merged_metadata(intent, charge)
    if reason := _not_for_this_channel(intent, charge, metadata, endpoint):
        return _result(event, Outcome.IGNORED, reason)
    hints = payloads.store_hints(intent, charge, metadata)
    warehouse_id = _warehouse_id(hints, endpoint.config)
    if warehouse_id is None:
        _not_recorded(event, intent, hints, endpoint, "no store of this name or mapping")
        return _result(event, Outcome.IGNORED, "unknown_store")
    data = _purchase_input(intent, charge, warehouse_id, endpoint)
    # Its refund may be handled at this very moment: one after the other.
    store_payment_lock(source=data.source, external_id=data.external_id)
    try:
        recorded = store_purchase_record(data=data, now=endpoint.now)
    except StoreError as error:
        _not_recorded(event, intent, hints, endpoint, error.message)
        return _result(event, Outcome.IGNORED, _REFUSALS.get(error.code, "invalid"))
    purchase_id = recorded.purchase.pk
    if not recorded.created:
        return _result(event, Outcome.ALREADY_RECORDED, purchase_id=purchase_id)
    linked = _link_customer(purchase_id, metadata, endpoint)
    return _result(event, Outcome.RECORDED, linked, purchase_id=purchase_id)


def _charge_refunded(event: dict, charge: dict, endpoint: _Endpoint) -> StripeEventResult:
    metadata = payloads.merged_metadata(None, charge)
    if reason := _not_for_this_channel(None, charge, metadata, endpoint):
        return _result(event, Outcome.IGNORED, reason)
    intent_id = charge.get("payment_intent")
    if isinstance(intent_id, dict):
        intent_id = intent_id.get("id")
    if not intent_id or not isinstance(intent_id, str):
        return _result(event, Outcome.IGNORED, "no_payment_intent")
    currency = _currency(charge)
    store_payment_lock(source=PurchaseSource.STRIPE, external_id=intent_id)
    purchase = store_refund_record(
        source=PurchaseSource.STRIPE,
        external_id=intent_id,
        refunded_total=payloads.amount_from_stripe(
            int(charge.get("amount_refunded") or 0), currency
        ),
        currency=currency,
        now=endpoint.now,
    )
    if purchase is None:
        return _result(event, Outcome.REFUND_RECORDED, "purchase_not_recorded_yet")
    return _result(event, Outcome.REFUND_RECORDED, purchase_id=purchase.pk)


_HANDLERS = {PAYMENT_SUCCEEDED: _payment_succeeded, CHARGE_REFUNDED: _charge_refunded}


def stripe_event_handle(
    *,
    payload: bytes,
    signature_header: str,
    channel_id: int,
    config: StoresConfig,
    now: datetime.datetime | None = None,
) -> StripeEventResult:
    """Verify one webhook delivery and record what it says of the channel's stores.

    Raises ``StripeEventRejected`` when it does not verify; any other error leaves
    nothing written.
    """
    event = _verified_event(payload, signature_header, config.stripe_webhook_secrets)
    handler = _HANDLERS.get(event.get("type"))
    stripe_object = (event.get("data") or {}).get("object")
    if handler is None or not isinstance(stripe_object, dict):
        return _result(event, Outcome.IGNORED, "event_type")
    endpoint = _Endpoint(
        channel=Channel.objects.get(pk=channel_id), config=config, now=now or timezone.now()
    )
    with transaction.atomic():
        result = handler(event, stripe_object, endpoint)
    logger.info(
        "saleor-crm: Stripe event %s (%s) in channel %s: %s %s",
        result.event_id,
        result.event_type,
        endpoint.channel.slug,
        result.outcome,
        result.detail,
    )
    return result
