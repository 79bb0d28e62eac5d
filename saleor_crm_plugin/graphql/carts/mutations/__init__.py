from .crm_unsubscribe import CrmUnsubscribe
from .customer_marketing_consent_set import CustomerMarketingConsentSet

__all__ = ["CrmUnsubscribe", "CustomerMarketingConsentSet"]
