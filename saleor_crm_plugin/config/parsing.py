"""The parsing helpers every section shares: one stored text value -> one typed value.

Each helper takes the field's name and raises Django's ``ValidationError`` keyed by it,
with Saleor's ``PluginErrorCode``, so ``pluginUpdate`` reports ``errors { field code
message }`` on the right field.
"""

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from pytimeparse import parse as parse_duration_seconds
from saleor.plugins.error_codes import PluginErrorCode

# The most points one field (a bonus, an earning rate) or one ledger entry can hold.
MAX_POINTS = 10**12
MAX_AMOUNT = Decimal(10**9)
MAX_DURATION_DAYS = 3650


def invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=PluginErrorCode.INVALID.value)})


def required(field: str, message: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=PluginErrorCode.REQUIRED.value)})


def decimal_value(field: str, raw, *, minimum: Decimal, maximum: Decimal, positive=False):
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise invalid(field, f"'{raw}' is not a number.") from None
    if not value.is_finite():
        raise invalid(field, f"'{raw}' is not a number.")
    if positive and value <= 0:
        raise invalid(field, "Must be greater than zero.")
    if value < minimum or value > maximum:
        raise invalid(field, f"Must be between {minimum} and {maximum}.")
    return value


def amount(field: str, raw, *, positive=False) -> Decimal:
    """A non-negative amount in the channel currency, at most ``MAX_AMOUNT``."""
    return decimal_value(field, raw, minimum=Decimal(0), maximum=MAX_AMOUNT, positive=positive)


def integer(field: str, raw, *, maximum: int = MAX_POINTS) -> int:
    text = str(raw).strip()
    if not re.fullmatch(r"-?\d+", text):
        raise invalid(field, f"'{raw}' is not a whole number.")
    value = int(text)
    if value < 0 or value > maximum:
        raise invalid(field, f"Must be between 0 and {maximum}.")
    return value


def duration(field: str, raw, *, optional: bool) -> int | None:
    """Seconds of a duration such as 14d, 36h or 90m; ``0`` is zero; empty is None if
    ``optional``."""
    text = str(raw or "").strip()
    if not text:
        if optional:
            return None
        raise invalid(field, "A duration is required, e.g. 14d or 36h.")
    if text == "0":
        return 0
    seconds = parse_duration_seconds(text)
    if seconds is None or seconds < 0:
        raise invalid(field, f"'{raw}' is not a duration; use e.g. 14d, 36h or 90m.")
    if seconds > MAX_DURATION_DAYS * 86400:
        raise invalid(field, f"Must be at most {MAX_DURATION_DAYS} days.")
    return int(seconds)


def choice(field: str, raw, choices: tuple[str, ...]) -> str:
    value = str(raw).strip().lower()
    if value not in choices:
        raise invalid(field, f"'{raw}' is not one of: {', '.join(choices)}.")
    return value


def boolean(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    return str(raw).strip().lower() == "true"


def text(raw, *, strip: bool = True) -> str:
    value = str(raw or "")
    return value.strip() if strip else value


def matched_lines(
    field: str, raw, pattern: re.Pattern, expected: str
) -> Iterator[tuple[int, re.Match]]:
    """(line number, match) of each non-blank line of a multi-line field, which must match
    ``pattern`` (``expected`` says how the line should read)."""
    for number, line in enumerate(str(raw or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = pattern.match(line)
        if not match:
            raise invalid(field, f"Line {number}: expected '{expected}'.")
        yield number, match


def unique_names(field: str, names: list[str], message: str) -> None:
    """Names of a list's lines must differ, ignoring case."""
    folded = [name.lower() for name in names]
    if len(set(folded)) != len(folded):
        raise invalid(field, message)
