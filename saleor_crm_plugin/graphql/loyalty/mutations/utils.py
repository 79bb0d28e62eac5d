from django.core.exceptions import ValidationError
from saleor.channel.models import Channel

from ....loyalty.error_codes import LoyaltyErrorCode
from ....loyalty.exceptions import LoyaltyError
from ... import utils


def to_validation_error(error: LoyaltyError) -> ValidationError:
    """A domain error in Saleor's mutation error format (``errors { field code }``)."""
    validation_error = ValidationError(error.message, code=error.code)
    if error.field:
        return ValidationError({error.field: validation_error})
    return validation_error


def get_channel_or_error(slug: str, *, using: str) -> Channel:
    return utils.get_channel_or_error(slug, using=using, code=LoyaltyErrorCode.NOT_FOUND.value)
