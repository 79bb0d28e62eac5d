from django.core.exceptions import ValidationError
from saleor.channel.models import Channel

from ....segments.error_codes import CustomerSegmentErrorCode
from ... import utils


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
