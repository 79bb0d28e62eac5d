from saleor.graphql.core.dataloaders import DataLoader

from ...consent import selectors
from ...consent.models import ConsentEvent, MarketingConsent


class MarketingConsentByCustomerLoader(DataLoader[tuple[int, str], MarketingConsent | None]):
    """The latest consent answer of (user id, e-mail); None: never answered."""

    context_key = "crm_marketing_consent_by_customer"

    def batch_load(self, keys):
        found = selectors.marketing_consents_by_customer(keys, using=self.database_connection_name)
        return [found.get(key) for key in keys]


class ConsentsByCustomerLoader(DataLoader[tuple[int, str], dict[str, MarketingConsent]]):
    """The latest answer per purpose of (user id, e-mail); purposes never answered missing."""

    context_key = "crm_consents_by_customer"

    def batch_load(self, keys):
        found = selectors.consents_by_customer(keys, using=self.database_connection_name)
        return [found[key] for key in keys]


class ConsentEventsByCustomerLoader(DataLoader[tuple[int, str], list[ConsentEvent]]):
    """Every change of (user id, e-mail)'s answers, newest first."""

    context_key = "crm_consent_events_by_customer"

    def batch_load(self, keys):
        found = selectors.consent_events_by_customer(keys, using=self.database_connection_name)
        return [found[key] for key in keys]
