"""`customerConsentUpdate`: the signed-in customer answers for one purpose."""

import pytest
from freezegun import freeze_time
from saleor.graphql.tests.utils import assert_no_permission, get_graphql_content

from saleor_crm_plugin.consent.actions import marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentEvent, ConsentSource, MarketingConsent
from saleor_crm_plugin.segments.actions import customer_segment_create
from saleor_crm_plugin.segments.models import SegmentMembership

from .utils import consent_rows

UPDATE = """
mutation($purpose: CustomerConsentPurposeEnum!, $granted: Boolean!) {
  customerConsentUpdate(purpose: $purpose, granted: $granted) {
    user { email }
    consent { purpose granted source updatedAt }
    errors { field code message }
  }
}
"""


@freeze_time("2026-03-01T10:00:00+00:00")
def test_the_customer_withdraws_marketing_consent(user_api_client, customer_user):
    # when
    response = user_api_client.post_graphql(
        UPDATE, {"purpose": "EMAIL_MARKETING", "granted": False}
    )

    # then
    assert get_graphql_content(response)["data"]["customerConsentUpdate"] == {
        "user": {"email": customer_user.email},
        "consent": {
            "purpose": "EMAIL_MARKETING",
            "granted": False,
            "source": "customer",
            "updatedAt": "2026-03-01T10:00:00+00:00",
        },
        "errors": [],
    }
    assert list(
        ConsentEvent.objects.values_list("email", "purpose", "granted", "source", "actor")
    ) == [(customer_user.email, "email_marketing", False, "customer", "customer")]


def test_the_same_answer_twice_records_one_change(user_api_client, customer_user):
    # when
    for _ in range(2):
        user_api_client.post_graphql(UPDATE, {"purpose": "PROFILING", "granted": True})

    # then
    assert consent_rows() == (1, 1)


def test_withdrawing_profiling_leaves_the_customer_out_of_segments(
    user_api_client, customer_user, customer_user2, django_capture_on_commit_callbacks
):
    # given: a segment of every customer
    segment = customer_segment_create(
        name="Everyone",
        definition={"field": "date_joined_days", "op": "gte", "value": 0},
        channel_id=None,
    )
    assert segment.member_count == 2

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = user_api_client.post_graphql(UPDATE, {"purpose": "PROFILING", "granted": False})

    # then
    assert get_graphql_content(response)["data"]["customerConsentUpdate"]["errors"] == []
    assert list(SegmentMembership.objects.values_list("user_id", flat=True)) == [customer_user2.pk]
    segment.refresh_from_db()
    assert segment.member_count == 1

    # when: they give it again
    with django_capture_on_commit_callbacks(execute=True):
        user_api_client.post_graphql(UPDATE, {"purpose": "PROFILING", "granted": True})

    # then
    segment.refresh_from_db()
    assert segment.member_count == 2


@pytest.mark.parametrize(
    "requester", ["api_client", "app_api_client", "app_manage_users"], indirect=True
)
def test_only_a_signed_in_user_answers(requester):
    # when
    response = requester.post_graphql(UPDATE, {"purpose": "PROFILING", "granted": False})

    # then
    assert_no_permission(response)
    assert consent_rows() == (0, 0)


@pytest.mark.parametrize("requester", ["staff_api_client", "staff_manage_users"], indirect=True)
def test_staff_answer_only_for_themselves(requester, customer_user):
    # when
    response = requester.post_graphql(UPDATE, {"purpose": "PROFILING", "granted": False})

    # then: their own row, never the customer's
    assert get_graphql_content(response)["data"]["customerConsentUpdate"]["user"] == {
        "email": requester.user.email
    }
    assert list(MarketingConsent.objects.values_list("email", flat=True)) == [requester.user.email]


def test_an_unknown_purpose_is_refused_and_writes_nothing(user_api_client):
    # when
    response = user_api_client.post_graphql(UPDATE, {"purpose": "SELLING", "granted": True})

    # then
    content = get_graphql_content(response, ignore_errors=True)
    assert content["errors"][0]["extensions"]["exception"]["code"] == "GraphQLError"
    assert "SELLING" in content["errors"][0]["message"]
    assert consent_rows() == (0, 0)


def test_the_customer_gives_back_consent_after_unsubscribing(user_api_client, customer_user):
    # given: an unsubscribe link, then staff refused without a reason (actions)
    marketing_consent_set(
        email=customer_user.email, granted=False, source=ConsentSource.UNSUBSCRIBE_LINK
    )

    # when
    response = user_api_client.post_graphql(UPDATE, {"purpose": "EMAIL_MARKETING", "granted": True})

    # then
    data = get_graphql_content(response)["data"]["customerConsentUpdate"]
    assert data["errors"] == []
    assert (data["consent"]["granted"], data["consent"]["source"]) == (True, "customer")
    event = ConsentEvent.objects.order_by("-pk").first()
    assert (event.granted, event.actor, event.reason) == (True, "customer", "")
