"""The shopper's current marketing answer, read the same way everywhere.

A shopper may have several rows: the account's (``user_id``, under the e-mail it had
when it answered) and the current e-mail's (an unsubscribe link names only an e-mail).
The **latest** answer among them is the shopper's answer: an unsubscribe wins over every
older consent, whichever e-mail it was given under, until the shopper grants consent
again. Cart reminders (``marketing_consent_for``) and the segments' ``marketing_consent``
condition (``consent_granted_sql``) both read it so.
"""

from collections.abc import Iterable

from django.db.models import Q

from .models import MarketingConsent


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def marketing_consent_for(*, email: str | None, user_id: int | None = None):
    """The shopper's latest consent row (by account or e-mail), or None if they never answered."""
    lookup = Q(email=normalize_email(email)) if email else Q(pk__in=[])
    if user_id is not None:
        lookup |= Q(user_id=user_id)
    return MarketingConsent.objects.filter(lookup).order_by("-updated_at", "-pk").first()


def marketing_consents_by_customer(
    customers: Iterable[tuple[int, str]], *, using: str
) -> dict[tuple[int, str], MarketingConsent]:
    """``marketing_consent_for`` of many (user id, e-mail) at once, in one query.

    Customers who never answered are missing from the answer.
    """
    customers = list(customers)
    rows = list(
        MarketingConsent.objects.using(using)
        .filter(
            Q(user_id__in=[user_id for user_id, _email in customers])
            | Q(email__in=[normalize_email(email) for _user_id, email in customers if email])
        )
        .order_by("-updated_at", "-pk")
    )
    found = {}
    for user_id, email in customers:
        normalized = normalize_email(email)
        latest = next(
            (
                row
                for row in rows
                if row.user_id == user_id or (normalized and row.email == normalized)
            ),
            None,
        )
        if latest is not None:
            found[(user_id, email)] = latest
    return found


def consent_granted_sql(*, user_id: str, email: str) -> str:
    """SQL of ``marketing_consent_for(...).granted`` (NULL: never answered).

    ``user_id`` and ``email`` are SQL expressions of the outer query (e.g. ``u.id``,
    ``u.email``).
    """
    table = MarketingConsent._meta.db_table
    return (
        f"(SELECT c.granted FROM {table} c "
        f"WHERE c.user_id = {user_id} OR c.email = lower(trim({email})) "
        "ORDER BY c.updated_at DESC, c.id DESC LIMIT 1)"
    )
