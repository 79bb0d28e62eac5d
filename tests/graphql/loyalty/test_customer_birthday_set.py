"""`customerBirthdaySet`: customers set their own birthday; MANAGE_USERS anyone's."""

import datetime

import pytest
from django.utils import timezone
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.loyalty.models import CustomerProfile

from .utils import (
    MANAGE_USERS,
    UNKNOWN_USER_ID,
    WITHOUT_MANAGE_USERS,
    denied_data,
    user_id,
    written_rows,
)

CUSTOMER_BIRTHDAY_SET = """
mutation($customerId: ID, $birthday: Date) {
  customerBirthdaySet(customerId: $customerId, birthday: $birthday) {
    user { email }
    birthday
    errors { field code message }
  }
}
"""


def set_birthday(client, birthday, customer=None):
    customer_id = customer and user_id(customer)
    return client.post_graphql(
        CUSTOMER_BIRTHDAY_SET, {"customerId": customer_id, "birthday": birthday}
    )


def stored_birthdays():
    return dict(CustomerProfile.objects.values_list("user_id", "birthday"))


@pytest.mark.parametrize("name_themself", [False, True])
def test_customer_sets_own_birthday(user_api_client, customer_user, name_themself):
    # when
    response = set_birthday(user_api_client, "2000-02-29", customer_user if name_themself else None)

    # then
    assert get_graphql_content(response)["data"]["customerBirthdaySet"] == {
        "user": {"email": customer_user.email},
        "birthday": "2000-02-29",
        "errors": [],
    }
    assert stored_birthdays() == {customer_user.pk: datetime.date(2000, 2, 29)}


def test_customer_clears_own_birthday(user_api_client, customer_user):
    # given
    set_birthday(user_api_client, "1990-05-17")

    # when
    response = set_birthday(user_api_client, None)

    # then
    data = get_graphql_content(response)["data"]["customerBirthdaySet"]
    assert (data["birthday"], data["errors"]) == (None, [])
    assert stored_birthdays() == {customer_user.pk: None}


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_sets_a_customer_birthday(requester, customer_user):
    # when
    response = set_birthday(requester, "1985-12-01", customer_user)

    # then
    assert get_graphql_content(response)["data"]["customerBirthdaySet"] == {
        "user": {"email": customer_user.email},
        "birthday": "1985-12-01",
        "errors": [],
    }
    assert stored_birthdays() == {customer_user.pk: datetime.date(1985, 12, 1)}


@pytest.mark.parametrize("requester", WITHOUT_MANAGE_USERS, indirect=True)
def test_others_cannot_set_a_customer_birthday(requester, customer_user):
    # given
    rows = written_rows()

    # when
    response = set_birthday(requester, "1985-12-01", customer_user)

    # then
    assert denied_data(response) == {"customerBirthdaySet": None}
    assert written_rows() == rows


@pytest.mark.parametrize("requester", ["api_client", "app_manage_orders"], indirect=True)
def test_without_a_user_there_is_no_own_birthday(requester):
    # given
    rows = written_rows()

    # when
    response = set_birthday(requester, "1985-12-01")

    # then
    assert denied_data(response) == {"customerBirthdaySet": None}
    assert written_rows() == rows


TOMORROW = (timezone.now().date() + datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("requester", "customer_id", "birthday", "error"),
    [
        (
            "app_manage_users",
            None,
            "1985-12-01",
            ("customerId", "REQUIRED", "An app must name the customer."),
        ),
        (
            "user_api_client",
            None,
            TOMORROW,
            ("birthday", "OUT_OF_RANGE", "A birthday cannot be in the future."),
        ),
        (
            "staff_manage_users",
            UNKNOWN_USER_ID,
            "1985-12-01",
            ("customerId", "NOT_FOUND", f"Couldn't resolve to a node: {UNKNOWN_USER_ID}"),
        ),
    ],
    indirect=["requester"],
)
def test_bad_input_is_refused_and_nothing_is_written(requester, customer_id, birthday, error):
    # given
    rows = written_rows()

    # when
    response = requester.post_graphql(
        CUSTOMER_BIRTHDAY_SET, {"customerId": customer_id, "birthday": birthday}
    )

    # then
    field, code, message = error
    assert get_graphql_content(response)["data"]["customerBirthdaySet"] == {
        "user": None,
        "birthday": None,
        "errors": [{"field": field, "code": code, "message": message}],
    }
    assert written_rows() == rows
