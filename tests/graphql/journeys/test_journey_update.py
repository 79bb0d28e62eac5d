"""journeyUpdate: pause, edit stages and settings; bad input coded, nothing half-written."""

import pytest
from saleor.graphql.tests.utils import assert_no_permission, get_graphql_content

from saleor_crm_plugin.journeys.actions import journey_create
from saleor_crm_plugin.journeys.models import Journey, JourneyKind
from .utils import (
    JOURNEY_FIELDS,
    MANAGE_USERS,
    UNKNOWN_JOURNEY_ID,
    WITHOUT_MANAGE_USERS,
    journey_id,
)

JOURNEY_UPDATE = (
    JOURNEY_FIELDS
    + """
mutation($id: ID!, $input: JourneyUpdateInput!) {
  journeyUpdate(id: $id, input: $input) {
    journey { ...JourneyFields }
    errors { field code message path }
  }
}
"""
)


@pytest.fixture
def win_back(crm_usd):
    return journey_create(channel_id=crm_usd.pk, kind=JourneyKind.WIN_BACK, enabled=True)


def _update(client, journey, **values):
    response = client.post_graphql(JOURNEY_UPDATE, {"id": journey_id(journey), "input": values})
    return get_graphql_content(response)["data"]["journeyUpdate"]


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_pause_and_change_the_stages(requester, win_back):
    # when
    data = _update(
        requester,
        win_back,
        enabled=False,
        stages=[{"delay": "2h", "subject": "Come back", "body": "<p>{{site_name}}</p>"}],
        holdoutPercent=20,
    )

    # then
    assert data["errors"] == []
    win_back.refresh_from_db()
    assert (win_back.enabled, win_back.holdout_percent) == (False, 20)
    assert win_back.stages == [
        {"delay": "2h", "subject": "Come back", "body": "<p>{{site_name}}</p>", "offer_points": 0}
    ]
    assert win_back.name == "Win-back"
    assert win_back.trigger_settings == {"days": 90, "churn_risk_percent": 0}


@pytest.mark.parametrize("requester", WITHOUT_MANAGE_USERS, indirect=True)
def test_others_cannot_update_journeys(requester, win_back):
    variables = {"id": journey_id(win_back), "input": {"enabled": False}}
    response = requester.post_graphql(JOURNEY_UPDATE, variables)
    assert_no_permission(response)
    win_back.refresh_from_db()
    assert win_back.enabled is True


def test_one_bad_field_writes_none_of_the_others(staff_manage_users, win_back):
    # when: a good name and holdout with a bad stage
    data = _update(
        staff_manage_users,
        win_back,
        name="Renamed",
        holdoutPercent=30,
        stages=[{"delay": "1d", "body": "{{/if}}"}],
    )

    # then
    assert [(e["field"], e["code"], e["path"]) for e in data["errors"]] == [
        ("stages", "INVALID_TEMPLATE", "stages[0].body")
    ]
    stored = Journey.objects.get()
    assert (stored.name, stored.holdout_percent, stored.stages) == (
        "Win-back",
        0,
        win_back.stages,
    )


def test_unknown_and_malformed_ids_are_coded(staff_manage_users, win_back):
    for bad_id in (UNKNOWN_JOURNEY_ID, "not-an-id", journey_id(win_back).replace("Sm", "Xm")):
        response = staff_manage_users.post_graphql(
            JOURNEY_UPDATE, {"id": bad_id, "input": {"enabled": False}}
        )
        data = get_graphql_content(response)["data"]["journeyUpdate"]
        assert data["journey"] is None
        assert [e["field"] for e in data["errors"]] == ["id"]
        assert data["errors"][0]["code"] in {"NOT_FOUND", "GRAPHQL_ERROR", "INVALID"}
    win_back.refresh_from_db()
    assert win_back.enabled is True
