"""Reading and changing a shopper's marketing consent (see ``models``)."""

from django.utils import timezone

from .models import ConsentSource, MarketingConsent
from .selectors import marketing_consent_for, normalize_email

__all__ = [
    "has_marketing_consent",
    "marketing_consent_for",
    "marketing_consent_set",
    "normalize_email",
]


def marketing_consent_set(
    *, email: str, granted: bool, source: str, user_id: int | None = None
) -> MarketingConsent:
    """Record the shopper's current answer; idempotent for the same answer."""
    now = timezone.now()
    defaults = {"granted": granted, "source": source, "updated_at": now}
    if user_id is not None:
        defaults["user_id"] = user_id
    if source == ConsentSource.UNSUBSCRIBE_LINK and not granted:
        defaults["unsubscribed_at"] = now
    elif granted:
        defaults["unsubscribed_at"] = None
    consent, _ = MarketingConsent.objects.update_or_create(
        email=normalize_email(email), defaults=defaults
    )
    return consent


def has_marketing_consent(
    *, email: str | None, user_id: int | None = None, default: bool = False
) -> bool:
    """Whether marketing may be sent; ``default`` applies when the shopper never answered.

    The latest answer wins (``selectors``): an unsubscribe wins until the shopper grants
    consent again.
    """
    consent = marketing_consent_for(email=email, user_id=user_id)
    if consent is None:
        return default
    return consent.granted
