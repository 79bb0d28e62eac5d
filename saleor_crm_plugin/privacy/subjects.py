"""Whose data: a customer is their account id and every e-mail address the CRM holds.

A customer's CRM rows are found by account id, and by e-mail address for what they did
as a guest (a checkout without signing in, an unsubscribe link). The addresses are the
account's current one plus every address a CRM row keyed to the account carries (an
answer given under an older address, a checkout with another address typed in), so an
export and an erasure reach the same rows.
"""

import dataclasses

from django.conf import settings

from ..carts.models import AbandonedCheckout
from ..consent.models import ConsentEvent, MarketingConsent
from ..consent.selectors import normalize_email
from ..journeys.models import JourneyEnrollment


@dataclasses.dataclass(frozen=True)
class DataSubject:
    user_id: int
    emails: tuple[str, ...]


def data_subject_find(
    *, user_id: int, emails: list[str], using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME
) -> DataSubject:
    """The customer ``user_id`` with ``emails`` and the addresses their rows carry."""
    found = {normalize_email(email) for email in emails if email}
    for model in (MarketingConsent, ConsentEvent, AbandonedCheckout, JourneyEnrollment):
        rows = model.objects.using(using).filter(user_id=user_id)
        found.update(normalize_email(email) for email in rows.values_list("email", flat=True))
    found.discard("")
    return DataSubject(user_id=user_id, emails=tuple(sorted(found)))
