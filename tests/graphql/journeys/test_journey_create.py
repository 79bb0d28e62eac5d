"""journeyCreate: a built-in journey in a few clicks; every bad input coded, nothing written."""

import graphene
import pytest
from saleor.graphql.tests.utils import assert_no_permission, get_graphql_content

from saleor_crm_plugin.journeys.models import Journey
from .utils import JOURNEY_FIELDS, MANAGE_USERS, WITHOUT_MANAGE_USERS

JOURNEY_CREATE = (
    JOURNEY_FIELDS
    + """
mutation($input: JourneyCreateInput!) {
  journeyCreate(input: $input) {
    journey { ...JourneyFields }
    errors { field code message path }
  }
}
"""
)


def _create(client, **values):
    response = client.post_graphql(JOURNEY_CREATE, {"input": values})
    return get_graphql_content(response)["data"]["journeyCreate"]


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_birthday_journey_is_enabled_in_one_call(requester, crm_usd):
    # when
    data = _create(requester, channel=crm_usd.slug, kind="BIRTHDAY", enabled=True)

    # then
    assert data["errors"] == []
    journey = data["journey"]
    assert (journey["kind"], journey["name"], journey["enabled"]) == (
        "BIRTHDAY",
        "Birthday offer",
        True,
    )
    assert journey["triggerSettings"] == {
        "days": None,
        "daysBefore": 0,
        "churnRiskPercent": None,
        "segment": None,
    }
    assert [stage["offerPoints"] for stage in journey["stages"]] == [100]
    stored = Journey.objects.get()
    assert (stored.channel_id, stored.kind, stored.enabled) == (crm_usd.pk, "birthday", True)


@pytest.mark.parametrize("requester", WITHOUT_MANAGE_USERS, indirect=True)
def test_others_cannot_create_journeys(requester, crm_usd):
    variables = {"input": {"channel": crm_usd.slug, "kind": "WIN_BACK"}}
    response = requester.post_graphql(JOURNEY_CREATE, variables)
    assert_no_permission(response)
    assert not Journey.objects.exists()


def test_custom_stages_settings_and_holdout(staff_manage_users, crm_usd):
    # when
    data = _create(
        staff_manage_users,
        channel=crm_usd.slug,
        kind="WIN_BACK",
        name="Lapsed 60 days",
        stages=[
            {"delay": "1h", "subject": "Hi {{customer.first_name}}", "body": "<p>x</p>"},
            {"delay": "7d", "subject": "Still there?", "body": "", "offerPoints": 50},
        ],
        triggerSettings={"days": 60},
        holdoutPercent=10,
    )

    # then
    assert data["errors"] == []
    journey = Journey.objects.get()
    assert journey.name == "Lapsed 60 days"
    assert journey.trigger_settings == {"days": 60, "churn_risk_percent": 0}
    assert journey.holdout_percent == 10
    assert journey.stages == [
        {
            "delay": "1h",
            "subject": "Hi {{customer.first_name}}",
            "body": "<p>x</p>",
            "offer_points": 0,
        },
        {"delay": "7d", "subject": "Still there?", "body": "", "offer_points": 50},
    ]


BAD_INPUTS = [
    ({"kind": "CART_RECOVERY"}, "kind", "NOT_EDITABLE", None),
    ({"channel": "no-such-channel"}, "channel", "NOT_FOUND", None),
    ({"name": ""}, "name", "INVALID", None),
    ({"name": "x" * 129}, "name", "INVALID", None),
    ({"stages": []}, "stages", "REQUIRED", None),
    ({"stages": [{"delay": "soon"}]}, "stages", "INVALID_STAGES", "stages[0].delay"),
    (
        {"stages": [{"delay": "2d"}, {"delay": "1d"}]},
        "stages",
        "INVALID_STAGES",
        "stages[1].delay",
    ),
    ({"stages": [{"delay": "400d"}]}, "stages", "INVALID_STAGES", "stages[0].delay"),
    (
        {"stages": [{"delay": "1d", "body": "{{#if offer}}open"}]},
        "stages",
        "INVALID_TEMPLATE",
        "stages[0].body",
    ),
    (
        {"stages": [{"delay": "1d", "subject": "{{customer.frist_name}}"}]},
        "stages",
        "INVALID_TEMPLATE",
        "stages[0].subject",
    ),
    (
        {"stages": [{"delay": "1d", "offerPoints": -5}]},
        "stages",
        "INVALID_STAGES",
        "stages[0].offer_points",
    ),
    ({"stages": [{"delay": "1d"}] * 6}, "stages", "INVALID_STAGES", None),
    ({"triggerSettings": {"days": 3}}, "triggerSettings", "INVALID", "days"),
    ({"triggerSettings": {"daysBefore": 3}}, "triggerSettings", "INVALID", "days_before"),
    (
        {"triggerSettings": {"churnRiskPercent": 101}},
        "triggerSettings",
        "INVALID",
        "churn_risk_percent",
    ),
    ({"triggerSettings": {"segment": "bad"}}, "segment", "GRAPHQL_ERROR", None),
    ({"holdoutPercent": 51}, "holdoutPercent", "INVALID", None),
    ({"holdoutPercent": -1}, "holdoutPercent", "INVALID", None),
]


@pytest.mark.parametrize(("values", "field", "code", "path"), BAD_INPUTS)
def test_bad_input_is_coded_and_writes_nothing(
    staff_manage_users, crm_usd, values, field, code, path
):
    # when
    data = _create(staff_manage_users, **{"channel": crm_usd.slug, "kind": "WIN_BACK", **values})

    # then
    assert data["journey"] is None
    assert [(e["field"], e["code"], e["path"]) for e in data["errors"]] == [(field, code, path)]
    assert data["errors"][0]["message"]
    assert not Journey.objects.exists()


def test_unknown_segment_of_a_segment_journey_is_not_found(staff_manage_users, crm_usd):
    data = _create(
        staff_manage_users,
        channel=crm_usd.slug,
        kind="SEGMENT_JOINED",
        triggerSettings={"segment": graphene.Node.to_global_id("CustomerSegment", 12345)},
    )
    assert [(e["field"], e["code"], e["path"]) for e in data["errors"]] == [
        ("segment", "NOT_FOUND", None)
    ]
    assert not Journey.objects.exists()


def test_two_journeys_of_one_name_in_a_channel_are_refused(staff_manage_users, crm_usd):
    first = _create(staff_manage_users, channel=crm_usd.slug, kind="WIN_BACK")
    second = _create(staff_manage_users, channel=crm_usd.slug, kind="WIN_BACK")
    assert first["errors"] == []
    assert [(e["field"], e["code"]) for e in second["errors"]] == [("name", "UNIQUE")]
    assert Journey.objects.count() == 1
