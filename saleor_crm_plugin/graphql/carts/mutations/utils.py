from django.core.exceptions import ValidationError

from ....carts.exceptions import CartRecoveryError


def to_validation_error(error: CartRecoveryError) -> ValidationError:
    """A domain error in Saleor's mutation error format (``errors { field code }``)."""
    validation_error = ValidationError(error.message, code=error.code.value)
    if error.field:
        return ValidationError({error.field: validation_error})
    return validation_error
