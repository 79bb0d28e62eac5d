"""Creating and changing journeys: the one writer of ``Journey`` rows.

``journey_create`` starts from the kind's built-in definition (``builtins``) and
applies what the caller gives; ``journey_update`` changes a journey. Both check the
whole definition first (``definition``) and write nothing when any part is wrong.
Cart recovery's journey is configured on the Plugins page (its stages, templates and
offer are the ``cart_*`` fields), so it cannot be created or edited here.

Changing stages never re-sends a claimed stage: enrollments keep the stages they
claimed, and the next due one is computed from the new list. Disabling a journey stops
new enrollments and sends; enabling it again resumes them.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q

from ..segments.models import CustomerSegment
from .builtins import BUILTINS
from .definition import holdout_check, settings_check, stages_check
from .error_codes import JourneyErrorCode
from .exceptions import JourneyError
from .models import Journey, JourneyKind
from .triggers import SETTINGS

_UNSET = object()
SEGMENT_KINDS = (JourneyKind.SEGMENT_JOINED, JourneyKind.SEGMENT_LEFT)


def _kind_check(kind: str) -> str:
    if kind == JourneyKind.CART_RECOVERY:
        raise JourneyError(
            "Cart recovery is configured on the Plugins page (the cart_* settings).",
            code=JourneyErrorCode.NOT_EDITABLE,
            field="kind",
        )
    if kind not in BUILTINS:
        raise JourneyError(f"'{kind}' is not a kind of journey.", field="kind")
    return kind


def _settings_check(kind: str, settings: dict, *, channel_id: int) -> dict:
    checked = settings_check(settings, allowed=SETTINGS[kind])
    if kind in SEGMENT_KINDS and not _segment_of_channel(checked["segment"], channel_id=channel_id):
        raise JourneyError(
            "No segment of the journey's channel (or of every channel) has this ID.",
            code=JourneyErrorCode.NOT_FOUND,
            field="segment",
        )
    return checked


def _segment_of_channel(segment_id: int, *, channel_id: int) -> bool:
    return (
        CustomerSegment.objects.filter(pk=segment_id)
        .filter(Q(channel_id=channel_id) | Q(channel__isnull=True))
        .exists()
    )


def _name_check(name) -> str:
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name or len(name) > 128 or "\x00" in name:
        raise JourneyError(
            "A journey's name has 1 to 128 characters.", code=JourneyErrorCode.INVALID, field="name"
        )
    return name


def _save(journey: Journey) -> Journey:
    try:
        with transaction.atomic():
            journey.save()
    except IntegrityError:
        raise JourneyError(
            "Another journey of the channel has this name.",
            code=JourneyErrorCode.UNIQUE,
            field="name",
        ) from None
    return journey


def journey_create(
    *,
    channel_id: int,
    kind: str,
    name: str | None = None,
    enabled: bool = False,
    stages: list | None = None,
    trigger_settings: dict | None = None,
    holdout_percent: int = 0,
) -> Journey:
    default_name, default_stages = BUILTINS[_kind_check(kind)]
    journey = Journey(
        channel_id=channel_id,
        kind=kind,
        name=_name_check(default_name if name is None else name),
        enabled=bool(enabled),
        stages=stages_check(default_stages if stages is None else stages),
        trigger_settings=_settings_check(kind, trigger_settings or {}, channel_id=channel_id),
        holdout_percent=holdout_check(holdout_percent),
    )
    return _save(journey)


def journey_update(
    *,
    journey: Journey,
    name=_UNSET,
    enabled=_UNSET,
    stages=_UNSET,
    trigger_settings=_UNSET,
    holdout_percent=_UNSET,
) -> Journey:
    _kind_check(journey.kind)
    if name is not _UNSET:
        journey.name = _name_check(name)
    if stages is not _UNSET:
        journey.stages = stages_check(stages)
    if trigger_settings is not _UNSET:
        journey.trigger_settings = _settings_check(
            journey.kind, trigger_settings, channel_id=journey.channel_id
        )
    if holdout_percent is not _UNSET:
        journey.holdout_percent = holdout_check(holdout_percent)
    if enabled is not _UNSET:
        journey.enabled = bool(enabled)
    return _save(journey)
