"""The CRM's own e-mail: one HTML message through the channel's SMTP server.

Cart reminders (``carts.email``) and receipt-claim codes (``stores.claim_email``) are
sent the same way: the channel's ``config.smtp`` (Saleor's ``email_common`` fields), an
HTML body with Saleor's plain-text alternative, and a subject the caller has already
made plain text on one line (``config.subject_render``). Saleor's own ``send_email``
renders the subject as HTML, so the message is put together here with its pieces (its
SMTP backend, helpers and timeout). A sending error is the caller's to handle.
"""

from email.headerregistry import Address

from django.core.mail import send_mail
from django.core.mail.backends.smtp import EmailBackend
from saleor.plugins.email_common import (
    DEFAULT_EMAIL_TIMEOUT,
    EmailConfig,
    get_plain_text_message_for_email,
)

from .config import ChannelConfig


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


def html_email_send(*, config: ChannelConfig, recipient: str, subject: str, html: str) -> None:
    """Send one message through the channel's SMTP server (``config.smtp.host`` set)."""
    smtp = email_config(config)
    send_mail(
        subject,
        get_plain_text_message_for_email(html),
        str(Address(smtp.sender_name or "", addr_spec=smtp.sender_address)),
        [recipient],
        html_message=html,
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
