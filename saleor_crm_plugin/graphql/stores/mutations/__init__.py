from .store_card_recognition_forget import StoreCardRecognitionForget
from .store_purchase_claim_confirm import StorePurchaseClaimConfirm
from .store_purchase_claim_start import StorePurchaseClaimStart
from .store_purchase_link import StorePurchaseLink
from .store_purchase_record import StorePurchaseRecord
from .store_purchase_unlink import StorePurchaseUnlink

__all__ = [
    "StoreCardRecognitionForget",
    "StorePurchaseClaimConfirm",
    "StorePurchaseClaimStart",
    "StorePurchaseLink",
    "StorePurchaseRecord",
    "StorePurchaseUnlink",
]
