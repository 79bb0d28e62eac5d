"""journeys(channel) and journey(id): staff with MANAGE_USERS read definitions and figures."""

import datetime
import uuid
from decimal import Decimal

import pytest
from saleor.graphql.tests.utils import assert_no_permission, get_graphql_content

from saleor_crm_plugin.journeys.actions import journey_create
from saleor_crm_plugin.journeys.models import (
    EnrollmentStatus,
    JourneyEnrollment,
    JourneyKind,
    JourneyMessage,
    MessageStatus,
)
from .utils import (
    JOURNEY_FIELDS,
    MANAGE_USERS,
    UNKNOWN_JOURNEY_ID,
    WITHOUT_MANAGE_USERS,
    journey_id,
)

JOURNEYS = (
    JOURNEY_FIELDS
    + """
query($channel: String!) {
  journeys(channel: $channel) { ...JourneyFields }
}
"""
)
JOURNEY_STATS = """
query($id: ID!) {
  journey(id: $id) {
    name
    stats {
      entered heldOut sent converted holdoutConverted
      revenue { amount currency } offerCost { amount currency }
      stages { stage sent skipped failed converted revenue { amount } offerCost { amount } }
      uplift { treatedRate holdoutRate difference low high }
    }
  }
}
"""
NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def win_back(crm_usd):
    return journey_create(channel_id=crm_usd.pk, kind=JourneyKind.WIN_BACK, enabled=True)


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_staff_and_apps_with_manage_users_list_the_channel_journeys(requester, win_back, crm_usd):
    # when
    response = requester.post_graphql(JOURNEYS, {"channel": crm_usd.slug})

    # then
    journeys = get_graphql_content(response)["data"]["journeys"]
    assert len(journeys) == 1
    journey = journeys[0]
    assert (journey["id"], journey["kind"], journey["name"]) == (
        journey_id(win_back),
        "WIN_BACK",
        "Win-back",
    )
    assert journey["triggerSettings"] == {
        "days": 90,
        "daysBefore": None,
        "churnRiskPercent": 0,
        "segment": None,
    }
    assert [(s["number"], s["delay"], s["offerPoints"]) for s in journey["stages"]] == [
        (1, "1h", 200),
        (2, "14d", 0),
    ]
    assert journey["stages"][0]["delaySeconds"] == 3600


@pytest.mark.parametrize("requester", WITHOUT_MANAGE_USERS, indirect=True)
def test_others_cannot_list_journeys(requester, win_back, crm_usd):
    response = requester.post_graphql(JOURNEYS, {"channel": crm_usd.slug})
    assert_no_permission(response)


@pytest.mark.parametrize("requester", WITHOUT_MANAGE_USERS, indirect=True)
def test_others_cannot_read_a_journey(requester, win_back):
    response = requester.post_graphql(JOURNEY_STATS, {"id": journey_id(win_back)})
    assert_no_permission(response)


def test_unknown_or_malformed_channel_lists_nothing(staff_manage_users, win_back):
    for channel in ("no-such-channel", "x" * 300):
        response = staff_manage_users.post_graphql(JOURNEYS, {"channel": channel})
        assert get_graphql_content(response)["data"]["journeys"] == []


def _enrol(journey, user, *, key, holdout, converted_revenue=None, stage=1, status=None):
    enrollment = JourneyEnrollment.objects.create(
        journey=journey,
        user=user,
        email=user.email,
        trigger_key=key,
        triggered_at=NOW,
        entered_at=NOW,
        holdout=holdout,
        stage=stage,
        status=EnrollmentStatus.CONVERTED if converted_revenue else EnrollmentStatus.COMPLETED,
        converted_order_id=uuid.uuid4() if converted_revenue else None,
        revenue=converted_revenue,
    )
    JourneyMessage.objects.create(
        enrollment=enrollment,
        stage=1,
        email=user.email,
        status=MessageStatus.SKIPPED if holdout else MessageStatus.SENT,
        skip_reason="holdout" if holdout else "",
        claimed_at=NOW,
        offer_points=0 if holdout else 200,
        offer_value=Decimal(0) if holdout else Decimal("2.00"),
    )
    return enrollment


def test_stats_count_groups_stages_revenue_cost_and_uplift(
    staff_manage_users, win_back, customer_user, customer_user2
):
    # given: two messaged (one converted for 50.00), two held out (none converted)
    _enrol(win_back, customer_user, key="a", holdout=False, converted_revenue=Decimal("50.00"))
    _enrol(win_back, customer_user2, key="bb", holdout=False)
    _enrol(win_back, customer_user, key="ccc", holdout=True)
    _enrol(win_back, customer_user2, key="dddd", holdout=True)

    # when
    response = staff_manage_users.post_graphql(JOURNEY_STATS, {"id": journey_id(win_back)})

    # then
    stats = get_graphql_content(response)["data"]["journey"]["stats"]
    assert (stats["entered"], stats["heldOut"], stats["sent"]) == (4, 2, 2)
    assert (stats["converted"], stats["holdoutConverted"]) == (1, 0)
    assert stats["revenue"] == {"amount": 50.0, "currency": "USD"}
    assert stats["offerCost"] == {"amount": 4.0, "currency": "USD"}
    assert stats["stages"] == [
        {
            "stage": 1,
            "sent": 2,
            "skipped": 2,
            "failed": 0,
            "converted": 1,
            "revenue": {"amount": 50.0},
            "offerCost": {"amount": 4.0},
        }
    ]
    uplift = stats["uplift"]
    assert (uplift["treatedRate"], uplift["holdoutRate"], uplift["difference"]) == (0.5, 0.0, 0.5)
    assert uplift["low"] == pytest.approx(0.5 - 1.96 * (0.25 / 2) ** 0.5)
    assert uplift["high"] == pytest.approx(0.5 + 1.96 * (0.25 / 2) ** 0.5)


def test_stats_without_a_holdout_have_no_uplift(staff_manage_users, win_back, customer_user):
    _enrol(win_back, customer_user, key="a", holdout=False)
    response = staff_manage_users.post_graphql(JOURNEY_STATS, {"id": journey_id(win_back)})
    stats = get_graphql_content(response)["data"]["journey"]["stats"]
    assert (stats["entered"], stats["uplift"]) == (1, None)


def test_unknown_journey_is_null(staff_manage_users):
    response = staff_manage_users.post_graphql(JOURNEY_STATS, {"id": UNKNOWN_JOURNEY_ID})
    assert get_graphql_content(response)["data"]["journey"] is None
