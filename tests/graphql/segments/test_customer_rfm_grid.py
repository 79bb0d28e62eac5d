"""`customerRfmGrid(channel:)`: customers per R × FM cell, MANAGE_USERS only."""

import datetime
from decimal import Decimal

import pytest
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.segments.models import CustomerRfm
from saleor_crm_plugin.segments.rfm import rfm_compute

from .utils import DENIED, MANAGE_USERS, denied_data, written_rows

RFM_GRID = """
query($channel: String!) {
  customerRfmGrid(channel: $channel) {
    computedAt
    cells { recency fm customerCount revenue { amount currency } }
  }
}
"""

AT = datetime.datetime(2026, 11, 20, 3, 0, tzinfo=datetime.UTC)


def _score(user, channel, recency, frequency, monetary, spent):
    return CustomerRfm.objects.create(
        user=user,
        channel=channel,
        recency=recency,
        frequency=frequency,
        monetary=monetary,
        group="lost",
        last_order_at=AT,
        order_count=frequency,
        total_spent=Decimal(spent),
        computed_at=AT,
    )


@pytest.fixture
def scored(customer_users, channel_USD, channel_PLN):
    """R 5 / FM 5 twice (100.50 + 20.25), R 1 / FM 2 once (3.00); one PLN row."""
    first, second, third = customer_users
    _score(first, channel_USD, 5, 4, 5, "100.50")
    _score(second, channel_USD, 5, 5, 4, "20.25")
    _score(third, channel_USD, 1, 1, 2, "3.00")
    _score(first, channel_PLN, 3, 3, 3, "999.00")
    return channel_USD


def grid(client, channel_slug):
    response = client.post_graphql(RFM_GRID, {"channel": channel_slug})
    return get_graphql_content(response)["data"]["customerRfmGrid"]


def usd(amount):
    return {"amount": amount, "currency": "USD"}


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_reads_the_grid(requester, scored):
    # given
    rows = written_rows()

    # when
    data = grid(requester, scored.slug)

    # then
    assert data["computedAt"] == AT.isoformat()
    assert len(data["cells"]) == 25
    assert data["cells"][0] == {"recency": 5, "fm": 1, "customerCount": 0, "revenue": usd(0)}
    assert [cell for cell in data["cells"] if cell["customerCount"]] == [
        {"recency": 5, "fm": 5, "customerCount": 2, "revenue": usd(120.75)},
        {"recency": 1, "fm": 2, "customerCount": 1, "revenue": usd(3.0)},
    ]
    assert written_rows() == rows


def test_the_grid_is_in_the_channel_currency(staff_manage_users, scored, channel_PLN):
    # when
    data = grid(staff_manage_users, channel_PLN.slug)

    # then
    assert [cell for cell in data["cells"] if cell["customerCount"]] == [
        {"recency": 3, "fm": 3, "customerCount": 1, "revenue": {"amount": 999.0, "currency": "PLN"}}
    ]


def test_the_grid_follows_the_last_scoring(staff_manage_users, spenders, channel_USD):
    # given
    rfm_compute(channel_id=channel_USD.pk)

    # when
    data = grid(staff_manage_users, channel_USD.slug)

    # then
    assert data["computedAt"] is not None
    assert sum(cell["customerCount"] for cell in data["cells"]) == 3
    assert sum(cell["revenue"]["amount"] for cell in data["cells"]) == pytest.approx(209.1)


def test_an_unscored_channel_has_empty_cells(staff_manage_users, channel_USD):
    # when
    data = grid(staff_manage_users, channel_USD.slug)

    # then
    assert data["computedAt"] is None
    assert {cell["customerCount"] for cell in data["cells"]} == {0}


def test_unknown_channel_is_null(staff_manage_users):
    # when
    data = grid(staff_manage_users, "no-such-channel")

    # then
    assert data is None


def test_query_count_does_not_grow_with_customers(
    staff_manage_users, scored, django_assert_max_num_queries
):
    # given
    def count_queries() -> int:
        with django_assert_max_num_queries(50) as captured:
            grid(staff_manage_users, scored.slug)
        return len(captured.captured_queries)

    count_queries()  # Saleor caches the site settings on the first request
    before = count_queries()
    for index in range(5):
        customer = type(staff_manage_users.user).objects.create(email=f"more{index}@example.com")
        _score(customer, scored, index + 1, 2, 3, "10.00")

    # when
    after = count_queries()

    # then
    assert after == before


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_without_manage_users_the_grid_is_denied(requester, scored):
    # given
    rows = written_rows()

    # when
    response = requester.post_graphql(RFM_GRID, {"channel": scored.slug})

    # then
    assert denied_data(response, ["customerRfmGrid"]) == {"customerRfmGrid": None}
    assert written_rows() == rows
