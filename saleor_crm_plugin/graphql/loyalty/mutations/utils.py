from django.core.exceptions import ValidationError
from saleor.channel.models import Channel

from ....loyalty.error_codes import LoyaltyErrorCode
from ....loyalty.exceptions import LoyaltyError, ProgramInactive

# The argument a domain error belongs to when the domain names none.
DEFAULT_FIELDS: dict[type[LoyaltyError], str] = {ProgramInactive: "channel"}


def to_validation_error(error: LoyaltyError) -> ValidationError:
    """A domain error in Saleor's mutation error format (``errors { field code }``)."""
    field = error.field or DEFAULT_FIELDS.get(type(error))
    validation_error = ValidationError(error.message, code=error.code)
    return ValidationError({field: validation_error}) if field else validation_error


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
