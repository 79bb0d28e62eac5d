"""Unsubscribe links that work without logging in.

Every CRM message carries a link with a token naming the recipient's e-mail, signed
with Django's ``SECRET_KEY`` (``django.core.signing``) under a salt of its own, so a
token made for another purpose (a password-reset token, a session) is never accepted
here and nobody can forge one for someone else's address. Tokens do not expire: an
unsubscribe link in an old e-mail must keep working. Unsubscribing records the
shopper's consent as withdrawn (source ``unsubscribe_link``); doing it twice changes
nothing more.
"""

from django.core import signing

from ..consent.actions import marketing_consent_for, marketing_consent_set, normalize_email
from ..consent.models import ConsentSource
from .error_codes import CartRecoveryErrorCode
from .exceptions import CartRecoveryError

UNSUBSCRIBE_SALT = "saleor_crm.unsubscribe"


class InvalidUnsubscribeToken(CartRecoveryError):
    def __init__(self, message: str = "The unsubscribe link is not valid."):
        super().__init__(message, code=CartRecoveryErrorCode.INVALID_TOKEN, field="token")


def unsubscribe_token_make(*, email: str) -> str:
    return signing.dumps({"email": normalize_email(email)}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token_read(*, token: str) -> str:
    """The e-mail the token was made for; raise InvalidUnsubscribeToken if forged."""
    try:
        data = signing.loads(str(token or ""), salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise InvalidUnsubscribeToken() from None
    email = data.get("email") if isinstance(data, dict) else None
    if not isinstance(email, str) or not email:
        raise InvalidUnsubscribeToken()
    return email


def shopper_unsubscribe(*, token: str) -> str:
    """Withdraw the token's e-mail from marketing; return that e-mail. Idempotent."""
    email = unsubscribe_token_read(token=token)
    current = marketing_consent_for(email=email)
    if current is None or current.granted or current.unsubscribed_at is None:
        marketing_consent_set(email=email, granted=False, source=ConsentSource.UNSUBSCRIBE_LINK)
    return email
