"""Unsubscribe links of the CRM's marketing e-mail: a signed pseudonym that expires.

Every marketing message (cart reminders today, every journey tomorrow) names its
recipient in its unsubscribe links by a **pseudonym**, never by the e-mail: a
``MarketingRecipient`` row (one per normalised e-mail, a random UUID, made on first
send with ``INSERT … ON CONFLICT DO NOTHING``). The token is that id signed with
Django's ``SECRET_KEY`` under a salt of its own (``django.core.signing.dumps``, which
stamps the time), so a link in a proxy log or a link scanner's report tells nobody the
address, a value signed for another purpose (a cart link, a password reset) is never
accepted, and nobody can make one for someone else.

A token is accepted for ``UNSUBSCRIBE_TOKEN_MAX_AGE`` (180 days) after its message was
made. Mailbox providers and CAN-SPAM want a link to work at least 30 days after sending;
every new message carries a fresh token, so a shopper who still gets our e-mail always
holds a live link. An older token is refused as expired (``InvalidUnsubscribeToken``
with ``expired``) and nothing is written.

Tokens issued before the pseudonyms (the salt ``saleor_crm.unsubscribe``, naming the
e-mail) are still accepted, under the same age limit measured from their own time stamp,
so links already in inboxes keep working; none is made any more, and the last ones
lapse 180 days after the upgrade.

Each message carries two links made from one token:

* the storefront's page (``UnsubscribeLinks.page_url``, the channel's URL with
  ``{token}``), which calls the ``crmUnsubscribe(token:)`` mutation;
* the **one-click** URL (``one_click_url``): ``/plugins/saleor.crm/unsubscribe?token=…``
  on the shop's public URL (Saleor's ``build_absolute_uri``), served by
  ``consent.unsubscribe_http``. It goes into the ``List-Unsubscribe`` header
  (``mail.html_email_send``); a mailbox provider POSTs ``List-Unsubscribe=One-Click``
  to it (RFC 8058).

Unsubscribing records consent as withdrawn (source ``unsubscribe_link``); doing it
again changes nothing more.
"""

import dataclasses
import uuid
from datetime import timedelta
from urllib.parse import urlencode

from django.core import signing
from saleor.core.utils import build_absolute_uri

from ..config import PLUGIN_ID
from .actions import marketing_consent_for, marketing_consent_set, normalize_email
from .models import ConsentSource, MarketingRecipient

UNSUBSCRIBE_SALT = "saleor_crm.unsubscribe.recipient"
# Tokens made before the pseudonyms: ``{"email": …}`` under this salt.
LEGACY_UNSUBSCRIBE_SALT = "saleor_crm.unsubscribe"
UNSUBSCRIBE_TOKEN_MAX_AGE = timedelta(days=180)
UNSUBSCRIBE_PATH = "/unsubscribe"

INVALID_MESSAGE = "The unsubscribe link is not valid."
EXPIRED_MESSAGE = "The unsubscribe link has expired: use the link of a more recent e-mail."


class InvalidUnsubscribeToken(Exception):
    """The token is not ours, was altered, names nobody, or (``expired``) is too old."""

    def __init__(self, *, expired: bool = False):
        self.expired = expired
        self.message = EXPIRED_MESSAGE if expired else INVALID_MESSAGE
        super().__init__(self.message)


@dataclasses.dataclass(frozen=True)
class UnsubscribeLinks:
    """One recipient's unsubscribe token and its links, for one message."""

    token: str
    # The List-Unsubscribe URL: POST unsubscribes (RFC 8058), GET asks first.
    one_click_url: str

    def page_url(self, template: str) -> str:
        """A storefront page URL with ``{token}`` replaced by the token."""
        return template.replace("{token}", self.token)


def marketing_recipient_for(*, email: str) -> MarketingRecipient:
    """The e-mail's pseudonym, made on first use; safe to call concurrently."""
    email = normalize_email(email)
    MarketingRecipient.objects.bulk_create([MarketingRecipient(email=email)], ignore_conflicts=True)
    return MarketingRecipient.objects.get(email=email)


def unsubscribe_token_make(*, email: str) -> str:
    recipient = marketing_recipient_for(email=email)
    return signing.dumps(str(recipient.pk), salt=UNSUBSCRIBE_SALT)


def unsubscribe_one_click_url(*, token: str) -> str:
    return build_absolute_uri(
        f"/plugins/{PLUGIN_ID}{UNSUBSCRIBE_PATH}?{urlencode({'token': token})}"
    )


def unsubscribe_links_make(*, email: str) -> UnsubscribeLinks:
    """The links of one marketing message to ``email`` (writes its pseudonym once)."""
    token = unsubscribe_token_make(email=email)
    return UnsubscribeLinks(token=token, one_click_url=unsubscribe_one_click_url(token=token))


def _signed_value(token: str, *, salt: str):
    try:
        return signing.loads(token, salt=salt, max_age=UNSUBSCRIBE_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise InvalidUnsubscribeToken(expired=True) from None


def _legacy_email(token: str) -> str:
    try:
        data = _signed_value(token, salt=LEGACY_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise InvalidUnsubscribeToken() from None
    email = data.get("email") if isinstance(data, dict) else None
    if not isinstance(email, str) or not email:
        raise InvalidUnsubscribeToken()
    return normalize_email(email)


def unsubscribe_token_read(*, token: str) -> str:
    """The e-mail the token names; raise InvalidUnsubscribeToken if not ours or expired.

    Reads, never writes.
    """
    token = str(token or "")
    try:
        recipient_id = _signed_value(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return _legacy_email(token)
    try:
        recipient_id = uuid.UUID(str(recipient_id))
    except ValueError:
        raise InvalidUnsubscribeToken() from None
    email = (
        MarketingRecipient.objects.filter(pk=recipient_id).values_list("email", flat=True).first()
    )
    if email is None:
        raise InvalidUnsubscribeToken()
    return email


def marketing_recipient_unsubscribe(*, token: str) -> str:
    """Withdraw the token's e-mail from marketing; return that e-mail. Idempotent."""
    email = unsubscribe_token_read(token=token)
    current = marketing_consent_for(email=email)
    if current is None or current.granted or current.unsubscribed_at is None:
        marketing_consent_set(email=email, granted=False, source=ConsentSource.UNSUBSCRIBE_LINK)
    return email
