"""The journeys section of a channel's configuration: what every journey shares.

A journey itself (its trigger, stages, messages and offers) is data, one ``Journey`` row
per journey, edited through GraphQL. What the plugin configuration holds is shared by
every journey of the channel, cart recovery included:

- ``quiet_hours`` (``"21:00-08:00"``): no marketing message leaves in that window of
  the shop's local time; a stage due inside it waits for its end;
- ``time_zone``: the shop's time zone (an IANA name, e.g. ``Europe/Paris``), which
  quiet hours and birthdays are read in.

The frequency cap and the consent default keep their cart-recovery field names
(``message_frequency_cap``, ``marketing_consent_default``: the stored format is
unchanged) and apply across journeys.

``SAMPLE_JOURNEY_PAYLOAD`` is the shape of a journey message
(``journeys.messages.journey_message_payload``): templates are checked against it.
"""

import dataclasses
import datetime
import re
import zoneinfo

from .parsing import ConfigErrors, ConfigProblem, text

_QUIET_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclasses.dataclass(frozen=True)
class QuietHours:
    """A daily window of local time, possibly across midnight (``start > end``)."""

    start: datetime.time
    end: datetime.time

    def contains(self, moment: datetime.time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


@dataclasses.dataclass(frozen=True)
class JourneysConfig:
    quiet_hours: QuietHours | None
    time_zone: zoneinfo.ZoneInfo

    def quiet_until(self, now: datetime.datetime) -> datetime.datetime | None:
        """The end of the quiet window ``now`` falls in (aware), or None when not quiet."""
        if self.quiet_hours is None:
            return None
        local = now.astimezone(self.time_zone)
        if not self.quiet_hours.contains(local.time()):
            return None
        end = datetime.datetime.combine(local.date(), self.quiet_hours.end, self.time_zone)
        if end <= local:
            end += datetime.timedelta(days=1)
        return end.astimezone(datetime.UTC)


def quiet_hours(raw) -> QuietHours | None:
    value = text(raw)
    if not value:
        return None
    match = _QUIET_HOURS.match(value)
    if not match:
        raise ConfigProblem(f"'{value}' is not a window like 21:00-08:00.")
    hour_from, minute_from, hour_to, minute_to = (int(part) for part in match.groups())
    try:
        start = datetime.time(hour_from, minute_from)
        end = datetime.time(hour_to, minute_to)
    except ValueError:
        raise ConfigProblem(f"'{value}' is not a window of times of day.") from None
    if start == end:
        raise ConfigProblem("the window starts and ends at the same time.")
    return QuietHours(start, end)


def time_zone(raw) -> zoneinfo.ZoneInfo:
    name = text(raw) or "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigProblem(f"'{name}' is not a time zone, e.g. Europe/Paris.") from None


def parse_journeys(values: dict, errors: ConfigErrors) -> JourneysConfig:
    value = errors.value
    return JourneysConfig(
        quiet_hours=value("quiet_hours", quiet_hours, values["quiet_hours"]),
        time_zone=value("time_zone", time_zone, values["time_zone"]) or zoneinfo.ZoneInfo("UTC"),
    )


SAMPLE_JOURNEY_PAYLOAD = {
    "event": "crm_journey_message",
    "message_id": 1,
    "journey": {"id": 1, "name": "Win-back", "kind": "win_back"},
    "stage": 1,
    "is_last_stage": False,
    "recipient_email": "ada@example.com",
    "channel_slug": "default-channel",
    "customer": {
        "user_id": 1,
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
    },
    "loyalty": {
        "balance": 1200,
        "tier": "Gold",
        "expiring_points": 300,
        "expiring_at": "2026-04-01T00:00:00+00:00",
    },
    "order": {"number": "1042", "total_gross_amount": "98.40", "currency": "USD"},
    "offer": {"points": 200, "code": "", "description": "200 bonus points"},
    "unsubscribe_token": "signed-token",
    "unsubscribe_url": "https://shop.example.com/unsubscribe?token=signed-token",
    "unsubscribe_one_click_url": (
        "https://shop.example.com/plugins/saleor.crm/unsubscribe?token=signed-token"
    ),
    "domain": "shop.example.com",
    "site_name": "Example shop",
    "logo_url": "",
}
