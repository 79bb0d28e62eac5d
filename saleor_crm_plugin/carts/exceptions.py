"""Errors of the cart-recovery domain.

Each carries a :class:`CartRecoveryErrorCode` and the input field it concerns, so the
GraphQL layer turns it into ``errors { field code message }`` without knowing why it
was raised.
"""

from .error_codes import CartRecoveryErrorCode


class CartRecoveryError(Exception):
    def __init__(
        self,
        message: str,
        *,
        code: CartRecoveryErrorCode = CartRecoveryErrorCode.INVALID,
        field: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
