from .customer_consent_update import CustomerConsentUpdate

__all__ = ["CustomerConsentUpdate"]
