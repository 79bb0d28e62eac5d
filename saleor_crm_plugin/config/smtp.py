"""The SMTP section of a channel's configuration: the server the CRM's e-mails go through.

``config.smtp`` of a ``ChannelConfig``. Empty ``host``: the CRM sends nothing itself and
apps subscribed to Saleor's NOTIFY_USER handle its notify events. The fields mirror
Saleor's own e-mail plugins (``saleor.plugins.email_common``): their labels and types come
from Saleor's ``DEFAULT_EMAIL_CONFIG_STRUCTURE`` (see ``fields.py``), and with a host the
fields Saleor requires (``REQUIRED_EMAIL_CONFIG_FIELDS``) are required here too.
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from saleor.plugins.email_common import REQUIRED_EMAIL_CONFIG_FIELDS

from .parsing import boolean, integer, invalid, required, text


@dataclasses.dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int | None
    user: str
    password: str
    sender_name: str
    sender_address: str
    use_tls: bool
    use_ssl: bool


def parse_smtp(values: dict) -> SmtpConfig:
    """The SMTP section from the stored values (defaults filled in)."""
    port_text = text(values["smtp_port"])
    smtp = SmtpConfig(
        host=text(values["smtp_host"]),
        port=integer("smtp_port", port_text, maximum=65535) if port_text else None,
        user=text(values["smtp_user"]),
        password=text(values["smtp_password"], strip=False),
        sender_name=text(values["smtp_sender_name"]),
        sender_address=text(values["smtp_sender_address"]),
        use_tls=boolean(values["smtp_use_tls"]),
        use_ssl=boolean(values["smtp_use_ssl"]),
    )
    if smtp.use_tls and smtp.use_ssl:
        raise invalid("smtp_use_ssl", "Use TLS and Use SSL are mutually exclusive.")
    if smtp.host:
        for name in REQUIRED_EMAIL_CONFIG_FIELDS:  # host, port, sender_address
            if getattr(smtp, name) in (None, ""):
                raise required(f"smtp_{name}", "Required with an SMTP host.")
    if smtp.sender_address:
        try:
            EmailValidator()(smtp.sender_address)
        except ValidationError:
            raise invalid(
                "smtp_sender_address", f"'{smtp.sender_address}' is not an e-mail address."
            ) from None
    return smtp
