"""Errors of the cart-recovery domain.

Each carries a :class:`CartRecoveryErrorCode` member and the input field it concerns,
so the GraphQL layer turns it into ``errors { field code message }`` without knowing
why it was raised.
"""

from ..errors import CRMError
from .error_codes import CartRecoveryErrorCode


class CartRecoveryError(CRMError):
    code_enum = CartRecoveryErrorCode
    code = CartRecoveryErrorCode.INVALID
