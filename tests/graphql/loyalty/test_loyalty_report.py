"""`loyaltyReport(channel:, period:, unit:)`: staff charts, MANAGE_USERS."""

import datetime

import pytest
from saleor.graphql.api import schema
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.ledger import post_entry
from saleor_crm_plugin.loyalty.models import EntryType

from .utils import MANAGE_USERS, WITHOUT_MANAGE_USERS, denied_data, written_rows

LOYALTY_REPORT = """
query($channel: String!, $period: DateTimeRangeInput, $unit: LoyaltyReportBucketUnitEnum) {
  loyaltyReport(channel: $channel, period: $period, unit: $unit) {
    currency unit
    buckets {
      start issued adjusted redeemed expired reversed liabilityPoints
      liability { amount currency }
    }
    tiers { tier accounts }
  }
}
"""

OCTOBER = {"gte": "2026-10-01T00:00:00+00:00", "lte": "2026-11-30T00:00:00+00:00"}


@pytest.fixture
def points(crm_usd, customer_user):
    account = account_get_or_create(user_id=customer_user.pk, channel_id=crm_usd.pk)
    for key, value, entry_type, day in [
        ("bonus", 1500, EntryType.BONUS, 3),
        ("redeem", -250, EntryType.REDEEM, 9),
    ]:
        post_entry(
            account=account,
            points=value,
            entry_type=entry_type,
            idempotency_key=key,
            occurred_at=datetime.datetime(2026, 10, day, tzinfo=datetime.UTC),
        )
    return crm_usd


def _report(client, channel_slug, **variables):
    return client.post_graphql(LOYALTY_REPORT, {"channel": channel_slug, **variables})


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_report_per_month(requester, points):
    # when
    response = _report(requester, points.slug, period=OCTOBER, unit="MONTH")

    # then
    report = get_graphql_content(response)["data"]["loyaltyReport"]
    assert report == {
        "currency": "USD",
        "unit": "MONTH",
        "buckets": [
            {
                "start": "2026-10-01T00:00:00+00:00",
                "issued": 1500,
                "adjusted": 0,
                "redeemed": 250,
                "expired": 0,
                "reversed": 0,
                "liabilityPoints": 1250,
                "liability": {"amount": 12.5, "currency": "USD"},
            },
            {
                "start": "2026-11-01T00:00:00+00:00",
                "issued": 0,
                "adjusted": 0,
                "redeemed": 0,
                "expired": 0,
                "reversed": 0,
                "liabilityPoints": 1250,
                "liability": {"amount": 12.5, "currency": "USD"},
            },
        ],
        "tiers": [{"tier": "", "accounts": 1}],
    }


@pytest.mark.parametrize("requester", [*WITHOUT_MANAGE_USERS, "user_api_client"], indirect=True)
def test_report_needs_manage_users(requester, points):
    # given
    rows = written_rows()

    # when
    response = _report(requester, points.slug, period=OCTOBER)

    # then
    assert denied_data(response, ["loyaltyReport"]) == {"loyaltyReport": None}
    assert written_rows() == rows


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_unknown_channel_is_null(requester, points):
    # when
    response = _report(requester, "no-such-channel", period=OCTOBER)

    # then
    assert get_graphql_content(response)["data"]["loyaltyReport"] is None


def test_default_period_is_the_last_twelve_months(staff_manage_users, points):
    # when
    response = _report(staff_manage_users, points.slug)

    # then
    buckets = get_graphql_content(response)["data"]["loyaltyReport"]["buckets"]
    assert len(buckets) in (12, 13)


@pytest.mark.parametrize(
    ("period", "unit", "message"),
    [
        (
            {"gte": "2026-11-01T00:00:00+00:00", "lte": "2026-10-01T00:00:00+00:00"},
            "MONTH",
            "The period's start (gte) is after its end (lte).",
        ),
        (
            {"gte": "2020-01-01T00:00:00+00:00", "lte": "2026-01-01T00:00:00+00:00"},
            "DAY",
            "At most 400 buckets; choose a longer bucket.",
        ),
    ],
)
def test_bad_periods_get_a_clear_error(staff_manage_users, points, period, unit, message):
    # when
    response = _report(staff_manage_users, points.slug, period=period, unit=unit)

    # then
    content = get_graphql_content(response, ignore_errors=True)
    assert content["data"]["loyaltyReport"] is None
    assert [error["message"] for error in content["errors"]] == [message]


def test_query_count_does_not_grow_with_history(
    staff_manage_users, points, customer_user, django_assert_max_num_queries
):
    # given
    def count_queries() -> int:
        with django_assert_max_num_queries(50) as captured:
            _report(staff_manage_users, points.slug, period=OCTOBER, unit="DAY")
        return len(captured.captured_queries)

    count_queries()  # Saleor caches the site settings on the first request
    before = count_queries()
    account = account_get_or_create(user_id=customer_user.pk, channel_id=points.pk)
    for day in range(1, 28):
        post_entry(
            account=account,
            points=10,
            entry_type=EntryType.BONUS,
            idempotency_key=f"more:{day}",
            occurred_at=datetime.datetime(2026, 11, day, tzinfo=datetime.UTC),
        )

    # when
    after = count_queries()

    # then
    assert after == before


def test_unit_defaults_to_month_and_prints_as_an_enum_value(staff_manage_users, points):
    # when
    response = _report(staff_manage_users, points.slug, period=OCTOBER)

    # then
    assert get_graphql_content(response)["data"]["loyaltyReport"]["unit"] == "MONTH"
    printed = str(schema)
    assert "unit: LoyaltyReportBucketUnitEnum = MONTH" in printed
