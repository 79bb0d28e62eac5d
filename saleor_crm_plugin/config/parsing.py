"""The parsing helpers every section shares: one stored text value -> one typed value.

A helper raises ``ConfigProblem`` (what is wrong with the value, and Saleor's
``PluginErrorCode``); it does not know which field it reads. ``ConfigErrors`` collects
the problems of every field while the sections parse on, each message prefixed with
the field's label as staff see it on the Plugins page (and, in a multi-line field, the
line: ``Tiers, line 2 ("Gold | 5000 | x"): 'x' is not a number.``), since Saleor's
Dashboard shows only the messages, in a toast, and highlights no plugin field. At the
end it raises one Django ``ValidationError`` keyed by field name, which ``pluginUpdate``
returns as ``errors { field code message }``, one error per problem.
"""

import re
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from pytimeparse import parse as parse_duration_seconds
from saleor.plugins.error_codes import PluginErrorCode

# The most points one field (a bonus, an earning rate) or one ledger entry can hold.
MAX_POINTS = 10**12
MAX_AMOUNT = Decimal(10**9)
MAX_DURATION_DAYS = 3650
# A line of a multi-line field is quoted in its message up to this length.
QUOTED_LINE_LENGTH = 60


class ConfigProblem(Exception):
    """What is wrong with one value (a sentence starting in lower case)."""

    def __init__(self, message: str, code: PluginErrorCode = PluginErrorCode.INVALID):
        super().__init__(message)
        self.message = message
        self.code = code


class Line:
    """One non-blank line of a multi-line field: its number (from 1) and its text."""

    def __init__(self, number: int, text: str):
        self.number = number
        self.text = text.strip()

    def __str__(self) -> str:
        quoted = self.text
        if len(quoted) > QUOTED_LINE_LENGTH:
            quoted = quoted[: QUOTED_LINE_LENGTH - 1] + "…"
        return f'line {self.number} ("{quoted}")'


class ConfigErrors:
    """Every problem of one configuration, by field; ``labels``: field name -> label."""

    def __init__(self, labels: dict[str, str]):
        self.labels = labels
        self.by_field: dict[str, list[ValidationError]] = {}

    def label(self, field: str) -> str:
        return self.labels[field]

    def add(self, field: str, problem: ConfigProblem, line: Line | None = None) -> None:
        where = self.labels[field] if line is None else f"{self.labels[field]}, {line}"
        message = f"{where}: {problem.message}"
        self.by_field.setdefault(field, []).append(
            ValidationError(message, code=problem.code.value)
        )

    def value(self, field: str, parse: Callable, *args, line: Line | None = None, **kwargs):
        """``parse(*args, **kwargs)``, or None with its problem recorded for ``field``."""
        try:
            return parse(*args, **kwargs)
        except ConfigProblem as problem:
            self.add(field, problem, line)
            return None

    def has(self, field: str) -> bool:
        return field in self.by_field

    def lines(self, field: str, raw, pattern: re.Pattern, expected: str) -> Iterator[tuple]:
        """(line, match) of each non-blank line of a multi-line field matching
        ``pattern``; a line that does not is recorded (``expected``: how it should read)."""
        for number, text in enumerate(str(raw or "").splitlines(), start=1):
            if not text.strip():
                continue
            line = Line(number, text)
            match = pattern.match(text)
            if match:
                yield line, match
            else:
                self.add(field, ConfigProblem(f"expected '{expected}'."), line)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def decimal_value(raw, *, minimum: Decimal, maximum: Decimal, positive=False) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ConfigProblem(f"'{raw}' is not a number.") from None
    if not value.is_finite():
        raise ConfigProblem(f"'{raw}' is not a number.")
    if positive and value <= 0:
        raise ConfigProblem(f"must be greater than zero (not {raw}).")
    if value < minimum or value > maximum:
        raise ConfigProblem(f"must be between {minimum} and {maximum} (not {raw}).")
    return value


def amount(raw, *, positive=False) -> Decimal:
    """A non-negative amount in the channel currency, at most ``MAX_AMOUNT``."""
    return decimal_value(raw, minimum=Decimal(0), maximum=MAX_AMOUNT, positive=positive)


def integer(raw, *, minimum: int = 0, maximum: int = MAX_POINTS) -> int:
    text = str(raw).strip()
    if not re.fullmatch(r"-?\d+", text):
        raise ConfigProblem(f"'{raw}' is not a whole number.")
    value = int(text)
    if value < minimum or value > maximum:
        raise ConfigProblem(f"must be between {minimum} and {maximum} (not {raw}).")
    return value


def duration(raw, *, optional: bool) -> int | None:
    """Seconds of a duration such as 14d, 36h or 90m; ``0`` is zero; empty is None if
    ``optional``."""
    text = str(raw or "").strip()
    if not text:
        if optional:
            return None
        raise ConfigProblem("a duration is required, e.g. 14d or 36h.", PluginErrorCode.REQUIRED)
    if text == "0":
        return 0
    seconds = parse_duration_seconds(text)
    if seconds is None or seconds < 0:
        raise ConfigProblem(f"'{raw}' is not a duration; use e.g. 14d, 36h or 90m.")
    if seconds > MAX_DURATION_DAYS * 86400:
        raise ConfigProblem(f"must be at most {MAX_DURATION_DAYS} days (not {raw}).")
    return int(seconds)


def choice(raw, choices: tuple[str, ...]) -> str:
    """One of ``choices``, whatever the case it is typed in."""
    value = str(raw).strip().lower()
    if value not in choices:
        raise ConfigProblem(f"'{raw}' is not one of: {', '.join(choices)}.")
    return value


def boolean(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    return str(raw).strip().lower() == "true"


def text(raw, *, strip: bool = True) -> str:
    value = str(raw or "")
    return value.strip() if strip else value


def name_problem(name: str, line: Line, seen: dict[str, Line]) -> ConfigProblem | None:
    """A line's name must be at most 64 characters and differ (ignoring case) from the
    names of the lines before (``seen``: folded name -> line, updated)."""
    if len(name) > 64:
        return ConfigProblem("the name is longer than 64 characters.")
    first = seen.setdefault(name.lower(), line)
    if first is not line:
        return ConfigProblem(f"the name '{name}' is already used on line {first.number}.")
    return None
