"""A channel's whole configuration: one typed section per domain.

``parse_configuration`` fills in the defaults of ``fields.FIELDS`` and has each section
parse its own fields, in the order of the table (loyalty, cart recovery, SMTP), stopping
at the first bad field. ``CRMPlugin.validate_plugin_configuration`` calls the same
parser, so what ``pluginUpdate`` accepts is exactly what the domains can read.
"""

import dataclasses

from .carts import CartsConfig, parse_carts
from .fields import DEFAULT_CONFIGURATION, stored_values
from .loyalty import LoyaltyConfig, parse_loyalty
from .smtp import SmtpConfig, parse_smtp


@dataclasses.dataclass(frozen=True)
class ChannelConfig:
    """The typed configuration of one channel's programme."""

    loyalty: LoyaltyConfig
    carts: CartsConfig
    smtp: SmtpConfig


def parse_configuration(configuration: list[dict] | None) -> ChannelConfig:
    """Return the typed configuration; raise ValidationError on the first bad field."""
    values = stored_values(configuration)
    return ChannelConfig(
        loyalty=parse_loyalty(values), carts=parse_carts(values), smtp=parse_smtp(values)
    )


DEFAULT_CONFIG = parse_configuration(DEFAULT_CONFIGURATION)
