"""Reading Stripe's PaymentIntents and charges as its webhooks deliver them (pure).

Two shapes reach the endpoint, chosen by the API version of the Stripe account or of
the webhook endpoint:

* before 2022-11-15 a PaymentIntent embeds its charges: ``charges: {data: [charge]}``;
* from 2022-11-15 it names ``latest_charge``: an id in webhooks (``"ch_…"``), or the
  charge itself where expanded.

Only an embedded charge says what the card was (``payment_method_details.type`` and its
``fingerprint``) and, from API 2026-02-25, which Terminal ``location`` and ``reader``
took it. Without it, the PaymentIntent's ``payment_method_types`` says whether it was
taken at a till, and its ``metadata`` names the store.

Amounts are integers in Stripe's minor units. Stripe uses the currency's ISO decimals
with one exception that matters here: the Icelandic króna keeps two decimals in the API
(``100`` is 1 ISK) although the króna has none.
"""

import dataclasses
from decimal import Decimal

from ..loyalty.rules import from_minor_units

# Payment methods read by a Terminal reader at a till.
PRESENT_TYPES = frozenset({"card_present", "interac_present"})
# Metadata Saleor's own Stripe integrations put on the PaymentIntents of checkouts: the
# built-in gateway (``payment_id``, beside ``channel``) and the Stripe app
# (``saleor_transaction_id``, ``saleor_source_id``, ``saleor_source_type``). Those
# payments earn through their orders; recording them here would count them twice.
SALEOR_METADATA_KEYS = frozenset(
    {"payment_id", "saleor_transaction_id", "saleor_source_id", "saleor_source_type"}
)
STRIPE_TWO_DECIMAL = frozenset({"ISK"})
# What the POS may put in the PaymentIntent's metadata.
STORE_KEY = "store"
LOCATION_KEY = "location"
CHANNEL_KEY = "channel"
MEMBER_CODE_KEY = "member_code"
EMAIL_KEY = "email"


@dataclasses.dataclass(frozen=True)
class StoreHints:
    """What a payment says of its store: a warehouse slug, and Terminal ids to map."""

    slug: str
    terminal_ids: tuple[str, ...]


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def intent_charge(intent: dict) -> dict | None:
    """The PaymentIntent's charge when the payload carries it (either shape), else None."""
    latest = intent.get("latest_charge")
    if isinstance(latest, dict):
        return latest
    charges = [charge for charge in _dict(intent.get("charges")).get("data") or () if charge]
    succeeded = [charge for charge in charges if _dict(charge).get("status") == "succeeded"]
    found = (succeeded or charges or [None])[0]
    return found if isinstance(found, dict) else None


def _payment_method_details(charge: dict | None) -> tuple[str, dict]:
    details = _dict(_dict(charge).get("payment_method_details"))
    method = _text(details.get("type"))
    return method, _dict(details.get(method))


def method_type(intent: dict | None, charge: dict | None) -> str:
    """How the payment was made: the charge's method, else the PaymentIntent's types.

    A PaymentIntent without its charge counts as card-present only when every type it
    allows is one (a till's ``["card_present", "interac_present"]``).
    """
    method, _details = _payment_method_details(charge)
    if method:
        return method
    types = [_text(kind) for kind in _dict(intent).get("payment_method_types") or ()]
    if types and all(kind in PRESENT_TYPES for kind in types):
        return types[0]
    return next((kind for kind in types if kind not in PRESENT_TYPES), "")


def is_present(intent: dict | None, charge: dict | None) -> bool:
    return method_type(intent, charge) in PRESENT_TYPES


def merged_metadata(intent: dict | None, charge: dict | None) -> dict[str, str]:
    """The charge's metadata overlaid with the PaymentIntent's (the POS sets the latter)."""
    merged = {}
    for source in (charge, intent):
        for key, value in _dict(_dict(source).get("metadata")).items():
            if text := _text(value):
                merged[str(key)] = text
    return merged


def is_saleor_checkout_payment(metadata: dict[str, str]) -> bool:
    return any(key in metadata for key in SALEOR_METADATA_KEYS)


def amount_from_stripe(minor: int, currency: str) -> Decimal:
    """An amount in Stripe's minor units of ``currency`` (upper case) as a Decimal."""
    if currency in STRIPE_TWO_DECIMAL:
        return Decimal(minor).scaleb(-2)
    return from_minor_units(minor, currency)


def card_fingerprint(charge: dict | None) -> str:
    """The card's fingerprint when the payload carries the charge, else ``""``."""
    _method, details = _payment_method_details(charge)
    fingerprint = _text(details.get("fingerprint"))
    return fingerprint if len(fingerprint) <= 64 else ""


def store_hints(intent: dict, charge: dict | None, metadata: dict[str, str]) -> StoreHints:
    """The store the payment names: ``metadata.store``, else Terminal ids to map.

    Terminal ids in order: the charge's location and reader (API 2026-02-25 on), then a
    location the POS put in ``metadata.location``.
    """
    _method, details = _payment_method_details(charge)
    candidates = (
        _text(details.get("location")),
        _text(details.get("reader")),
        metadata.get(LOCATION_KEY, ""),
    )
    return StoreHints(
        slug=metadata.get(STORE_KEY, ""),
        terminal_ids=tuple(candidate for candidate in candidates if candidate),
    )
