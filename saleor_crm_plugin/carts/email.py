"""The CRM's own e-mail for cart reminders, through Saleor's ``email_common``.

Our plugin's ``notify`` calls ``cart_reminder_email_send`` for ``crm_cart_reminder``
when the channel configures an SMTP host; without one, apps subscribed to NOTIFY_USER
do the sending. The event is only emitted by the sweep's Celery task, so sending
synchronously here never blocks a request, and an SMTP error reaches the sweep, which
records the reminder as failed.

Templates are the channel's Handlebars fields (subject and HTML per stage kind);
``DEFAULT`` picks the built-in one, an empty body sends nothing. An offer stage
without an offer (an experiment's holdout) uses the reminder templates.
"""

from saleor.plugins.email_common import EmailConfig, send_email

from ..config import (
    CART_STAGE_OFFER,
    CART_STAGE_REMINDER,
    DEFAULT_TEMPLATE,
    HANDLEBARS_LOCK,
    ChannelConfig,
    parse_configuration,
)
from . import default_templates


def email_config(config: ChannelConfig) -> EmailConfig:
    return EmailConfig(
        host=config.smtp_host,
        port=str(config.smtp_port),
        username=config.smtp_user or None,
        password=config.smtp_password or None,
        sender_name=config.smtp_sender_name,
        sender_address=config.smtp_sender_address,
        use_tls=config.smtp_use_tls,
        use_ssl=config.smtp_use_ssl,
    )


def cart_reminder_templates(config: ChannelConfig, payload: dict) -> tuple[str, str]:
    """(subject, body) Handlebars sources for the payload's stage."""
    kind = payload["kind"]
    if kind == CART_STAGE_OFFER and not payload.get("offer"):
        kind = CART_STAGE_REMINDER
    subject, body = config.cart_templates(kind)
    if body == DEFAULT_TEMPLATE:
        body = default_templates.BY_KIND[kind]
    return subject, body


def cart_reminder_email_send(*, payload: dict, configuration: list[dict]) -> bool:
    """Send the reminder e-mail when the channel has SMTP; return whether one was sent."""
    config = parse_configuration(configuration)
    if not config.smtp_host:
        return False
    subject, body = cart_reminder_templates(config, payload)
    if not body:
        return False
    # send_email compiles the templates: sends from threads of one process take turns.
    with HANDLEBARS_LOCK:
        send_email(
            config=email_config(config),
            recipient_list=[payload["recipient_email"]],
            context=payload,
            subject=subject,
            template_str=body,
        )
    return True
