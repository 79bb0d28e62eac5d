"""The CRM's own e-mail for cart reminders, through Saleor's ``email_common``.

Our plugin's ``notify`` calls ``cart_reminder_email_send`` for ``crm_cart_reminder``
when the channel configures an SMTP host; without one, apps subscribed to NOTIFY_USER
do the sending. The event is only emitted by the sweep's Celery task, so sending
synchronously here never blocks a request, and an SMTP error reaches the sweep, which
records the reminder as failed.

Templates are the channel's Handlebars fields (subject and HTML per stage kind),
rendered by ``config.templates`` (the renderer that checks them when staff save);
``DEFAULT`` picks the built-in one, an empty body sends nothing. An offer stage
without an offer (an experiment's holdout) uses the reminder templates.

The body is HTML (Handlebars escapes the shopper's values); the subject is a plain-text
header: rendered with the same helpers, un-escaped (``O'Brien``, not ``O&#x27;Brien``)
and folded onto one line (a CR/LF in a shopper's name would otherwise make Django
refuse the header, or inject one); ``mail.html_email_send`` sends it, with the
``List-Unsubscribe`` headers of the payload's one-click URL (``consent.unsubscribe``).

``stops_the_batch`` tells the sweep which sending errors are the server's or the
connection's (the next message would fail the same way: the batch stops) rather than
this message's (a refused mailbox, a template that cannot render it: the others go on).
"""

import smtplib

from ..config import (
    DEFAULT_TEMPLATE,
    ChannelConfig,
    ReminderKind,
    parse_configuration,
)
from ..mail import DeliveryNotAttempted, marketing_email_send
from . import default_templates


def stops_the_batch(error: BaseException) -> bool:
    """Whether a sending error is the SMTP server's or connection's, not one message's."""
    if isinstance(error, DeliveryNotAttempted):
        error = error.__cause__
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return False
    return isinstance(error, smtplib.SMTPException | OSError)


def cart_reminder_templates(config: ChannelConfig, payload: dict) -> tuple[str, str]:
    """(subject, body) Handlebars sources for the payload's stage."""
    kind = payload["kind"]
    if kind == ReminderKind.OFFER and not payload.get("offer"):
        kind = ReminderKind.REMINDER
    subject, body = config.carts.templates(kind)
    if body == DEFAULT_TEMPLATE:
        body = default_templates.BY_KIND[kind]
    return subject, body


def cart_reminder_email_send(*, payload: dict, configuration: list[dict]) -> bool:
    """Send the reminder e-mail when the channel has SMTP; return whether one was sent."""
    config = parse_configuration(configuration)
    if not config.smtp.host:
        return False
    subject, body = cart_reminder_templates(config, payload)
    return marketing_email_send(config=config, payload=payload, subject=subject, body=body)
