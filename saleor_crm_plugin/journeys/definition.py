"""A journey's stored definition, read and checked in one place.

``Journey.stages`` is a JSON list; each stage reads::

    {"delay": "3d", "subject": "Thank you, {{customer.first_name}}",
     "body": "<p>…</p>", "offer_points": 200}

- ``delay``: after the trigger (``1h``, ``3d``, ``2w``: the configuration's duration
  syntax), strictly increasing from stage to stage, at most ``MAX_DELAY_DAYS``;
- ``subject`` and ``body``: Handlebars, checked with a sample journey message the way
  they are sent (``config.template_check``): an unknown variable or an open block is
  refused; an empty body sends no e-mail (apps subscribed to Saleor's ``notify`` still
  get the payload);
- ``offer_points``: bonus points posted through the loyalty ledger when the stage is
  sent (0: none).

``Journey.trigger_settings`` holds the trigger's parameters, checked against
``triggers.SETTINGS`` (name → (default, minimum, maximum)).

``journey_definition_check`` collects every problem and raises one ``JourneyError``
naming the first, with its path (``stages[1].delay``), so nothing half-valid is saved.
"""

import dataclasses

from ..config import JOURNEY_SAMPLE, template_check
from ..config.parsing import ConfigProblem, duration
from .error_codes import JourneyErrorCode
from .exceptions import JourneyError

MAX_STAGES = 5
MAX_DELAY_DAYS = 365
MAX_OFFER_POINTS = 1_000_000
MAX_HOLDOUT_PERCENT = 50
STAGE_KEYS = ("delay", "subject", "body", "offer_points")


@dataclasses.dataclass(frozen=True)
class JourneyStage:
    number: int
    delay_seconds: int
    subject: str
    body: str
    offer_points: int


def journey_stages(raw: list) -> list[JourneyStage]:
    """The stored stages, typed (stored stages were checked when saved)."""
    return [
        JourneyStage(
            number=number,
            delay_seconds=duration(stage["delay"], optional=False),
            subject=stage.get("subject", ""),
            body=stage.get("body", ""),
            offer_points=int(stage.get("offer_points") or 0),
        )
        for number, stage in enumerate(raw, start=1)
    ]


def _stage_problem(stage, number: int, previous_delay: int) -> tuple[str, str] | None:
    """(key, problem) of the first thing wrong with one stage, or None."""
    if not isinstance(stage, dict):
        return "", "a stage is an object with delay, subject, body and offer_points."
    unknown = sorted(set(stage) - set(STAGE_KEYS))
    if unknown:
        return unknown[0], f"'{unknown[0]}' is not a stage setting ({', '.join(STAGE_KEYS)})."
    try:
        delay = duration(stage.get("delay"), optional=False)
    except ConfigProblem as problem:
        return "delay", problem.message
    if delay > MAX_DELAY_DAYS * 86400:
        return "delay", f"at most {MAX_DELAY_DAYS} days."
    if number > 1 and delay <= previous_delay:
        return "delay", "each stage comes after the one before it."
    for key, subject in (("subject", True), ("body", False)):
        source = stage.get(key, "")
        if not isinstance(source, str):
            return key, "a text."
        try:
            template_check(source, subject=subject, sample=JOURNEY_SAMPLE)
        except ConfigProblem as problem:
            return key, problem.message
    points = stage.get("offer_points", 0)
    if (
        not isinstance(points, int)
        or isinstance(points, bool)
        or not 0 <= points <= MAX_OFFER_POINTS
    ):
        return "offer_points", f"a whole number from 0 to {MAX_OFFER_POINTS}."
    return None


def stages_check(stages) -> list[dict]:
    """``stages`` if valid (normalised: every key present); raise JourneyError."""
    if not isinstance(stages, list) or not stages:
        raise JourneyError(
            "A journey has at least one stage.", code=JourneyErrorCode.REQUIRED, field="stages"
        )
    if len(stages) > MAX_STAGES:
        raise JourneyError(
            f"A journey has at most {MAX_STAGES} stages.",
            code=JourneyErrorCode.INVALID_STAGES,
            field="stages",
        )
    previous = 0
    for number, stage in enumerate(stages, start=1):
        problem = _stage_problem(stage, number, previous)
        if problem is not None:
            key, message = problem
            code = (
                JourneyErrorCode.INVALID_TEMPLATE
                if key in ("subject", "body")
                else JourneyErrorCode.INVALID_STAGES
            )
            path = f"stages[{number - 1}].{key}".rstrip(".")
            raise JourneyError(message, code=code, field="stages", path=path)
        previous = duration(stage["delay"], optional=False)
    return [
        {
            "delay": stage["delay"],
            "subject": stage.get("subject", ""),
            "body": stage.get("body", ""),
            "offer_points": stage.get("offer_points", 0),
        }
        for stage in stages
    ]


def settings_check(settings, *, allowed: dict[str, tuple[int, int, int | None]]) -> dict:
    """The trigger settings with defaults filled in; raise JourneyError on a bad one.

    ``allowed``: name -> (default, minimum, maximum); no maximum for an ID (the caller
    checks that it names something)."""
    if not isinstance(settings, dict):
        raise JourneyError("Settings are an object.", field="triggerSettings")
    unknown = sorted(set(settings) - set(allowed))
    if unknown:
        names = ", ".join(allowed) or "none"
        raise JourneyError(
            f"'{unknown[0]}' is not a setting of this journey (settings: {names}).",
            field="triggerSettings",
            path=unknown[0],
        )
    checked = {}
    for name, (default, minimum, maximum) in allowed.items():
        value = settings.get(name, default)
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or value < minimum
            or (maximum is not None and value > maximum)
        ):
            raise JourneyError(
                f"'{name}' is a whole number from {minimum} to {maximum}.",
                field="triggerSettings",
                path=name,
            )
        checked[name] = value
    return checked


def holdout_check(percent) -> int:
    if not isinstance(percent, int) or not 0 <= percent <= MAX_HOLDOUT_PERCENT:
        raise JourneyError(
            f"The holdout is a whole percentage from 0 to {MAX_HOLDOUT_PERCENT}.",
            field="holdoutPercent",
        )
    return percent
