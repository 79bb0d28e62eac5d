from .store_purchase_link import StorePurchaseLink
from .store_purchase_record import StorePurchaseRecord
from .store_purchase_unlink import StorePurchaseUnlink

__all__ = ["StorePurchaseLink", "StorePurchaseRecord", "StorePurchaseUnlink"]
