"""A channel's whole configuration: one typed section per domain.

``parse_configuration`` fills in the defaults of ``fields.FIELDS`` and has each section
parse its own fields, in the order of the table (loyalty, cart recovery, SMTP, stores, journeys). It does
not stop at the first bad field: every field's problems are collected and raised at
once, as one ``ValidationError`` keyed by field name, each message naming the field by
its label (``parsing.ConfigErrors``).

``validate_configuration`` is what ``CRMPlugin.validate_plugin_configuration`` calls when
staff save: the same parser, and the templates are rendered with sample data
(``templates.template_check``) instead of only compiled, so what ``pluginUpdate``
accepts is exactly what the domains can read and send.
"""

import dataclasses

from .carts import CartsConfig, parse_carts
from .fields import DEFAULT_CONFIGURATION, LABELS, stored_values
from .journeys import JourneysConfig, parse_journeys
from .loyalty import LoyaltyConfig, parse_loyalty
from .parsing import ConfigErrors
from .smtp import SmtpConfig, parse_smtp
from .stores import StoresConfig, parse_stores


@dataclasses.dataclass(frozen=True)
class ChannelConfig:
    """The typed configuration of one channel's programme."""

    loyalty: LoyaltyConfig
    carts: CartsConfig
    smtp: SmtpConfig
    stores: StoresConfig
    journeys: JourneysConfig


def _parse(configuration: list[dict] | None, *, strict: bool) -> ChannelConfig:
    values = stored_values(configuration)
    errors = ConfigErrors(LABELS)
    config = ChannelConfig(
        loyalty=parse_loyalty(values, errors),
        carts=parse_carts(values, errors, strict=strict),
        smtp=parse_smtp(values, errors),
        stores=parse_stores(values, errors),
        journeys=parse_journeys(values, errors),
    )
    errors.raise_if_any()
    return config


def parse_configuration(configuration: list[dict] | None) -> ChannelConfig:
    """Return the typed configuration of a stored one; raise ValidationError with every
    field's problems."""
    return _parse(configuration, strict=False)


def validate_configuration(configuration: list[dict] | None) -> ChannelConfig:
    """As ``parse_configuration``, rendering the templates with sample data: on save."""
    return _parse(configuration, strict=True)


DEFAULT_CONFIG = parse_configuration(DEFAULT_CONFIGURATION)
