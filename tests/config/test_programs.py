"""Where the programme is active: one rule for every task, command and resolver."""

from saleor_crm_plugin.config import (
    DEFAULT_CONFIG,
    active_channel_programs,
    load_channel_program,
)
from tests.fixtures.plugin import configure_crm


def test_active_channel_programs_returns_exactly_the_active_channels(
    channel_USD, channel_PLN, channel_JPY, other_channel_USD
):
    # given: USD active, PLN active with cart recovery too, JPY configured but inactive,
    # other_channel_USD active but its stored configuration no longer parses
    configure_crm(channel_USD, earn_points="3")
    configure_crm(
        channel_PLN,
        cart_recovery_enabled=True,
        storefront_checkout_url="https://shop.example.com/c/{token}",
        storefront_unsubscribe_url="https://shop.example.com/u/{token}",
    )
    configure_crm(channel_JPY, active=False)
    configure_crm(other_channel_USD, earn_points="many")  # stored without pluginUpdate

    # when
    programs = active_channel_programs()

    # then
    assert list(programs) == sorted([channel_USD.pk, channel_PLN.pk])
    assert programs[channel_USD.pk].loyalty.earn_points == 3
    assert programs[channel_PLN.pk].carts.enabled is True
    for channel in (channel_USD, channel_PLN, channel_JPY, other_channel_USD):
        assert load_channel_program(channel.pk).active is (channel.pk in programs)


def test_a_channel_never_configured_is_inactive_with_default_rules(channel_USD):
    # when
    program = load_channel_program(channel_USD.pk)

    # then
    assert (program.active, program.config) == (False, DEFAULT_CONFIG)
    assert active_channel_programs() == {}


def test_a_stored_configuration_is_parsed_once_and_a_saved_change_is_read_at_once(
    channel_USD, channel_PLN
):
    # given: two channels storing the same configuration
    configure_crm(channel_USD, earn_points="3")
    configure_crm(channel_PLN, earn_points="3")

    # when: read twice, by every reader
    first = load_channel_program(channel_USD.pk).config
    again = [
        load_channel_program(channel_USD.pk).config,
        load_channel_program(channel_PLN.pk).config,
        *active_channel_programs().values(),
    ]

    # then: one parsed configuration serves them all
    assert all(config is first for config in again)

    # when: staff save a change
    configure_crm(channel_USD, earn_points="5")

    # then: the next read has it; the unchanged channel keeps the parsed one
    assert load_channel_program(channel_USD.pk).config.loyalty.earn_points == 5
    assert load_channel_program(channel_PLN.pk).config is first


def test_a_cached_configuration_that_no_longer_parses_stays_inactive(channel_USD):
    # given: stored without pluginUpdate, so it does not parse
    configure_crm(channel_USD, earn_points="many")

    # when: read twice
    programs = [load_channel_program(channel_USD.pk) for _ in range(2)]

    # then
    assert all((p.active, p.config) == (False, DEFAULT_CONFIG) for p in programs)
