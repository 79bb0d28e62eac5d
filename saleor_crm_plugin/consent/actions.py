"""Reading and changing a shopper's marketing consent (see ``models``)."""

from django.db.models import Q
from django.utils import timezone

from .models import ConsentSource, MarketingConsent


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


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


def marketing_consent_for(*, email: str | None, user_id: int | None = None):
    """The stored consent row for this shopper, by user first, then by e-mail."""
    lookup = Q(email=normalize_email(email)) if email else Q(pk__in=[])
    if user_id is not None:
        lookup |= Q(user_id=user_id)
    rows = list(MarketingConsent.objects.filter(lookup).order_by("-updated_at")[:2])
    if user_id is not None:
        for row in rows:
            if row.user_id == user_id:
                return row
    return rows[0] if rows else None


def has_marketing_consent(
    *, email: str | None, user_id: int | None = None, default: bool = False
) -> bool:
    """Whether marketing may be sent; ``default`` applies when the shopper never answered.

    An unsubscribe always wins until the shopper grants consent again.
    """
    consent = marketing_consent_for(email=email, user_id=user_id)
    if consent is None:
        return default
    return consent.granted
