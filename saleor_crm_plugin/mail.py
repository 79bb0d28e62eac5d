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
"""

from email.headerregistry import Address

from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend
from saleor.plugins.email_common import (
    DEFAULT_EMAIL_TIMEOUT,
    EmailConfig,
    get_plain_text_message_for_email,
)

from .config import ChannelConfig, body_render, subject_render


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
    message = EmailMultiAlternatives(
        subject,
        get_plain_text_message_for_email(html),
        str(Address(smtp.sender_name or "", addr_spec=smtp.sender_address)),
        [recipient],
        headers=list_unsubscribe_headers(list_unsubscribe_url),
        connection=EmailBackend(
            host=smtp.host,
            port=smtp.port,
            username=smtp.username,
            password=smtp.password,
            use_ssl=smtp.use_ssl,
            use_tls=smtp.use_tls,
            timeout=DEFAULT_EMAIL_TIMEOUT,
        ),
    )
    message.attach_alternative(html, "text/html")
    message.send()


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
