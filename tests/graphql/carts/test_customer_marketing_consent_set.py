"""`customerMarketingConsentSet(granted:, customerId:, reason:)`: the customer's own or
MANAGE_USERS; staff and apps give back a consent the customer withdrew only with a
reason, recorded as theirs."""

import graphene
import pytest
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.consent.actions import marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentEvent, ConsentSource, MarketingConsent

from ..consent.utils import consent_rows
from .utils import MANAGE_USERS, denied_data, written_rows

CONSENT_SET = """
mutation($granted: Boolean!, $customerId: ID, $reason: String) {
  customerMarketingConsentSet(granted: $granted, customerId: $customerId, reason: $reason) {
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
    source = ConsentSource.APP if requester.app else ConsentSource.STAFF
    assert _consents() == [(customer_user.email, customer_user.pk, True, source)]


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


HISTORY = """
query($id: ID!) {
  user(id: $id) {
    crmMarketingConsent { granted source }
    crmConsentHistory {
      granted source actor reason staffUser { email } app { name }
    }
  }
}
"""


def _unsubscribed(customer):
    """The shopper consented, then unsubscribed through a CRM message's link."""
    marketing_consent_set(
        email=customer.email, granted=True, source=ConsentSource.CUSTOMER, user_id=customer.pk
    )
    marketing_consent_set(
        email=customer.email, granted=False, source=ConsentSource.UNSUBSCRIBE_LINK
    )


@pytest.mark.parametrize("reason", [None, "", "   "])
@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_staff_and_apps_cannot_undo_an_unsubscribe_without_a_reason(
    requester, customer_user, reason
):
    # given
    _unsubscribed(customer_user)
    rows = consent_rows()

    # when
    response = consent_set(
        requester, granted=True, customerId=user_id(customer_user), reason=reason
    )

    # then
    data = get_graphql_content(response)["data"]["customerMarketingConsentSet"]
    assert data["granted"] is None
    assert [(error["field"], error["code"]) for error in data["errors"]] == [
        ("reason", "REASON_REQUIRED")
    ]
    assert consent_rows() == rows
    assert MarketingConsent.objects.get().granted is False


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_staff_and_apps_cannot_undo_the_customers_own_withdrawal(requester, customer_user):
    # given
    consent_set(requester, granted=True, customerId=user_id(customer_user))
    marketing_consent_set(
        email=customer_user.email,
        granted=False,
        source=ConsentSource.CUSTOMER,
        user_id=customer_user.pk,
    )
    rows = consent_rows()

    # when
    response = consent_set(requester, granted=True, customerId=user_id(customer_user))

    # then
    data = get_graphql_content(response)["data"]["customerMarketingConsentSet"]
    assert [error["code"] for error in data["errors"]] == ["REASON_REQUIRED"]
    assert consent_rows() == rows


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_withdrawing_first_does_not_open_a_way_around_the_reason(requester, customer_user):
    # given: staff withdraw on top of the shopper's unsubscribe, then grant
    _unsubscribed(customer_user)
    withdrawn = consent_set(requester, granted=False, customerId=user_id(customer_user))
    assert get_graphql_content(withdrawn)["data"]["customerMarketingConsentSet"]["errors"] == []
    rows = consent_rows()

    # when
    response = consent_set(requester, granted=True, customerId=user_id(customer_user))

    # then
    data = get_graphql_content(response)["data"]["customerMarketingConsentSet"]
    assert [error["code"] for error in data["errors"]] == ["REASON_REQUIRED"]
    assert consent_rows() == rows


def test_staff_undo_with_a_reason_is_recorded_as_theirs(staff_manage_users, customer_user):
    # given
    _unsubscribed(customer_user)

    # when
    response = consent_set(
        staff_manage_users,
        granted=True,
        customerId=user_id(customer_user),
        reason="  Asked us by phone on 2026-03-04, ticket 812.  ",
    )

    # then
    data = get_graphql_content(response)["data"]["customerMarketingConsentSet"]
    assert data == {"user": {"email": customer_user.email}, "granted": True, "errors": []}
    history = get_graphql_content(
        staff_manage_users.post_graphql(HISTORY, {"id": user_id(customer_user)})
    )["data"]["user"]
    assert history["crmMarketingConsent"] == {"granted": True, "source": "staff"}
    assert history["crmConsentHistory"][0] == {
        "granted": True,
        "source": "staff",
        "actor": "STAFF",
        "reason": "Asked us by phone on 2026-03-04, ticket 812.",
        "staffUser": {"email": staff_manage_users.user.email},
        "app": None,
    }
    event = ConsentEvent.objects.order_by("-pk").first()
    assert (event.staff_user_id, event.app_id) == (staff_manage_users.user.pk, None)


def test_app_undo_with_a_reason_is_recorded_as_the_apps(
    app_manage_users, staff_manage_users, customer_user
):
    # given
    _unsubscribed(customer_user)

    # when
    response = consent_set(
        app_manage_users,
        granted=True,
        customerId=user_id(customer_user),
        reason="Re-subscribed in our loyalty kiosk",
    )

    # then
    data = get_graphql_content(response)["data"]["customerMarketingConsentSet"]
    assert data["granted"] is True
    assert data["errors"] == []
    history = get_graphql_content(
        staff_manage_users.post_graphql(HISTORY, {"id": user_id(customer_user)})
    )["data"]["user"]["crmConsentHistory"]
    assert history[0] == {
        "granted": True,
        "source": "app",
        "actor": "APP",
        "reason": "Re-subscribed in our loyalty kiosk",
        "staffUser": None,
        "app": {"name": app_manage_users.app.name},
    }


def test_the_customer_sees_no_staff_member_in_their_history(
    user_api_client, staff_manage_users, customer_user
):
    # given
    _unsubscribed(customer_user)
    consent_set(staff_manage_users, granted=True, customerId=user_id(customer_user), reason="phone")

    # when
    response = user_api_client.post_graphql(
        HISTORY.replace("($id: ID!)", "").replace("user(id: $id)", "me")
    )

    # then
    event = get_graphql_content(response)["data"]["me"]["crmConsentHistory"][0]
    assert (event["source"], event["reason"], event["staffUser"]) == ("staff", "phone", None)


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_staff_and_apps_always_withdraw_without_a_reason(requester, customer_user):
    # given
    marketing_consent_set(
        email=customer_user.email,
        granted=True,
        source=ConsentSource.CUSTOMER,
        user_id=customer_user.pk,
    )

    # when
    response = consent_set(requester, granted=False, customerId=user_id(customer_user))

    # then
    data = get_graphql_content(response)["data"]["customerMarketingConsentSet"]
    assert (data["granted"], data["errors"]) == (False, [])


def test_the_customer_gives_back_their_own_consent(user_api_client, customer_user):
    # given
    _unsubscribed(customer_user)

    # when
    response = consent_set(user_api_client, granted=True)

    # then
    data = get_graphql_content(response)["data"]["customerMarketingConsentSet"]
    assert (data["granted"], data["errors"]) == (True, [])
    assert _consents() == [(customer_user.email, customer_user.pk, True, ConsentSource.CUSTOMER)]
