"""Reading and changing a shopper's consent per purpose (see ``models``).

``consent_set`` is the one writer: it updates the current answer of ``(email,
purpose)`` and appends a ``ConsentEvent`` when the shopper's answer changes, in one
transaction; repeating an answer appends nothing. ``marketing_consent_set`` is its
``email_marketing`` shorthand, kept for cart recovery and the older mutations.
"""

from django.db import transaction
from django.utils import timezone

from .models import ConsentActor, ConsentEvent, ConsentPurpose, ConsentSource, MarketingConsent
from .selectors import marketing_consent_for, normalize_email

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
) -> MarketingConsent:
    """Record the shopper's current answer for ``purpose`` and its history row.

    The answer's row is stamped ``now`` (the latest answer wins); the history gains a
    row only when the shopper's answer or its source changes, so repeating an answer
    records nothing new.
    """
    email = normalize_email(email)
    now = timezone.now()
    with transaction.atomic():
        previous = marketing_consent_for(email=email, user_id=user_id, purpose=purpose)
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
                actor=actor or _ACTOR_OF_SOURCE[source],
                reason=reason,
                created_at=now,
            )
    return consent


def marketing_consent_set(
    *, email: str, granted: bool, source: str, user_id: int | None = None
) -> MarketingConsent:
    """Record the shopper's current marketing answer; idempotent for the same answer."""
    return consent_set(
        email=email,
        purpose=ConsentPurpose.EMAIL_MARKETING,
        granted=granted,
        source=source,
        user_id=user_id,
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
