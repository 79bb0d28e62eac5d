"""Claim before send: the one rule that makes every journey's messages at-most-once.

A stage's message row (``JourneyMessage``, or cart recovery's ``CartReminder``) is
inserted, unique per enrollment and stage, *before* anything leaves: ``message_claim``
returns the row — ``claimed``, or directly ``skipped`` with the guard's reason — or
None when the unique key already holds one (a replay, or a concurrent sweep: never
again). ``message_send`` then runs the sending and records its outcome on the row:
``sent`` with its time, or ``failed`` with the error's type, raised again for the sweep
to count. A failed message is never retried: it may have left.

Both tables use the same status values (``MessageStatus``; a test keeps them equal).
"""

from collections.abc import Callable

from django.db import IntegrityError, models, transaction

from .models import MessageStatus


def message_claim(model: type[models.Model], *, reason: str | None, **fields):
    """Insert the stage's message; None if it was claimed before."""
    try:
        with transaction.atomic():
            return model.objects.create(
                status=MessageStatus.SKIPPED if reason else MessageStatus.CLAIMED,
                skip_reason=reason or "",
                **fields,
            )
    except IntegrityError:
        return None


def message_send(message, send: Callable[[], None], *, now):
    """Run ``send`` for a claimed message; record it sent, or failed and raise."""
    try:
        send()
    except Exception as error:
        message.status = MessageStatus.FAILED
        message.skip_reason = type(error).__name__[:32]
        message.save(update_fields=["status", "skip_reason"])
        raise
    message.status, message.sent_at = MessageStatus.SENT, now
    message.save(update_fields=["status", "sent_at"])
    return message
