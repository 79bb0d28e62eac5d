from saleor.graphql.core.dataloaders import DataLoader

from ...consent import selectors
from ...consent.models import MarketingConsent


class MarketingConsentByCustomerLoader(DataLoader[tuple[int, str], MarketingConsent | None]):
    """The latest consent answer of (user id, e-mail); None: never answered."""

    context_key = "crm_marketing_consent_by_customer"

    def batch_load(self, keys):
        found = selectors.marketing_consents_by_customer(keys, using=self.database_connection_name)
        return [found.get(key) for key in keys]
