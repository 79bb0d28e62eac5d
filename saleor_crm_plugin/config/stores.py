"""The stores section of a channel's configuration: Stripe Terminal and receipt claims.

``config.stores`` of a ``ChannelConfig``:

* ``stripe_webhook_secrets``: the signing secrets of the Stripe webhook endpoint
  ``/plugins/channel/<channel>/saleor.crm/stripe/webhook`` (one a line: during a
  rotation Stripe signs with both, and either verifies); never logged or shown back;
* ``stripe_terminal_locations``: which store (a Saleor warehouse, by slug) each
  Terminal location (``tml_…``) is in; a PaymentIntent's ``metadata.store`` overrides;
* the claim rules: how long after a purchase it can be claimed, how many claims a
  shopper may start a day, how long an e-mailed code lives;
* ``card_recognition``: whether shoppers may opt in to having their card recognised.
"""

import dataclasses
import re

from .parsing import ConfigErrors, ConfigProblem, boolean, duration, integer, text

_LOCATION_LINE = re.compile(r"^\s*(?P<location>[A-Za-z0-9_]+)\s*\|\s*(?P<store>[\w-]+)\s*$")
_SECRET = re.compile(r"^whsec_[A-Za-z0-9]+$")


@dataclasses.dataclass(frozen=True)
class StoresConfig:
    stripe_webhook_secrets: tuple[str, ...]
    # Terminal location id -> warehouse slug
    stripe_terminal_locations: dict[str, str]
    claim_window_seconds: int
    claim_daily_limit: int
    claim_code_seconds: int
    card_recognition: bool


def _secrets(raw, errors: ConfigErrors) -> tuple[str, ...]:
    secrets = tuple(line.strip() for line in str(raw or "").splitlines() if line.strip())
    for number, secret in enumerate(secrets, start=1):
        if not _SECRET.match(secret):
            # The message never repeats the value: it is a secret.
            errors.add(
                "stripe_webhook_secrets",
                ConfigProblem(f"line {number} is not a Stripe signing secret (whsec_…)."),
            )
    return secrets


def _locations(raw, errors: ConfigErrors) -> dict[str, str]:
    locations: dict[str, str] = {}
    for _line, match in errors.lines(
        "stripe_terminal_locations", raw, _LOCATION_LINE, "tml_… | store slug"
    ):
        locations[match["location"]] = match["store"]
    return locations


def parse_stores(values: dict, errors: ConfigErrors) -> StoresConfig:
    """The stores section from the stored values (defaults filled in)."""
    value = errors.value
    return StoresConfig(
        stripe_webhook_secrets=_secrets(values["stripe_webhook_secrets"], errors),
        stripe_terminal_locations=_locations(values["stripe_terminal_locations"], errors),
        claim_window_seconds=value(
            "store_claim_window", duration, values["store_claim_window"], optional=False
        )
        or 0,
        claim_daily_limit=value(
            "store_claim_daily_limit",
            integer,
            text(values["store_claim_daily_limit"]),
            minimum=1,
            maximum=100,
        )
        or 1,
        claim_code_seconds=value(
            "store_claim_code_lifetime",
            duration,
            values["store_claim_code_lifetime"],
            optional=False,
        )
        or 0,
        card_recognition=boolean(values["store_card_recognition"]),
    )
