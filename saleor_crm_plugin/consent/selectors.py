"""The shopper's current answer per purpose, read the same way everywhere.

A shopper may have several rows for a purpose: the account's (``user_id``, under the
e-mail it had when it answered) and the current e-mail's (an unsubscribe link names
only an e-mail). The **latest** answer among them is the shopper's answer: an
unsubscribe wins over every older consent, whichever e-mail it was given under, until
the shopper grants consent again. Cart reminders (``marketing_consent_for``), the
segments' ``marketing_consent`` condition (``consent_granted_sql``) and the segments'
profiling rule (``profiling_withdrawn_sql``) all read it so.
"""

from collections.abc import Iterable

from django.db.models import Q

from .models import ConsentEvent, ConsentPurpose, MarketingConsent


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def answers_lookup(*, email: str | None, user_id: int | None) -> Q:
    """The shopper's answer rows: the account's and the e-mail's."""
    lookup = Q(email=normalize_email(email)) if email else Q(pk__in=[])
    if user_id is not None:
        lookup |= Q(user_id=user_id)
    return lookup


def marketing_consent_for(
    *,
    email: str | None,
    user_id: int | None = None,
    purpose: str = ConsentPurpose.EMAIL_MARKETING,
):
    """The shopper's latest answer for ``purpose`` (by account or e-mail), or None."""
    return (
        MarketingConsent.objects.filter(answers_lookup(email=email, user_id=user_id))
        .filter(purpose=purpose)
        .order_by("-updated_at", "-pk")
        .first()
    )


def _customers_rows(model, customers: list[tuple[int, str]], *, using: str, order: tuple):
    """Rows of ``model`` of any of ``customers`` (by account or e-mail), in ``order``."""
    return list(
        model.objects.using(using)
        .filter(
            Q(user_id__in=[user_id for user_id, _email in customers])
            | Q(email__in=[normalize_email(email) for _user_id, email in customers if email])
        )
        .order_by(*order)
    )


def _belongs(row, user_id: int, email: str) -> bool:
    normalized = normalize_email(email)
    return row.user_id == user_id or bool(normalized and row.email == normalized)


def consents_by_customer(
    customers: Iterable[tuple[int, str]], *, using: str
) -> dict[tuple[int, str], dict[str, MarketingConsent]]:
    """Per (user id, e-mail): the latest answer per purpose, in one query.

    Purposes never answered are missing from a customer's dict.
    """
    customers = list(customers)
    rows = _customers_rows(MarketingConsent, customers, using=using, order=("-updated_at", "-pk"))
    found: dict[tuple[int, str], dict[str, MarketingConsent]] = {}
    for user_id, email in customers:
        latest: dict[str, MarketingConsent] = {}
        for row in rows:
            if _belongs(row, user_id, email):
                latest.setdefault(row.purpose, row)
        found[(user_id, email)] = latest
    return found


def consent_events_by_customer(
    customers: Iterable[tuple[int, str]], *, using: str
) -> dict[tuple[int, str], list[ConsentEvent]]:
    """Per (user id, e-mail): every recorded change of their answers, newest first."""
    customers = list(customers)
    rows = _customers_rows(ConsentEvent, customers, using=using, order=("-created_at", "-pk"))
    return {
        (user_id, email): [row for row in rows if _belongs(row, user_id, email)]
        for user_id, email in customers
    }


def marketing_consents_by_customer(
    customers: Iterable[tuple[int, str]],
    *,
    using: str,
    purpose: str = ConsentPurpose.EMAIL_MARKETING,
) -> dict[tuple[int, str], MarketingConsent]:
    """``marketing_consent_for`` of many (user id, e-mail) at once, in one query.

    Customers who never answered are missing from the answer.
    """
    customers = list(customers)
    rows = [
        row
        for row in _customers_rows(
            MarketingConsent, customers, using=using, order=("-updated_at", "-pk")
        )
        if row.purpose == purpose
    ]
    found = {}
    for user_id, email in customers:
        latest = next((row for row in rows if _belongs(row, user_id, email)), None)
        if latest is not None:
            found[(user_id, email)] = latest
    return found


def consent_granted_sql(
    *, user_id: str, email: str, purpose: str = ConsentPurpose.EMAIL_MARKETING
) -> str:
    """SQL of ``marketing_consent_for(...).granted`` (NULL: never answered).

    ``user_id`` and ``email`` are SQL expressions of the outer query (e.g. ``u.id``,
    ``u.email``); ``purpose`` is one of ``ConsentPurpose`` (a constant, never input).
    """
    if purpose not in ConsentPurpose.ALL:
        raise ValueError(f"unknown consent purpose {purpose!r}")
    table = MarketingConsent._meta.db_table
    return (
        f"(SELECT c.granted FROM {table} c "
        f"WHERE c.purpose = '{purpose}' "
        f"AND (c.user_id = {user_id} OR c.email = lower(trim({email}))) "
        "ORDER BY c.updated_at DESC, c.id DESC LIMIT 1)"
    )


def profiling_allowed_sql(*, user_id: str, email: str) -> str:
    """SQL boolean: the customer has not withdrawn ``profiling`` (never answered: allowed)."""
    granted = consent_granted_sql(user_id=user_id, email=email, purpose=ConsentPurpose.PROFILING)
    return f"COALESCE({granted}, true)"
