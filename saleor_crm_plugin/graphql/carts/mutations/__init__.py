from .crm_cart_restore import CrmCartRestore
from .crm_unsubscribe import CrmUnsubscribe
from .customer_marketing_consent_set import CustomerMarketingConsentSet

__all__ = ["CrmCartRestore", "CrmUnsubscribe", "CustomerMarketingConsentSet"]
