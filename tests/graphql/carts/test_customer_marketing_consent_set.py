"""`customerMarketingConsentSet(granted:, customerId:)`: the customer's own or MANAGE_USERS."""

import graphene
import pytest
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.consent.models import ConsentSource, MarketingConsent

from .utils import MANAGE_USERS, denied_data, written_rows

CONSENT_SET = """
mutation($granted: Boolean!, $customerId: ID) {
  customerMarketingConsentSet(granted: $granted, customerId: $customerId) {
    user { email }
    granted
    errors { field code message }
  }
}
"""


def user_id(customer) -> str:
    return graphene.Node.to_global_id("User", customer.pk)


def consent_set(client, **variables):
    return client.post_graphql(CONSENT_SET, variables)


def _consents():
    return list(MarketingConsent.objects.values_list("email", "user_id", "granted", "source"))


@pytest.mark.parametrize("with_id", [False, True])
def test_the_customer_answers_for_themself(user_api_client, customer_user, with_id):
    # given
    variables = {"granted": True}
    if with_id:
        variables["customerId"] = user_id(customer_user)

    # when
    response = consent_set(user_api_client, **variables)

    # then
    data = get_graphql_content(response)["data"]["customerMarketingConsentSet"]
    assert data == {"user": {"email": customer_user.email}, "granted": True, "errors": []}
    assert _consents() == [(customer_user.email, customer_user.pk, True, ConsentSource.CUSTOMER)]


def test_the_customer_withdraws(user_api_client, customer_user):
    # given
    consent_set(user_api_client, granted=True)

    # when
    response = consent_set(user_api_client, granted=False)

    # then
    data = get_graphql_content(response)["data"]["customerMarketingConsentSet"]
    assert data["granted"] is False
    assert _consents() == [(customer_user.email, customer_user.pk, False, ConsentSource.CUSTOMER)]


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_sets_a_customers_consent(requester, customer_user):
    # when
    response = consent_set(requester, granted=True, customerId=user_id(customer_user))

    # then
    data = get_graphql_content(response)["data"]["customerMarketingConsentSet"]
    assert data == {"user": {"email": customer_user.email}, "granted": True, "errors": []}
    assert _consents() == [(customer_user.email, customer_user.pk, True, ConsentSource.STAFF)]


@pytest.mark.parametrize(
    "requester",
    ["api_client", "user2_api_client", "staff_api_client", "app_api_client"],
    indirect=True,
)
def test_others_cannot_set_a_customers_consent(requester, customer_user):
    # given
    rows = written_rows()

    # when
    response = consent_set(requester, granted=True, customerId=user_id(customer_user))

    # then
    assert denied_data(response) == {"customerMarketingConsentSet": None}
    assert written_rows() == rows


def test_anonymous_cannot_answer_without_a_customer(api_client):
    # when
    response = consent_set(api_client, granted=True)

    # then
    assert denied_data(response) == {"customerMarketingConsentSet": None}
    assert MarketingConsent.objects.count() == 0


def test_an_app_must_name_the_customer(app_manage_users):
    # when
    response = consent_set(app_manage_users, granted=True)

    # then
    data = get_graphql_content(response)["data"]["customerMarketingConsentSet"]
    assert data["errors"] == [
        {"field": "customerId", "code": "REQUIRED", "message": "An app must name the customer."}
    ]
    assert MarketingConsent.objects.count() == 0


def test_an_unknown_customer_is_an_error(staff_manage_users):
    # when
    response = consent_set(
        staff_manage_users, granted=True, customerId=graphene.Node.to_global_id("User", 0)
    )

    # then
    data = get_graphql_content(response)["data"]["customerMarketingConsentSet"]
    assert [(error["field"], error["code"]) for error in data["errors"]] == [
        ("customerId", "NOT_FOUND")
    ]
    assert MarketingConsent.objects.count() == 0
