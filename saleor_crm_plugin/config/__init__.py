"""The plugin's per-channel configuration: its fields, their defaults, and parsing.

- ``fields``: the field table (``DEFAULT_CONFIGURATION``, ``CONFIG_STRUCTURE``), the
  one place that knows the stored names, shared by every domain;
- ``parsing``: the shared helpers that turn one stored value into a typed one;
- one typed section per domain, nested in ``ChannelConfig``: ``loyalty``
  (``config.loyalty.earn_points``), ``carts`` (``config.carts.stages``) and ``smtp``
  (``config.smtp.host``); each section's module owns its types and constants, so a
  domain reads its section without importing another domain;
- ``templates``: the Handlebars renderer (sending and checking), the template
  variables and the sample payload templates are checked with;
- ``channel``: ``ChannelConfig``, ``parse_configuration`` (on load) and
  ``validate_configuration`` (on save);
- ``programs``: a channel's programme from Saleor's table, and the one rule for the
  channels where the programme is active (``active_channel_programs``).

Validation raises one Django ``ValidationError`` with every problem, keyed by field
name with Saleor's ``PluginErrorCode`` codes, each message starting with the field's
label (and line); ``pluginUpdate`` returns them all as ``errors { field code message }``
and saves nothing.
"""

from .carts import (
    DEFAULT_TEMPLATE,
    OFFER_FIXED,
    OFFER_FREE_SHIPPING,
    OFFER_PERCENTAGE,
    OFFER_SCOPE_ITEMS,
    OFFER_SCOPE_ORDER,
    CartsConfig,
    CartStage,
    ExperimentVariant,
    OfferSpec,
    ReminderKind,
)
from .channel import DEFAULT_CONFIG, ChannelConfig, parse_configuration, validate_configuration
from .fields import CONFIG_STRUCTURE, DEFAULT_CONFIGURATION, PLUGIN_ID
from .loyalty import (
    ROUNDING_CEIL,
    ROUNDING_FLOOR,
    ROUNDING_HALF_UP,
    TIER_BASIS_POINTS,
    TIER_BASIS_SPEND,
    LoyaltyConfig,
    TierRule,
)
from .journeys import JourneysConfig, QuietHours
from .parsing import MAX_POINTS
from .programs import (
    ChannelProgram,
    active_channel_programs,
    annotated_program,
    channel_program,
    channels_with_programs,
    load_channel_program,
    load_channel_programs,
    program_annotations,
)
from .smtp import SmtpConfig
from .stores import StoresConfig
from .templates import (
    HANDLEBARS_LOCK,
    JOURNEY_SAMPLE,
    VARIABLES,
    body_render,
    subject_render,
    template_check,
)

__all__ = [
    "CONFIG_STRUCTURE",
    "DEFAULT_CONFIG",
    "DEFAULT_CONFIGURATION",
    "DEFAULT_TEMPLATE",
    "HANDLEBARS_LOCK",
    "JOURNEY_SAMPLE",
    "MAX_POINTS",
    "OFFER_FIXED",
    "OFFER_FREE_SHIPPING",
    "OFFER_PERCENTAGE",
    "OFFER_SCOPE_ITEMS",
    "OFFER_SCOPE_ORDER",
    "PLUGIN_ID",
    "ROUNDING_CEIL",
    "ROUNDING_FLOOR",
    "ROUNDING_HALF_UP",
    "TIER_BASIS_POINTS",
    "TIER_BASIS_SPEND",
    "CartStage",
    "CartsConfig",
    "ChannelConfig",
    "ChannelProgram",
    "ExperimentVariant",
    "JourneysConfig",
    "LoyaltyConfig",
    "OfferSpec",
    "QuietHours",
    "ReminderKind",
    "SmtpConfig",
    "StoresConfig",
    "TierRule",
    "VARIABLES",
    "active_channel_programs",
    "body_render",
    "annotated_program",
    "channel_program",
    "channels_with_programs",
    "load_channel_program",
    "load_channel_programs",
    "program_annotations",
    "parse_configuration",
    "subject_render",
    "template_check",
    "validate_configuration",
]
