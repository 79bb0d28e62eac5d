"""`customerValueReport(channel:, topPercent:, first:)`: Pareto of a channel's revenue."""

import pytest
from saleor.graphql.tests.utils import get_graphql_content

from .utils import DENIED, MANAGE_USERS, denied_data, written_rows

VALUE_REPORT = """
query($channel: String!, $topPercent: PositiveDecimal, $first: Int) {
  customerValueReport(channel: $channel, topPercent: $topPercent, first: $first) {
    currency customerCount
    totalRevenue { amount currency }
    topCustomerCount
    topRevenue { amount currency }
    topShare
    topCustomers { user { email } revenue { amount currency } orderCount }
  }
}
"""


def report(client, channel, **variables):
    response = client.post_graphql(VALUE_REPORT, {"channel": channel, **variables})
    return get_graphql_content(response)["data"]["customerValueReport"]


def usd(amount):
    return {"amount": amount, "currency": "USD"}


def ranked(email, amount, orders):
    return {"user": {"email": email}, "revenue": usd(amount), "orderCount": orders}


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_reads_the_top_customers(requester, spenders, channel_USD):
    # given
    rows = written_rows()

    # when
    data = report(requester, channel_USD.slug, topPercent=34)

    # then
    assert data == {
        "currency": "USD",
        "customerCount": 3,
        "totalRevenue": usd(209.1),
        "topCustomerCount": 2,
        "topRevenue": usd(196.8),
        "topShare": pytest.approx(196.8 / 209.1, abs=1e-4),
        "topCustomers": [
            ranked("test@example.com", 123.0, 1),
            ranked("test2@example.com", 73.8, 2),
        ],
    }
    assert written_rows() == rows


def test_default_is_the_top_twenty_percent(staff_manage_users, spenders, channel_USD):
    # when
    data = report(staff_manage_users, channel_USD.slug)

    # then
    assert (data["topCustomerCount"], data["topRevenue"]) == (1, usd(123.0))
    assert data["topCustomers"] == [ranked("test@example.com", 123.0, 1)]


def test_first_limits_the_list_not_the_figures(staff_manage_users, spenders, channel_USD):
    # when
    data = report(staff_manage_users, channel_USD.slug, topPercent=100, first=1)

    # then
    assert (data["topCustomerCount"], data["topShare"]) == (3, 1.0)
    assert data["topCustomers"] == [ranked("test@example.com", 123.0, 1)]


def test_unknown_channel_is_null(staff_manage_users):
    # when
    data = report(staff_manage_users, "no-such-channel")

    # then
    assert data is None


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"topPercent": 0}, "topPercent must be greater than 0 and at most 100."),
        ({"topPercent": 101}, "topPercent must be greater than 0 and at most 100."),
        ({"first": 101}, "first must be between 0 and 100."),
    ],
)
def test_out_of_range_arguments_are_refused(staff_manage_users, channel_USD, variables, message):
    # when
    response = staff_manage_users.post_graphql(
        VALUE_REPORT, {"channel": channel_USD.slug, **variables}
    )

    # then
    content = get_graphql_content(response, ignore_errors=True)
    assert content["data"] == {"customerValueReport": None}
    assert [error["message"] for error in content["errors"]] == [message]


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_without_manage_users_the_report_is_denied(requester, channel_USD):
    # when
    response = requester.post_graphql(VALUE_REPORT, {"channel": channel_USD.slug})

    # then
    assert denied_data(response) == {"customerValueReport": None}
