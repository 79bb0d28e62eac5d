"""Reading and changing a shopper's consent per purpose (see ``models``).

``consent_set`` is the one writer: it updates the current answer of ``(email,
purpose)`` and appends a ``ConsentEvent`` when the shopper's answer changes, in one
transaction; repeating an answer appends nothing. ``marketing_consent_set`` is its
``email_marketing`` shorthand, kept for cart recovery and the older mutations.

**Who may undo a withdrawal.** Withdrawing is always allowed. Granting an answer that
is currently withdrawn (by the shopper, their unsubscribe link, an objection recorded
on their request, or staff: the CRM cannot tell a staff withdrawal made for the shopper
from another) is the shopper's own right: anyone else (staff, an app, the system) must
give a non-empty ``reason``, and the change is recorded as theirs (source ``staff`` or
``app``, the staff member's or the app's id, the reason) in the shopper's history.
Without a reason, ``ReasonRequired`` is raised and nothing is written. The current
answer's rows are locked first (``lock_objects``), so an unsubscribe arriving during
the decision is not overwritten by a re-grant decided on the answer before it.
"""

from django.db import transaction
from django.utils import timezone

from .exceptions import ReasonRequired
from .lock_objects import marketing_consent_qs_select_for_update
from .models import ConsentActor, ConsentEvent, ConsentPurpose, ConsentSource, MarketingConsent
from .selectors import answers_lookup, marketing_consent_for, normalize_email

__all__ = [
    "consent_set",
    "has_marketing_consent",
    "marketing_consent_for",
    "marketing_consent_set",
    "normalize_email",
]

_ACTOR_OF_SOURCE = {
    ConsentSource.CUSTOMER: ConsentActor.CUSTOMER,
    ConsentSource.STAFF: ConsentActor.STAFF,
    ConsentSource.APP: ConsentActor.APP,
    ConsentSource.UNSUBSCRIBE_LINK: ConsentActor.SYSTEM,
    ConsentSource.IMPORT: ConsentActor.SYSTEM,
}


def consent_set(
    *,
    email: str,
    purpose: str,
    granted: bool,
    source: str,
    user_id: int | None = None,
    actor: str | None = None,
    reason: str = "",
    staff_user_id: int | None = None,
    app_id: int | None = None,
) -> MarketingConsent:
    """Record the shopper's current answer for ``purpose`` and its history row.

    The answer's row is stamped ``now`` (the latest answer wins); the history gains a
    row only when the shopper's answer or its source changes, so repeating an answer
    records nothing new. ``staff_user_id`` / ``app_id`` name who made a staff or app
    change. Raises ``ReasonRequired`` when anyone but the shopper grants a withdrawn
    answer without a reason (module docstring).
    """
    email = normalize_email(email)
    actor = actor or _ACTOR_OF_SOURCE[source]
    reason = reason.strip()
    now = timezone.now()
    with transaction.atomic():
        list(
            marketing_consent_qs_select_for_update().filter(
                answers_lookup(email=email, user_id=user_id), purpose=purpose
            )
        )
        previous = marketing_consent_for(email=email, user_id=user_id, purpose=purpose)
        withdrawn = previous is not None and not previous.granted
        if granted and withdrawn and actor != ConsentActor.CUSTOMER and not reason:
            raise ReasonRequired(
                "The customer withdrew this consent: only they can give it again, or "
                "give a reason, which is recorded with your name in their history.",
                field="reason",
            )
        defaults = {"granted": granted, "source": source, "updated_at": now}
        if user_id is not None:
            defaults["user_id"] = user_id
        if source == ConsentSource.UNSUBSCRIBE_LINK and not granted:
            defaults["unsubscribed_at"] = now
        elif granted:
            defaults["unsubscribed_at"] = None
        consent, _ = MarketingConsent.objects.update_or_create(
            email=email, purpose=purpose, defaults=defaults
        )
        if previous is None or (previous.granted, previous.source) != (granted, source):
            ConsentEvent.objects.create(
                email=email,
                purpose=purpose,
                user_id=consent.user_id,
                granted=granted,
                source=source,
                actor=actor,
                reason=reason,
                staff_user_id=staff_user_id,
                app_id=app_id,
                created_at=now,
            )
    return consent


def marketing_consent_set(
    *,
    email: str,
    granted: bool,
    source: str,
    user_id: int | None = None,
    reason: str = "",
    staff_user_id: int | None = None,
    app_id: int | None = None,
) -> MarketingConsent:
    """Record the shopper's current marketing answer; idempotent for the same answer."""
    return consent_set(
        email=email,
        purpose=ConsentPurpose.EMAIL_MARKETING,
        granted=granted,
        source=source,
        user_id=user_id,
        reason=reason,
        staff_user_id=staff_user_id,
        app_id=app_id,
    )


def has_marketing_consent(
    *,
    email: str | None,
    user_id: int | None = None,
    default: bool = False,
    purpose: str = ConsentPurpose.EMAIL_MARKETING,
) -> bool:
    """Whether ``purpose`` is allowed; ``default`` applies when the shopper never answered.

    The latest answer wins (``selectors``): an unsubscribe wins until the shopper grants
    consent again.
    """
    consent = marketing_consent_for(email=email, user_id=user_id, purpose=purpose)
    if consent is None:
        return default
    return consent.granted
