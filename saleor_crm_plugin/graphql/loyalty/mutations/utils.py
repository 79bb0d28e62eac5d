from django.core.exceptions import ValidationError
from saleor.channel.models import Channel

from ....loyalty.error_codes import LoyaltyErrorCode
from ....loyalty.exceptions import LoyaltyError

def to_validation_error(error: LoyaltyError) -> ValidationError:
    """A domain error in Saleor's mutation error format (``errors { field code }``)."""
    validation_error = ValidationError(error.message, code=error.code)
    if error.field:
        return ValidationError({error.field: validation_error})
    return validation_error


def get_channel_or_error(slug: str, *, using: str) -> Channel:
    channel = Channel.objects.using(using).filter(slug=slug).first()
    if channel is None:
        raise ValidationError(
            {
                "channel": ValidationError(
                    f"Channel with '{slug}' slug does not exist.",
                    code=LoyaltyErrorCode.NOT_FOUND.value,
                )
            }
        )
    return channel
