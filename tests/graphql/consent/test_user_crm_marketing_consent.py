"""`User.crmMarketingConsent`: the latest answer, for the customer and MANAGE_USERS."""

import pytest
from freezegun import freeze_time
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.consent.actions import marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentSource

from ..carts.utils import written_rows
from .utils import customers_query_counts
from ..loyalty.utils import (
    CANNOT_SEE_CUSTOMER,
    MANAGE_ORDERS_ONLY,
    MANAGE_USERS,
    denied_data,
    user_id,
)

FIELDS = "crmMarketingConsent { granted source updatedAt }"
ME = f"query {{ me {{ {FIELDS} }} }}"
USER = f"query($id: ID!) {{ user(id: $id) {{ {FIELDS} }} }}"


def answer(customer, granted, *, at, email=None, source=ConsentSource.CUSTOMER, account=True):
    with freeze_time(at):
        marketing_consent_set(
            email=email or customer.email,
            granted=granted,
            source=source,
            user_id=customer.pk if account else None,
        )


def consent(granted, source, at):
    return {"crmMarketingConsent": {"granted": granted, "source": source, "updatedAt": at}}


def test_the_customer_reads_their_answer(user_api_client, customer_user):
    # given
    answer(customer_user, True, at="2026-03-01T10:00:00+00:00")

    # when
    response = user_api_client.post_graphql(ME)

    # then
    assert get_graphql_content(response)["data"]["me"] == consent(
        True, "customer", "2026-03-01T10:00:00+00:00"
    )


def test_never_answered_is_null(user_api_client, customer_user):
    # when
    response = user_api_client.post_graphql(ME)

    # then
    assert get_graphql_content(response)["data"]["me"] == {"crmMarketingConsent": None}


def test_another_customer_sees_only_their_own_answer(user2_api_client, customer_user):
    # given
    answer(customer_user, True, at="2026-03-01T10:00:00+00:00")

    # when
    response = user2_api_client.post_graphql(ME)

    # then
    assert get_graphql_content(response)["data"]["me"] == {"crmMarketingConsent": None}


def test_an_unsubscribe_under_the_current_email_wins_over_an_older_consent(
    staff_manage_users, customer_user
):
    # given: consent given under an old e-mail; the link in a message to the current one
    answer(customer_user, True, at="2026-03-01T10:00:00+00:00", email="old@example.com")
    answer(
        customer_user,
        False,
        at="2026-04-01T10:00:00+00:00",
        source=ConsentSource.UNSUBSCRIBE_LINK,
        account=False,
    )

    # when
    response = staff_manage_users.post_graphql(USER, {"id": user_id(customer_user)})

    # then
    assert get_graphql_content(response)["data"]["user"] == consent(
        False, "unsubscribe_link", "2026-04-01T10:00:00+00:00"
    )


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_reads_the_answer(requester, customer_user):
    # given
    answer(customer_user, False, at="2026-03-01T10:00:00+00:00", source=ConsentSource.STAFF)
    rows = written_rows()

    # when
    response = requester.post_graphql(USER, {"id": user_id(customer_user)})

    # then
    assert get_graphql_content(response)["data"]["user"] == consent(
        False, "staff", "2026-03-01T10:00:00+00:00"
    )
    assert written_rows() == rows


# MANAGE_ORDERS reaches the customer but not their answer (our check denies);
# the others cannot reach the customer at all (Saleor's `user` query denies).
DENIED = [
    *[
        (name, ["user", "crmMarketingConsent"], {"crmMarketingConsent": None})
        for name in MANAGE_ORDERS_ONLY
    ],
    *[(name, ["user"], None) for name in CANNOT_SEE_CUSTOMER],
]


@pytest.mark.parametrize(("requester", "path", "user_data"), DENIED, indirect=["requester"])
def test_without_manage_users_the_answer_is_denied(requester, customer_user, path, user_data):
    # given
    answer(customer_user, True, at="2026-03-01T10:00:00+00:00")
    rows = written_rows()

    # when
    response = requester.post_graphql(USER, {"id": user_id(customer_user)})

    # then
    assert denied_data(response, path) == {"user": user_data}
    assert written_rows() == rows


def test_anonymous_has_no_me(api_client):
    # when
    response = api_client.post_graphql(ME)

    # then
    assert get_graphql_content(response)["data"]["me"] is None


def test_queries_do_not_grow_with_the_customers(staff_manage_users, django_user_model):
    # given
    def add_customer(number):
        customer = django_user_model.objects.create(email=f"c{number}@example.com")
        answer(customer, number % 2 == 0, at="2026-03-01T10:00:00+00:00")

    # when
    few, many, edges = customers_query_counts(staff_manage_users, FIELDS, add_customer)

    # then
    answers = {
        edge["node"]["email"]: edge["node"]["crmMarketingConsent"]["granted"] for edge in edges
    }
    assert answers == {f"c{number}@example.com": number % 2 == 0 for number in range(5)}
    assert many == few
