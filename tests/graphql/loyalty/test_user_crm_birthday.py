"""`User.crmBirthday`: for the customer themself and MANAGE_USERS."""

import datetime

import pytest
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.loyalty import bonuses

from .utils import CANNOT_SEE_CUSTOMER, MANAGE_ORDERS_ONLY, MANAGE_USERS, denied_data, user_id

ME_BIRTHDAY = "{ me { crmBirthday } }"
USER_BIRTHDAY = "query($id: ID!) { user(id: $id) { crmBirthday } }"


@pytest.fixture
def birthday(customer_user):
    bonuses.customer_birthday_set(user=customer_user, birthday=datetime.date(1990, 5, 17))
    return "1990-05-17"


@pytest.mark.parametrize("with_birthday", [True, False])
def test_customer_reads_own_birthday(user_api_client, customer_user, with_birthday):
    # given
    if with_birthday:
        bonuses.customer_birthday_set(user=customer_user, birthday=datetime.date(1990, 5, 17))

    # when
    response = user_api_client.post_graphql(ME_BIRTHDAY)

    # then
    expected = "1990-05-17" if with_birthday else None
    assert get_graphql_content(response)["data"]["me"] == {"crmBirthday": expected}


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_reads_a_customer_birthday(requester, customer_user, birthday):
    # when
    response = requester.post_graphql(USER_BIRTHDAY, {"id": user_id(customer_user)})

    # then
    assert get_graphql_content(response)["data"]["user"] == {"crmBirthday": birthday}


@pytest.mark.parametrize("requester", MANAGE_ORDERS_ONLY, indirect=True)
def test_without_manage_users_the_birthday_is_denied(requester, customer_user, birthday):
    # when
    response = requester.post_graphql(USER_BIRTHDAY, {"id": user_id(customer_user)})

    # then
    path = ["user", "crmBirthday"]
    assert denied_data(response, path) == {"user": {"crmBirthday": None}}


@pytest.mark.parametrize("requester", CANNOT_SEE_CUSTOMER, indirect=True)
def test_requesters_who_cannot_see_the_customer_are_denied(requester, customer_user, birthday):
    # when
    response = requester.post_graphql(USER_BIRTHDAY, {"id": user_id(customer_user)})

    # then
    assert denied_data(response, ["user"]) == {"user": None}
