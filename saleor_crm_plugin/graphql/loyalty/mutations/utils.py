from saleor.channel.models import Channel

from ....loyalty.error_codes import LoyaltyErrorCode
from ... import utils


def get_channel_or_error(slug: str, *, using: str) -> Channel:
    return utils.get_channel_or_error(slug, using=using, code=LoyaltyErrorCode.NOT_FOUND.value)
