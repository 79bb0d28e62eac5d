from ..errors import CRMError
from .error_codes import StoreErrorCode


class StoreError(CRMError):
    """Base of the stores domain's errors; each carries a StoreErrorCode member."""

    code_enum = StoreErrorCode
    code = StoreErrorCode.INVALID


class StoreNotFound(StoreError):
    code = StoreErrorCode.STORE_NOT_FOUND


class CustomerNotFound(StoreError):
    code = StoreErrorCode.CUSTOMER_NOT_FOUND


class PurchaseConflict(StoreError):
    code = StoreErrorCode.EXTERNAL_ID_CONFLICT


class LinkRefused(StoreError):
    code = StoreErrorCode.ALREADY_LINKED


class ClaimRefused(StoreError):
    """A claim refused; the code says why (window closed, wrong code, ...)."""

    code = StoreErrorCode.INVALID_RECEIPT_CODE
