"""Stripe events as Stripe sends them: small builders, signed like Stripe signs them.

A PaymentIntent is built in either shape its API versions send: ``charges`` embedded
(before 2022-11-15) or ``latest_charge`` (an id, or the charge where expanded). Bodies
are signed with the stripe library's own HMAC (``t=<timestamp>,v1=<hex>``) and a test
secret, and posted through Saleor's real per-channel plugin URL.
"""

import itertools
import json
import time

import stripe

SECRET = "whsec_testsecret0123456789"
OTHER_SECRET = "whsec_othersecret9876543210"
LOCATION = "tml_FrontStreet"
READER = "tmr_Counter1"
FINGERPRINT = "Xt5EWLLDS7FJjR1c"
OLD_SHAPE, NEW_SHAPE_ID, NEW_SHAPE_EXPANDED = "charges", "latest_charge_id", "latest_charge"

_numbers = itertools.count(1)


def webhook_url(channel_slug: str) -> str:
    return f"/plugins/channel/{channel_slug}/saleor.crm/stripe/webhook"


def charge(
    *,
    intent_id: str,
    amount: int,
    currency: str = "usd",
    method: str = "card_present",
    amount_refunded: int = 0,
    fingerprint: str = FINGERPRINT,
    location: str | None = None,
    reader: str | None = None,
    metadata: dict | None = None,
) -> dict:
    details = {"brand": "visa", "last4": "4242", "fingerprint": fingerprint}
    if method.endswith("_present"):
        details["read_method"] = "contactless_emv"
    if location:
        details["location"] = location
    if reader:
        details["reader"] = reader
    return {
        "id": f"ch_{intent_id.removeprefix('pi_')}",
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": amount_refunded,
        "refunded": amount_refunded >= amount,
        "currency": currency,
        "captured": True,
        "status": "succeeded",
        "payment_intent": intent_id,
        "metadata": dict(metadata or {}),
        "payment_method_details": {"type": method, method: details},
    }


def payment_intent(
    *,
    amount: int = 4250,
    currency: str = "usd",
    method: str = "card_present",
    shape: str = OLD_SHAPE,
    metadata: dict | None = None,
    created: int | None = None,
    intent_id: str | None = None,
    location: str | None = None,
    reader: str | None = None,
) -> dict:
    """A succeeded PaymentIntent; ``metadata`` is what the POS set on it."""
    intent_id = intent_id or f"pi_3Test{next(_numbers):08d}"
    intent = {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_received": amount,
        "currency": currency,
        "capture_method": "manual" if method.endswith("_present") else "automatic",
        "created": created if created is not None else int(time.time()) - 60,
        "status": "succeeded",
        "payment_method": f"pm_{intent_id.removeprefix('pi_')}",
        "payment_method_types": [method],
        "metadata": dict(metadata or {}),
    }
    the_charge = charge(
        intent_id=intent_id,
        amount=amount,
        currency=currency,
        method=method,
        location=location,
        reader=reader,
        metadata=metadata,
    )
    if shape == OLD_SHAPE:
        intent["charges"] = {"object": "list", "data": [the_charge], "has_more": False}
    elif shape == NEW_SHAPE_EXPANDED:
        intent["latest_charge"] = the_charge
    else:
        intent["latest_charge"] = the_charge["id"]
    return intent


def event(event_type: str, stripe_object: dict, *, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_1Test{next(_numbers):08d}",
        "object": "event",
        "api_version": "2022-11-15" if "latest_charge" in stripe_object else "2020-08-27",
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "type": event_type,
        "data": {"object": stripe_object},
    }


def succeeded(intent: dict, **kwargs) -> dict:
    return event("payment_intent.succeeded", intent, **kwargs)


def refunded(intent: dict, amount_refunded: int, **kwargs) -> dict:
    """``charge.refunded`` of the intent's charge, ``amount_refunded`` in all so far."""
    method = intent["payment_method_types"][0]
    the_charge = charge(
        intent_id=intent["id"],
        amount=intent["amount_received"],
        currency=intent["currency"],
        method=method,
        amount_refunded=amount_refunded,
        metadata=intent["metadata"],
    )
    return event("charge.refunded", the_charge, **kwargs)


def signature_header(body: str, secret: str = SECRET, *, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{body}", secret)
    return f"t={timestamp},v1={signature}"


def post_body(client, url: str, body: str, header: str | None):
    """POST a raw body with the Stripe-Signature ``header`` (None: no header)."""
    headers = {} if header is None else {"Stripe-Signature": header}
    return client.post(url, data=body, content_type="application/json", headers=headers)


def post_event(client, channel_slug: str, stripe_event: dict, secret: str = SECRET, **kwargs):
    """POST the event as Stripe does: the raw JSON body and its Stripe-Signature."""
    body = json.dumps(stripe_event)
    return post_body(
        client, webhook_url(channel_slug), body, signature_header(body, secret, **kwargs)
    )
