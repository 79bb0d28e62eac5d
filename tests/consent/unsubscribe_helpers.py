"""Helpers of the unsubscribe tests: rows written, a token's parts, forged tokens."""

import json
import uuid

from django.core import signing

from saleor_crm_plugin.consent.models import MarketingConsent, MarketingRecipient
from saleor_crm_plugin.consent.unsubscribe import LEGACY_UNSUBSCRIBE_SALT, UNSUBSCRIBE_SALT


def written() -> tuple[list, list]:
    """Every consent and recipient row, to prove a refusal wrote nothing."""
    return (
        list(MarketingConsent.objects.order_by("pk").values()),
        list(MarketingRecipient.objects.order_by("pk").values()),
    )


def decoded_parts(token: str) -> list[bytes]:
    """Each ``:``-separated part of a token, base64-decoded where it decodes."""
    parts = []
    for part in token.split(":"):
        try:
            parts.append(signing.b64_decode(part.encode()))
        except ValueError:
            parts.append(part.encode())
    return parts


def _tampered(token: str) -> str:
    value, signature = token.rsplit(":", 1)
    return f"{value}:{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


def _pseudonym_swapped(token: str) -> str:
    """Ann's signature and time stamp on another recipient's id."""
    other = MarketingRecipient.objects.create(email="bob@example.com")
    _value, stamp, signature = token.split(":")
    return f"{signing.b64_encode(json.dumps(str(other.pk)).encode()).decode()}:{stamp}:{signature}"


FORGERIES = {
    "tampered signature": _tampered,
    "pseudonym swapped": _pseudonym_swapped,
    "signed without our salt": lambda token: signing.dumps(token.split(":")[0]),
    "a cart link's salt": lambda token: signing.dumps(
        signing.loads(token, salt=UNSUBSCRIBE_SALT), salt="saleor_crm.cart_restore"
    ),
    "our salt, not an id": lambda token: signing.dumps("ann@example.com", salt=UNSUBSCRIBE_SALT),
    "our salt, nobody's id": lambda token: signing.dumps(str(uuid.uuid4()), salt=UNSUBSCRIBE_SALT),
    "legacy salt, no e-mail": lambda token: signing.dumps(
        {"user": 1}, salt=LEGACY_UNSUBSCRIBE_SALT
    ),
    "empty": lambda token: "",
    "garbage": lambda token: "not-a-token",
    "NUL byte": lambda token: token + "\x00",
}
