import datetime
from decimal import Decimal

import pytest

from saleor_crm_plugin.config import load_channel_program
from saleor_crm_plugin.loyalty import reports
from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.ledger import mature_batch, post_entry
from saleor_crm_plugin.loyalty.models import EntryStatus, EntryType, LoyaltyAccount
from tests.fixtures.plugin import configure_crm


def at(month: int, day: int) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 12, tzinfo=datetime.UTC)


@pytest.fixture
def history(crm_usd, customer_user):
    """Sep: bonus 1000; Oct: earn 200 pending, redeem 300; Nov: the earn matures,
    expiry 100, reversal 50 of the earn, staff adjustment -20; Dec: nothing."""
    account = account_get_or_create(user_id=customer_user.pk, channel_id=crm_usd.pk)

    def post(points, entry_type, key, when, **kwargs):
        return post_entry(
            account=account,
            points=points,
            entry_type=entry_type,
            idempotency_key=key,
            occurred_at=when,
            **kwargs,
        ).entry

    post(1000, EntryType.BONUS, "bonus", at(9, 10))
    earn = post(200, EntryType.EARN, "earn", at(10, 5), status=EntryStatus.PENDING)
    post(-300, EntryType.REDEEM, "redeem", at(10, 20))
    mature_batch(batch_id=earn.pk, now=at(11, 2))
    post(-100, EntryType.EXPIRE, "expire", at(11, 15))
    post(-50, EntryType.REVERSE, "reverse", at(11, 20), batch=earn)
    post(-20, EntryType.ADJUST, "adjust", at(11, 25))
    return crm_usd


def _report(channel, *, unit="month", since=at(10, 1), until=at(12, 31), config=None):
    return reports.loyalty_report(
        channel_id=channel.pk,
        currency=channel.currency_code,
        config=config or load_channel_program(channel.pk).config,
        since=since,
        until=until,
        unit=unit,
        using="default",
    )


def test_moves_and_liability_per_month(history, django_assert_num_queries):
    # given
    config = load_channel_program(history.pk).config

    # when: one query for the buckets, one for the tiers
    with django_assert_num_queries(2):
        report = _report(history, config=config)

    # then: the liability opens with September's bonus and counts the earn once matured
    assert [
        (
            b.start,
            b.issued,
            b.adjusted,
            b.redeemed,
            b.expired,
            b.reversed,
            b.liability_points,
            b.liability_value,
        )
        for b in report.buckets
    ] == [
        (
            datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC),
            200,
            0,
            300,
            0,
            0,
            700,
            Decimal("7.00"),
        ),
        (
            datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
            0,
            -20,
            0,
            100,
            50,
            730,
            Decimal("7.30"),
        ),
        (datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC), 0, 0, 0, 0, 0, 730, Decimal("7.30")),
    ]
    assert report.currency == "USD"


def test_liability_at_the_end_equals_the_stored_balances(history):
    # when
    report = _report(history)

    # then
    balances = sum(LoyaltyAccount.objects.filter(channel=history).values_list("balance", flat=True))
    assert report.buckets[-1].liability_points == balances == 730


def test_day_buckets_cover_the_period_with_zeros(history):
    # when
    report = _report(history, unit="day", since=at(11, 14), until=at(11, 16))

    # then
    assert [(b.start.day, b.expired, b.liability_points) for b in report.buckets] == [
        (14, 0, 900),
        (15, 100, 800),
        (16, 0, 800),
    ]


def test_another_channel_is_not_counted(history, channel_PLN, customer_user):
    # given
    configure_crm(channel_PLN, pending_period="0")
    account = account_get_or_create(user_id=customer_user.pk, channel_id=channel_PLN.pk)
    post_entry(
        account=account,
        points=5000,
        entry_type=EntryType.BONUS,
        idempotency_key="pln",
        occurred_at=at(10, 2),
    )

    # when
    report = _report(history)

    # then
    assert [b.liability_points for b in report.buckets] == [700, 730, 730]


def test_tier_distribution_follows_the_programme_order(crm_usd, customer_user, staff_user):
    # given
    configure_crm(crm_usd, pending_period="0", tiers="Silver | 100 | 1\nGold | 500 | 1.5")
    LoyaltyAccount.objects.create(user=customer_user, channel=crm_usd, tier_name="Gold")
    LoyaltyAccount.objects.create(user=staff_user, channel=crm_usd, tier_name="Retired")
    LoyaltyAccount.objects.create(user=None, channel=crm_usd, tier_name="Gold")

    # when
    tiers = reports.tier_distribution(
        channel_id=crm_usd.pk, config=load_channel_program(crm_usd.pk).config, using="default"
    )

    # then
    assert [(t.tier, t.accounts) for t in tiers] == [
        ("", 0),
        ("Silver", 0),
        ("Gold", 2),
        ("Retired", 1),
    ]


def test_too_many_buckets_are_refused(crm_usd):
    # when / then
    with pytest.raises(reports.ReportTooLong):
        _report(crm_usd, unit="day", since=at(1, 1) - datetime.timedelta(days=500))
