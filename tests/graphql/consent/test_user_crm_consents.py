"""`User.crmConsents` and `User.crmConsentHistory`: per purpose, with source and time."""

import pytest
from freezegun import freeze_time
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.consent.actions import consent_set, marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentPurpose, ConsentSource

from ..loyalty.utils import CANNOT_SEE_CUSTOMER, MANAGE_ORDERS_ONLY, MANAGE_USERS, denied_data
from ..loyalty.utils import user_id
from .utils import consent_rows, customers_query_counts

FIELDS = """
crmConsents { purpose granted source updatedAt }
crmConsentHistory { purpose granted source actor reason createdAt }
"""
ME = f"query {{ me {{ {FIELDS} }} }}"
USER = f"query($id: ID!) {{ user(id: $id) {{ {FIELDS} }} }}"

NEVER_ANSWERED = {
    "crmConsents": [
        {"purpose": "EMAIL_MARKETING", "granted": None, "source": None, "updatedAt": None},
        {"purpose": "PROFILING", "granted": None, "source": None, "updatedAt": None},
    ],
    "crmConsentHistory": [],
}


def _history(customer):
    with freeze_time("2026-03-01T10:00:00+00:00"):
        marketing_consent_set(
            email=customer.email, granted=True, source=ConsentSource.CUSTOMER, user_id=customer.pk
        )
    with freeze_time("2026-03-02T10:00:00+00:00"):
        marketing_consent_set(
            email=customer.email, granted=False, source=ConsentSource.UNSUBSCRIBE_LINK
        )
    with freeze_time("2026-03-03T10:00:00+00:00"):
        consent_set(
            email=customer.email,
            purpose=ConsentPurpose.PROFILING,
            granted=False,
            source=ConsentSource.CUSTOMER,
            user_id=customer.pk,
        )


ANSWERED = {
    "crmConsents": [
        {
            "purpose": "EMAIL_MARKETING",
            "granted": False,
            "source": "unsubscribe_link",
            "updatedAt": "2026-03-02T10:00:00+00:00",
        },
        {
            "purpose": "PROFILING",
            "granted": False,
            "source": "customer",
            "updatedAt": "2026-03-03T10:00:00+00:00",
        },
    ],
    "crmConsentHistory": [
        {
            "purpose": "PROFILING",
            "granted": False,
            "source": "customer",
            "actor": "CUSTOMER",
            "reason": "",
            "createdAt": "2026-03-03T10:00:00+00:00",
        },
        {
            "purpose": "EMAIL_MARKETING",
            "granted": False,
            "source": "unsubscribe_link",
            "actor": "SYSTEM",
            "reason": "",
            "createdAt": "2026-03-02T10:00:00+00:00",
        },
        {
            "purpose": "EMAIL_MARKETING",
            "granted": True,
            "source": "customer",
            "actor": "CUSTOMER",
            "reason": "",
            "createdAt": "2026-03-01T10:00:00+00:00",
        },
    ],
}


def test_the_customer_reads_every_purpose_and_the_history(user_api_client, customer_user):
    # given
    _history(customer_user)

    # when
    response = user_api_client.post_graphql(ME)

    # then
    assert get_graphql_content(response)["data"]["me"] == ANSWERED


def test_never_answered_lists_every_purpose_without_an_answer(user_api_client, customer_user):
    # when
    response = user_api_client.post_graphql(ME)

    # then
    assert get_graphql_content(response)["data"]["me"] == NEVER_ANSWERED


def test_another_customer_sees_only_their_own(user2_api_client, customer_user):
    # given
    _history(customer_user)

    # when
    response = user2_api_client.post_graphql(ME)

    # then
    assert get_graphql_content(response)["data"]["me"] == NEVER_ANSWERED


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_reads_them(requester, customer_user):
    # given
    _history(customer_user)
    rows = consent_rows()

    # when
    response = requester.post_graphql(USER, {"id": user_id(customer_user)})

    # then
    assert get_graphql_content(response)["data"]["user"] == ANSWERED
    assert consent_rows() == rows


DENIED = [
    *[(name, ["user", "crmConsents"], None) for name in MANAGE_ORDERS_ONLY],
    *[(name, ["user"], None) for name in CANNOT_SEE_CUSTOMER],
]


@pytest.mark.parametrize(("requester", "path", "user_data"), DENIED, indirect=["requester"])
def test_without_manage_users_they_are_denied(requester, customer_user, path, user_data):
    # given
    _history(customer_user)
    rows = consent_rows()

    # when
    response = requester.post_graphql(USER, {"id": user_id(customer_user)})

    # then: the non-null lists make the whole user null
    assert denied_data(response, path) == {"user": user_data}
    assert consent_rows() == rows


def test_anonymous_has_no_me(api_client):
    # when
    response = api_client.post_graphql(ME)

    # then
    assert get_graphql_content(response)["data"]["me"] is None


def test_queries_do_not_grow_with_the_customers(staff_manage_users, django_user_model):
    # given
    def add_customer(number):
        customer = django_user_model.objects.create(email=f"c{number}@example.com")
        consent_set(
            email=customer.email,
            purpose=ConsentPurpose.PROFILING,
            granted=number % 2 == 0,
            source=ConsentSource.CUSTOMER,
            user_id=customer.pk,
        )

    # when
    few, many, edges = customers_query_counts(staff_manage_users, FIELDS, add_customer)

    # then
    answers = {edge["node"]["email"]: edge["node"]["crmConsents"][1]["granted"] for edge in edges}
    assert answers == {f"c{number}@example.com": number % 2 == 0 for number in range(5)}
    assert many == few
