"""Claim before send: the one rule that makes every journey's messages at-most-once.

A stage's message row (``JourneyMessage``, or cart recovery's ``CartReminder``) is
inserted, unique per enrollment and stage, *before* anything leaves: ``message_claim``
returns the row — ``claimed``, or directly ``skipped`` with the guard's reason — or
None when the unique key already holds one (a replay, or a concurrent sweep: never
again). ``message_send`` then runs the sending and records its outcome on the row:
``sent`` with its time, or ``failed`` with the error's type, raised again for the sweep
to count. A failed message is never retried: it may have left.

The one exception is ``mail.DeliveryNotAttempted`` (nothing can have left: the SMTP
connection could not be opened, or the envelope got a temporary 4xx): the row becomes
``retry`` with its ``attempts`` and the error's type, the caller's ``retry`` callback
makes its stage due again at once, and the next sweep's claim takes the same row back
(``message_claim``: ``claimed``, or ``skipped`` if a guard — consent, the cap — says so
now; quiet hours make it wait as any stage). After ``MAX_ATTEMPTS`` such failures the
message is ``failed`` for good.

Both tables use the same status values (``MessageStatus``; a test keeps them equal).
"""

from collections.abc import Callable

from django.db import IntegrityError, models, transaction

from ..mail import DeliveryNotAttempted
from .models import MessageStatus

MAX_ATTEMPTS = 3


def message_claim(model: type[models.Model], *, reason: str | None, **fields):
    """Insert the stage's message, or take its ``retry`` row back; None if it was
    claimed before."""
    status = MessageStatus.SKIPPED if reason else MessageStatus.CLAIMED
    try:
        with transaction.atomic():
            return model.objects.create(status=status, skip_reason=reason or "", **fields)
    except IntegrityError:
        (unique,) = (c.fields for c in model._meta.constraints if c.name.endswith("_once"))
        key = {name: fields[name] for name in unique}
        retried = model.objects.filter(**key, status=MessageStatus.RETRY).update(
            status=status, skip_reason=reason or "", claimed_at=fields["claimed_at"]
        )
        return model.objects.get(**key) if retried else None


def message_send(message, send: Callable[[], None], *, now, retry: Callable[[], None]):
    """Run ``send`` for a claimed message; record it sent, or failed (``retry`` when
    nothing left and attempts remain: ``retry()`` makes it due again) and raise."""
    try:
        send()
    except DeliveryNotAttempted as error:
        message.attempts += 1
        message.skip_reason = error.error_name[:32]
        if message.attempts < MAX_ATTEMPTS:
            message.status = MessageStatus.RETRY
            message.save(update_fields=["status", "skip_reason", "attempts"])
            retry()
            raise
        message.status = MessageStatus.FAILED
        message.save(update_fields=["status", "skip_reason", "attempts"])
        raise error.__cause__ from None
    except Exception as error:
        message.status = MessageStatus.FAILED
        message.skip_reason = type(error).__name__[:32]
        message.save(update_fields=["status", "skip_reason"])
        raise
    message.status, message.sent_at = MessageStatus.SENT, now
    message.save(update_fields=["status", "sent_at"])
    return message
