"""The CRM's own e-mail: one HTML message through the channel's SMTP server.

Cart reminders (``carts.email``) and receipt-claim codes (``stores.claim_email``) are
sent the same way: the channel's ``config.smtp`` (Saleor's ``email_common`` fields), an
HTML body with Saleor's plain-text alternative, and a subject the caller has already
made plain text on one line (``config.subject_render``). Saleor's own ``send_email``
renders the subject as HTML, so the message is put together here with its pieces (its
SMTP backend, helpers and timeout). A sending error is the caller's to handle.

Marketing messages pass ``list_unsubscribe_url`` (``consent.unsubscribe``'s one-click
URL): the message then carries ``List-Unsubscribe: <url>`` (RFC 2369) and, when the URL
is HTTPS, ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058: a mailbox
provider's unsubscribe button POSTs to it; the RFC allows only HTTPS there), which the
large providers require of bulk senders. Transactional messages (receipt-claim codes)
pass none. The headers must be covered by the DKIM signature: the SMTP relay that signs
should sign them (most sign every header present).

``DeliveryNotAttempted`` is the one rule on sending errors that allows a retry: it is
raised (the SMTP error as its cause) when *nothing can have left* — the connection was
refused or could not be opened (greeting, TLS, login), or the server answered the
envelope (``MAIL FROM`` / ``RCPT TO``) with a temporary 4xx before ``DATA``. Any other
error, a timeout or a disconnect once the envelope was accepted above all, may come
after the server took the message: it is raised as is, and the message must not be sent
again (at most once wins over at least once).
"""

import smtplib
from email.headerregistry import Address

from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend
from saleor.plugins.email_common import (
    DEFAULT_EMAIL_TIMEOUT,
    EmailConfig,
    get_plain_text_message_for_email,
)

from .config import ChannelConfig, body_render, subject_render


class DeliveryNotAttempted(Exception):
    """Nothing left: the SMTP error (``__cause__``) came before the server took the data."""

    @property
    def error_name(self) -> str:
        return type(self.__cause__ or self).__name__


def _temporary(error: smtplib.SMTPException) -> bool:
    """An envelope refused with a 4xx (``MAIL FROM``, or ``RCPT TO`` for every recipient)."""
    if isinstance(error, smtplib.SMTPSenderRefused):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    return False


def email_config(config: ChannelConfig) -> EmailConfig:
    return EmailConfig(
        host=config.smtp.host,
        port=str(config.smtp.port),
        username=config.smtp.user or None,
        password=config.smtp.password or None,
        sender_name=config.smtp.sender_name,
        sender_address=config.smtp.sender_address,
        use_tls=config.smtp.use_tls,
        use_ssl=config.smtp.use_ssl,
    )


def list_unsubscribe_headers(url: str | None) -> dict[str, str]:
    """The RFC 2369 / RFC 8058 headers for a one-click unsubscribe URL (none without)."""
    if not url:
        return {}
    headers = {"List-Unsubscribe": f"<{url}>"}
    if url.lower().startswith("https://"):
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def html_email_send(
    *,
    config: ChannelConfig,
    recipient: str,
    subject: str,
    html: str,
    list_unsubscribe_url: str | None = None,
) -> None:
    """Send one message through the channel's SMTP server (``config.smtp.host`` set)."""
    smtp = email_config(config)
    connection = EmailBackend(
        host=smtp.host,
        port=smtp.port,
        username=smtp.username,
        password=smtp.password,
        use_ssl=smtp.use_ssl,
        use_tls=smtp.use_tls,
        timeout=DEFAULT_EMAIL_TIMEOUT,
    )
    message = EmailMultiAlternatives(
        subject,
        get_plain_text_message_for_email(html),
        str(Address(smtp.sender_name or "", addr_spec=smtp.sender_address)),
        [recipient],
        headers=list_unsubscribe_headers(list_unsubscribe_url),
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    try:
        connection.open()  # connect, greeting, TLS, login: nothing sent yet
    except OSError as error:  # smtplib's errors included
        raise DeliveryNotAttempted(str(error)) from error
    try:
        message.send()
    except (smtplib.SMTPSenderRefused, smtplib.SMTPRecipientsRefused) as error:
        if _temporary(error):
            raise DeliveryNotAttempted(str(error)) from error
        raise
    finally:
        connection.close()


def marketing_email_send(*, config: ChannelConfig, payload: dict, subject: str, body: str) -> bool:
    """Render a marketing message's templates with its payload and send it to the payload's
    recipient with its one-click unsubscribe headers; False (nothing sent) for an empty body.

    Cart reminders and journey messages send this way; the templates were checked on save
    with the same renderer, which takes turns between threads of one process.
    """
    if not body:
        return False
    html_email_send(
        config=config,
        recipient=payload["recipient_email"],
        subject=subject_render(subject, payload),
        html=body_render(body, payload),
        list_unsubscribe_url=payload["unsubscribe_one_click_url"],
    )
    return True
