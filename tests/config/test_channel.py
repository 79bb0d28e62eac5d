"""A stored configuration parses into one typed section per domain."""

from decimal import Decimal

from saleor_crm_plugin.config import (
    DEFAULT_CONFIG,
    DEFAULT_CONFIGURATION,
    CartStage,
    OfferSpec,
    SmtpConfig,
    TierRule,
    parse_configuration,
)


def test_stored_configuration_parses_into_loyalty_carts_and_smtp_sections():
    # given: as pluginUpdate stores it, field names unchanged
    stored = [
        {"name": "earn_points", "value": "5"},
        {"name": "earn_amount", "value": "2.50"},
        {"name": "pending_period", "value": "7d"},
        {"name": "points_expire_after", "value": ""},
        {"name": "tiers", "value": "Silver | 500 | 1.25"},
        {"name": "redemption_hold", "value": "2h"},
        {"name": "cart_recovery_enabled", "value": True},
        {"name": "cart_recovery_stages", "value": "30m | reminder\n2d | last_call"},
        {"name": "cart_offer", "value": "none"},
        {"name": "cart_messages_per_run", "value": "20"},
        {"name": "storefront_checkout_url", "value": "https://shop.example.com/c/{token}"},
        {"name": "storefront_unsubscribe_url", "value": "https://shop.example.com/u/{token}"},
        {"name": "cart_last_call_subject", "value": "Last chance, {{first_name}}"},
        {"name": "smtp_host", "value": " smtp.example.com "},
        {"name": "smtp_port", "value": "465"},
        {"name": "smtp_sender_address", "value": "shop@example.com"},
        {"name": "smtp_use_ssl", "value": "true"},
        {"name": "a_field_since_removed", "value": "ignored"},
    ]

    # when
    config = parse_configuration(stored)

    # then
    loyalty = config.loyalty
    assert (loyalty.earn_points, loyalty.earn_amount) == (5, Decimal("2.50"))
    assert (loyalty.pending_seconds, loyalty.expire_seconds) == (7 * 86400, None)
    assert loyalty.tiers == (TierRule("Silver", Decimal(500), Decimal("1.25")),)
    assert loyalty.redemption_hold_seconds == 7200
    assert loyalty.point_value == DEFAULT_CONFIG.loyalty.point_value
    carts = config.carts
    assert carts.enabled is True
    assert carts.stages == (
        CartStage(number=1, delay_seconds=1800, kind="reminder"),
        CartStage(number=2, delay_seconds=172800, kind="last_call"),
    )
    assert carts.offer is None
    assert carts.messages_per_run == 20
    assert carts.storefront_checkout_url == "https://shop.example.com/c/{token}"
    assert carts.templates("last_call") == ("Last chance, {{first_name}}", "DEFAULT")
    assert config.smtp == SmtpConfig(
        host="smtp.example.com",
        port=465,
        user="",
        password="",
        sender_name="",
        sender_address="shop@example.com",
        use_tls=False,
        use_ssl=True,
    )


def test_default_configuration_parses_into_the_default_sections():
    # when
    config = parse_configuration(DEFAULT_CONFIGURATION)

    # then
    assert config == DEFAULT_CONFIG
    assert parse_configuration([]) == DEFAULT_CONFIG
    assert config.carts.offer == OfferSpec("percentage", Decimal(10), "items", 7 * 86400)
    assert config.loyalty.tiers == ()
