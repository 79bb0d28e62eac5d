"""A journey's definition: built-ins valid, payload shape equal to the checked sample,
quiet hours read in the shop's time zone."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from saleor_crm_plugin.config import QuietHours
from saleor_crm_plugin.config.journeys import (
    SAMPLE_JOURNEY_PAYLOAD,
    JourneysConfig,
    quiet_hours,
    time_zone,
)
from saleor_crm_plugin.config.parsing import ConfigProblem
from saleor_crm_plugin.journeys.actions import journey_create
from saleor_crm_plugin.journeys.builtins import BUILTINS
from saleor_crm_plugin.journeys.definition import journey_stages, stages_check
from saleor_crm_plugin.journeys.messages import journey_message_payload
from saleor_crm_plugin.journeys.models import JourneyEnrollment, JourneyKind
from saleor_crm_plugin.journeys.triggers import DETECTORS, SETTINGS

UTC = datetime.UTC


def _shape(value, prefix=""):
    if isinstance(value, dict):
        return {path for key, item in value.items() for path in _shape(item, f"{prefix}{key}.")}
    return {prefix.rstrip(".")}


@pytest.mark.parametrize("kind", sorted(BUILTINS))
def test_every_builtin_journey_passes_the_checks_it_is_saved_with(kind):
    _name, stages = BUILTINS[kind]
    assert stages_check(stages) == stages
    assert kind in SETTINGS and kind in DETECTORS


def test_every_kind_but_cart_recovery_is_built_in():
    kinds = {kind for kind, _label in JourneyKind.CHOICES}
    assert set(BUILTINS) == kinds - {JourneyKind.CART_RECOVERY}


def test_payload_has_the_shape_templates_are_checked_against(
    journeys_channel, customer_user, crm_order
):
    # given: a win-back enrollment naming an order, with an offer
    order = crm_order(journeys_channel, [(Decimal("10.00"), 1)])
    journey = journey_create(channel_id=journeys_channel.pk, kind=JourneyKind.WIN_BACK)
    enrollment = JourneyEnrollment.objects.create(
        journey=journey,
        user=customer_user,
        email=customer_user.email,
        trigger_key=f"lapse:{order.pk}",
        triggered_at=datetime.datetime.now(UTC),
        entered_at=datetime.datetime.now(UTC),
    )
    stage = journey_stages(journey.stages)[0]
    offer = {"points": 200, "code": "", "description": "200 bonus points"}

    # when
    payload = journey_message_payload(
        enrollment=enrollment, stage=stage, message=None, offer=offer, stages_count=2
    )

    # then: the same variables, except the loyalty account the customer lacks
    assert payload["loyalty"] is None
    payload["loyalty"] = SAMPLE_JOURNEY_PAYLOAD["loyalty"]
    assert _shape(payload) == _shape(SAMPLE_JOURNEY_PAYLOAD)
    assert payload["order"]["number"] == str(order.number)
    assert payload["customer"]["email"] == customer_user.email


def test_quiet_hours_across_midnight_in_the_shop_time_zone():
    # given: 22:00-07:00 in Paris (UTC+1 in winter)
    config = JourneysConfig(
        quiet_hours=QuietHours(datetime.time(22), datetime.time(7)),
        time_zone=zoneinfo.ZoneInfo("Europe/Paris"),
    )
    # then
    assert config.quiet_until(datetime.datetime(2026, 1, 5, 20, 59, tzinfo=UTC)) is None
    assert config.quiet_until(datetime.datetime(2026, 1, 5, 21, 0, tzinfo=UTC)) == (
        datetime.datetime(2026, 1, 6, 6, 0, tzinfo=UTC)
    )
    assert config.quiet_until(datetime.datetime(2026, 1, 6, 5, 30, tzinfo=UTC)) == (
        datetime.datetime(2026, 1, 6, 6, 0, tzinfo=UTC)
    )
    assert config.quiet_until(datetime.datetime(2026, 1, 6, 6, 0, tzinfo=UTC)) is None


def test_quiet_hours_within_one_day_and_none():
    config = JourneysConfig(
        quiet_hours=QuietHours(datetime.time(12), datetime.time(14)),
        time_zone=zoneinfo.ZoneInfo("UTC"),
    )
    assert config.quiet_until(datetime.datetime(2026, 1, 5, 13, 0, tzinfo=UTC)) == (
        datetime.datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
    )
    assert config.quiet_until(datetime.datetime(2026, 1, 5, 14, 0, tzinfo=UTC)) is None
    assert (
        JourneysConfig(None, zoneinfo.ZoneInfo("UTC")).quiet_until(
            datetime.datetime(2026, 1, 5, 13, 0, tzinfo=UTC)
        )
        is None
    )


@pytest.mark.parametrize("raw", ["21:00", "25:00-08:00", "08:00-08:00", "nightly", "8-9"])
def test_bad_quiet_hours_are_refused(raw):
    with pytest.raises(ConfigProblem):
        quiet_hours(raw)


def test_quiet_hours_and_time_zone_parse():
    assert quiet_hours(" 21:30 - 07:15 ") == QuietHours(datetime.time(21, 30), datetime.time(7, 15))
    assert quiet_hours("") is None
    assert time_zone("Asia/Bangkok") == zoneinfo.ZoneInfo("Asia/Bangkok")
    with pytest.raises(ConfigProblem):
        time_zone("Mars/Olympus")
