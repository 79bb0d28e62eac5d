"""The one-time codes of receipt claims: drawn, kept as a keyed hash, compared.

A code is six digits drawn with ``secrets`` (a million values). What is stored is
``HMAC-SHA256(SECRET_KEY, "<claim id>:<code>")`` (Django's ``salted_hmac`` with this
module's salt): the claim id salts it, so one code under two claims hashes differently,
and the server's secret peppers it, so a copy of the table alone does not give the codes
back by trying the million values. Codes are compared in constant time.

A claim accepts at most ``MAX_ATTEMPTS`` wrong codes (the chance of guessing is then 5 in
a million), and only while it is open: not confirmed, not expired (a new claim of the
same receipt expires the older one), not locked by wrong attempts.
"""

import datetime
import hmac
import secrets

from django.utils.crypto import salted_hmac

from .models import StorePurchaseClaim

CODE_DIGITS = 6
MAX_ATTEMPTS = 5
_SALT = "saleor_crm_plugin.stores.claim_code"


def claim_code_draw() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def claim_code_hash(*, claim_id: int, code: str) -> str:
    return salted_hmac(_SALT, f"{claim_id}:{code}", algorithm="sha256").hexdigest()


def claim_code_matches(claim: StorePurchaseClaim, code: str) -> bool:
    """Whether ``code`` is the claim's; never true before a code was sent."""
    expected = claim_code_hash(claim_id=claim.pk, code=code)
    return bool(claim.code_hash) and hmac.compare_digest(claim.code_hash, expected)


def claim_is_open(claim: StorePurchaseClaim, now: datetime.datetime) -> bool:
    return claim.confirmed_at is None and claim.expires_at > now and claim.attempts < MAX_ATTEMPTS
