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
from saleor.plugins.error_codes import PluginErrorCode

from .parsing import ConfigErrors, ConfigProblem, boolean, integer, text


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


def _email_address(value: str) -> str:
    try:
        EmailValidator()(value)
    except ValidationError:
        raise ConfigProblem(f"'{value}' is not an e-mail address.") from None
    return value


def parse_smtp(values: dict, errors: ConfigErrors) -> SmtpConfig:
    """The SMTP section from the stored values (defaults filled in)."""
    port_text = text(values["smtp_port"])
    sender_address = text(values["smtp_sender_address"])
    smtp = SmtpConfig(
        host=text(values["smtp_host"]),
        port=errors.value("smtp_port", integer, port_text, maximum=65535) if port_text else None,
        user=text(values["smtp_user"]),
        password=text(values["smtp_password"], strip=False),
        sender_name=text(values["smtp_sender_name"]),
        sender_address=sender_address
        and errors.value("smtp_sender_address", _email_address, sender_address),
        use_tls=boolean(values["smtp_use_tls"]),
        use_ssl=boolean(values["smtp_use_ssl"]),
    )
    if smtp.use_tls and smtp.use_ssl:
        problem = f"'{errors.label('smtp_use_tls')}' and '{errors.label('smtp_use_ssl')}' "
        errors.add("smtp_use_ssl", ConfigProblem(problem + "are mutually exclusive; tick one."))
    if smtp.host:
        for name in REQUIRED_EMAIL_CONFIG_FIELDS:  # host, port, sender_address
            field = f"smtp_{name}"
            if text(values[field]) == "":
                problem = f"required when '{errors.label('smtp_host')}' is set."
                errors.add(field, ConfigProblem(problem, PluginErrorCode.REQUIRED))
    return smtp
