from django.core.exceptions import ValidationError
from saleor.channel.models import Channel

from ....segments.error_codes import CustomerSegmentErrorCode
from ....segments.exceptions import SegmentError
from ... import utils


def to_validation_error(error: SegmentError) -> ValidationError:
    """A domain error in Saleor's format: ``errors { field code message path }``.

    The message starts with the node path, so clients that only show messages still
    point at the bad node; the path is also in its own field.
    """
    message = f"{error.path}: {error.message}" if error.path else error.message
    validation_error = ValidationError(message, code=error.code.value, params={"path": error.path})
    if error.field:
        return ValidationError({error.field: validation_error})
    return validation_error


def get_channel_or_error(slug: str, *, using: str) -> Channel:
    return utils.get_channel_or_error(
        slug, using=using, code=CustomerSegmentErrorCode.NOT_FOUND.value
    )


def clean_definition(definition) -> dict:
    """The parsed JSONString; Saleor's scalar gives ``None`` for malformed JSON."""
    if not isinstance(definition, dict):
        raise ValidationError(
            {
                "definition": ValidationError(
                    "The definition must be a JSON object, e.g. "
                    '{"all": [{"field": "order_count", "op": "gte", "value": 1}]}.',
                    code=CustomerSegmentErrorCode.INVALID.value,
                )
            }
        )
    return definition
