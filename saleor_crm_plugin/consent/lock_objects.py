"""Row locks of the consent domain.

``consent_set`` reads the shopper's current answer, decides, and writes the new one in
one transaction; locking the current answer's rows first makes the decision hold until
the write: an unsubscribe arriving meanwhile waits, then wins as the latest answer,
instead of being overwritten by a re-grant decided on the answer before it.
"""

from .models import MarketingConsent


def marketing_consent_qs_select_for_update():
    return MarketingConsent.objects.order_by("pk").select_for_update(of=("self",))
