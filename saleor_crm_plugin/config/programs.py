"""A channel's programme read from Saleor's table, for code outside the plugin manager
(Celery tasks, management commands, GraphQL resolvers).

"Where the programme is active" is one rule, ``active_channel_programs``: the plugin's
configuration of the channel is active in Saleor *and* still parses. A stored
configuration that no longer parses (edited outside ``pluginUpdate``) counts as inactive,
with default rules, rather than raising in a background task; ``load_channel_program``
applies the same rule to one channel.
"""

import dataclasses
import functools
import json

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery, TextField
from django.db.models.functions import Cast, JSONObject
from saleor.channel.models import Channel
from saleor.plugins.models import PluginConfiguration

from ..kept_sql import KeptStatement, keep
from .channel import DEFAULT_CONFIG, ChannelConfig, parse_configuration
from .fields import PLUGIN_ID


@dataclasses.dataclass(frozen=True)
class ChannelProgram:
    """A channel's programme as the domain sees it: active flag and configuration."""

    active: bool
    config: ChannelConfig


def channel_program(active: bool, configuration: list[dict] | str | None) -> ChannelProgram:
    """A programme from a stored configuration (as stored, or its JSON text as the
    database sends it); one that no longer parses is off."""
    if not isinstance(configuration, str):
        configuration = json.dumps(configuration, default=str)
    config = _parsed(configuration)
    if config is None:
        return ChannelProgram(active=False, config=DEFAULT_CONFIG)
    return ChannelProgram(active=active, config=config)


@functools.lru_cache(maxsize=64)
def _parsed(stored: str) -> ChannelConfig | None:
    """The configuration of a stored JSON text, parsed once per process: parsing (every
    field, its templates compiled) costs milliseconds, and a storefront's checkout
    query or a sweep reads the same few stored configurations again and again. Keyed by
    the text itself, so a saved change is a new key; ``ChannelConfig`` is immutable."""
    try:
        return parse_configuration(json.loads(stored))
    except ValidationError:
        return None


def _stored_text() -> Cast:
    """The stored configuration as the database's JSON text: the key of ``_parsed``,
    without decoding it first."""
    return Cast("configuration", output_field=TextField())


def load_channel_program(channel_id: int, *, using: str = "default") -> ChannelProgram:
    """Read the plugin's configuration of one channel; a channel never configured is
    inactive with default rules."""
    stored = (
        PluginConfiguration.objects.using(using)
        .filter(identifier=PLUGIN_ID, channel_id=channel_id)
        .values("active", configuration_text=_stored_text())
        .first()
    )
    if stored is None:
        return ChannelProgram(active=False, config=DEFAULT_CONFIG)
    return channel_program(stored["active"], stored["configuration_text"])


def load_channel_programs(channel_ids, *, using: str = "default") -> dict[int, ChannelProgram]:
    """``load_channel_program`` of several channels in one query (for dataloaders)."""
    channel_ids = list(channel_ids)
    stored = {
        row["channel_id"]: row
        for row in PluginConfiguration.objects.using(using)
        .filter(identifier=PLUGIN_ID, channel_id__in=channel_ids)
        .values("channel_id", "active", configuration_text=_stored_text())
    }
    return {
        channel_id: channel_program(
            stored[channel_id]["active"], stored[channel_id]["configuration_text"]
        )
        if channel_id in stored
        else ChannelProgram(active=False, config=DEFAULT_CONFIG)
        for channel_id in channel_ids
    }


def program_annotations(channel_id) -> dict:
    """The annotation reading the programme of the channel ``channel_id`` (an
    ``OuterRef`` or a column) in the query it is added to; ``annotated_program`` reads
    it. One subquery (active flag and stored text as one JSON object, null for a channel
    never configured): each subquery costs the planner more than the executor, and the
    storefront's checkout query plans this one on every request."""
    stored = PluginConfiguration.objects.filter(identifier=PLUGIN_ID, channel_id=channel_id)
    program = JSONObject(active="active", configuration=_stored_text())
    return {"crm_program": Subquery(stored.values(json=program)[:1])}


def annotated_program(row) -> ChannelProgram:
    """The programme read by ``program_annotations`` (a model instance or a dict; the
    object as the ORM decodes it, or as the database's JSON text)."""
    stored = row["crm_program"] if isinstance(row, dict) else row.crm_program
    if stored is None:
        return ChannelProgram(active=False, config=DEFAULT_CONFIG)
    if isinstance(stored, str):
        stored = json.loads(stored)
    return channel_program(stored["active"], stored["configuration"])


def channels_with_programs(slugs, *, using: str = "default") -> dict:
    """Slug -> (channel, its programme) of each existing channel, in one query."""
    channels = (
        Channel.objects.using(using)
        .filter(slug__in=list(slugs))
        .annotate(**program_annotations(OuterRef("pk")))
    )
    return {channel.slug: (channel, annotated_program(channel)) for channel in channels}


def active_channel_programs(*, using: str = "default") -> dict[int, ChannelConfig]:
    """Channel id -> configuration of every channel where the programme is active, by
    channel id, in one query (every sweep and periodic task starts here)."""
    active = {}
    for row in _active_programs_statement(using).rows(using):
        program = channel_program(True, row["configuration_text"])
        if program.active:
            active[row["channel_id"]] = program.config
    return active


@functools.lru_cache(maxsize=8)
def _active_programs_statement(using: str) -> KeptStatement:
    """``active_channel_programs``' statement, built by the ORM once per database: the
    build cost more than running it, on every sweep."""
    queryset = (
        PluginConfiguration.objects.using(using)
        .filter(identifier=PLUGIN_ID, active=True, channel__isnull=False)
        .order_by("channel_id")
        .values("channel_id", configuration_text=_stored_text())
    )
    return keep(queryset, using=using, stand_ins={})
