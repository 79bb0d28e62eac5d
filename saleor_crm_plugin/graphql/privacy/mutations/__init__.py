from .customer_crm_erase import CustomerCrmErase

__all__ = ["CustomerCrmErase"]
