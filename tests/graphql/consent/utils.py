from saleor_crm_plugin.consent.models import ConsentEvent, MarketingConsent


def consent_rows() -> tuple[int, int]:
    """Rows of the consent tables (answers, history)."""
    return MarketingConsent.objects.count(), ConsentEvent.objects.count()
