"""`loyaltyPointsAdjust`: staff and apps with MANAGE_USERS add or deduct points."""

import graphene
import pytest
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.loyalty.models import LoyaltyAccount, LoyaltyEntry

from ...fixtures.plugin import configure_crm
from .utils import UNKNOWN_USER_ID, WITHOUT_MANAGE_USERS, adjust, denied_data, user_id, written_rows

LOYALTY_POINTS_ADJUST = """
mutation(
  $customerId: ID!, $channel: String!, $points: Int!, $reason: String!, $key: String
) {
  loyaltyPointsAdjust(
    customerId: $customerId, channel: $channel, points: $points, reason: $reason,
    idempotencyKey: $key
  ) {
    account { id balance lifetimePoints user { email } }
    entry { id points type status reason }
    errors { field code message }
  }
}
"""


def variables(customer, channel, points=100, reason="Apology for a late parcel", key=None):
    return {
        "customerId": user_id(customer),
        "channel": channel.slug,
        "points": points,
        "reason": reason,
        "key": key,
    }


def adjust_through_api(client, **kwargs):
    response = client.post_graphql(LOYALTY_POINTS_ADJUST, variables(**kwargs))
    return get_graphql_content(response)["data"]["loyaltyPointsAdjust"]


def test_staff_adds_points(staff_manage_users, customer_user, crm_usd):
    # when
    data = adjust_through_api(staff_manage_users, customer=customer_user, channel=crm_usd)

    # then
    entry = LoyaltyEntry.objects.get()
    assert data == {
        "account": {
            "id": graphene.Node.to_global_id("LoyaltyAccount", entry.account_id),
            "balance": 100,
            "lifetimePoints": 100,
            "user": {"email": customer_user.email},
        },
        "entry": {
            "id": graphene.Node.to_global_id("LoyaltyEntry", entry.pk),
            "points": 100,
            "type": "ADJUST",
            "status": "AVAILABLE",
            "reason": "Apology for a late parcel",
        },
        "errors": [],
    }
    assert (entry.actor_user_id, entry.actor_app_id) == (staff_manage_users.user.pk, None)
    assert entry.idempotency_key.startswith(f"adjust:{customer_user.pk}:{crm_usd.pk}:")


def test_app_deducts_points(app_manage_users, customer_user, crm_usd):
    # given
    adjust(customer_user, crm_usd, 80, "test:1")

    # when
    data = adjust_through_api(app_manage_users, customer=customer_user, channel=crm_usd, points=-30)

    # then
    entry = LoyaltyEntry.objects.get(type="adjust", points=-30)
    assert (data["account"]["balance"], data["entry"]["points"], data["errors"]) == (50, -30, [])
    assert (entry.actor_user_id, entry.actor_app_id) == (None, app_manage_users.app.pk)


@pytest.mark.parametrize("requester", ["user_api_client", *WITHOUT_MANAGE_USERS], indirect=True)
def test_without_manage_users_nothing_is_adjusted(requester, customer_user, crm_usd):
    # given
    rows = written_rows()

    # when
    response = requester.post_graphql(LOYALTY_POINTS_ADJUST, variables(customer_user, crm_usd))

    # then
    assert denied_data(response) == {"loyaltyPointsAdjust": None}
    assert written_rows() == rows


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        (
            {"points": 0},
            (
                "points",
                "OUT_OF_RANGE",
                "Points must be a non-zero whole number up to 1000000000000.",
            ),
        ),
        (
            {"reason": "   "},
            ("reason", "REQUIRED", "A reason is required for an adjustment."),
        ),
        (
            {"reason": "x" * 1001},
            ("reason", "OUT_OF_RANGE", "The reason is longer than 1000 characters."),
        ),
        (
            {"channel": "no-such-channel"},
            ("channel", "NOT_FOUND", "Channel with 'no-such-channel' slug does not exist."),
        ),
        (
            {"customerId": UNKNOWN_USER_ID},
            ("customerId", "NOT_FOUND", f"Couldn't resolve to a node: {UNKNOWN_USER_ID}"),
        ),
        (
            {"customerId": "not-an-id"},
            ("customerId", "GRAPHQL_ERROR", "Invalid ID: not-an-id. Expected: User."),
        ),
        (
            {"key": "k" * 101},
            ("idempotencyKey", "INVALID", "At most 100 characters."),
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    staff_manage_users, customer_user, crm_usd, overrides, error
):
    # given
    rows = written_rows()
    data = {**variables(customer_user, crm_usd), **overrides}

    # when
    response = staff_manage_users.post_graphql(LOYALTY_POINTS_ADJUST, data)

    # then
    result = get_graphql_content(response)["data"]["loyaltyPointsAdjust"]
    field, code, message = error
    assert result == {
        "account": None,
        "entry": None,
        "errors": [{"field": field, "code": code, "message": message}],
    }
    assert written_rows() == rows


def test_inactive_programme_is_refused(staff_manage_users, customer_user, channel_USD):
    # given
    configure_crm(channel_USD, active=False)
    rows = written_rows()

    # when
    data = adjust_through_api(staff_manage_users, customer=customer_user, channel=channel_USD)

    # then
    assert data["errors"] == [
        {
            "field": "channel",
            "code": "CHANNEL_INACTIVE",
            "message": "The loyalty programme is not active in this channel.",
        }
    ]
    assert written_rows() == rows


@pytest.mark.parametrize(("balance", "points"), [(None, -1), (30, -31)])
def test_deduction_below_zero_is_refused(
    staff_manage_users, customer_user, crm_usd, balance, points
):
    # given: no account at all, or one with 30 points
    if balance:
        adjust(customer_user, crm_usd, balance, "test:1")
    rows = written_rows()

    # when
    data = adjust_through_api(
        staff_manage_users, customer=customer_user, channel=crm_usd, points=points
    )

    # then
    assert data["errors"] == [
        {
            "field": "points",
            "code": "INSUFFICIENT_POINTS",
            "message": f"The balance is {balance or 0} points; {-points} cannot be deducted.",
        }
    ]
    assert written_rows() == rows


def test_deduction_to_exactly_zero(staff_manage_users, customer_user, crm_usd):
    # given
    adjust(customer_user, crm_usd, 30, "test:1")

    # when
    data = adjust_through_api(
        staff_manage_users, customer=customer_user, channel=crm_usd, points=-30
    )

    # then
    assert (data["account"]["balance"], data["errors"]) == (0, [])


def test_points_beyond_graphql_int_are_refused(staff_manage_users, customer_user, crm_usd):
    # given
    rows = written_rows()

    # when
    response = staff_manage_users.post_graphql(
        LOYALTY_POINTS_ADJUST, variables(customer_user, crm_usd, points=2**31)
    )

    # then
    content = get_graphql_content(response, ignore_errors=True)
    assert "data" not in content
    assert [error["message"] for error in content["errors"]] == [
        "Int cannot represent non 32-bit signed integer value: 2147483648"
    ]
    assert written_rows() == rows


def test_repeated_key_returns_the_first_adjustment(staff_manage_users, customer_user, crm_usd):
    # given
    first = adjust_through_api(
        staff_manage_users, customer=customer_user, channel=crm_usd, key="ticket-17"
    )

    # when
    again = adjust_through_api(
        staff_manage_users, customer=customer_user, channel=crm_usd, key="ticket-17"
    )

    # then
    assert again == first
    assert LoyaltyEntry.objects.count() == 1
    assert LoyaltyAccount.objects.get().balance == 100


def test_key_is_scoped_to_the_customer(staff_manage_users, customer_user, customer_user2, crm_usd):
    # when
    for customer in (customer_user, customer_user2):
        adjust_through_api(staff_manage_users, customer=customer, channel=crm_usd, key="same")

    # then
    balances = dict(LoyaltyAccount.objects.values_list("user_id", "balance"))
    assert balances == {customer_user.pk: 100, customer_user2.pk: 100}


def test_without_a_key_each_request_adjusts(staff_manage_users, customer_user, crm_usd):
    # when
    for _ in range(2):
        adjust_through_api(staff_manage_users, customer=customer_user, channel=crm_usd)

    # then
    assert LoyaltyEntry.objects.count() == 2
    assert LoyaltyAccount.objects.get().balance == 200


def test_staff_cannot_adjust_their_own_account(staff_manage_users, crm_usd):
    # given: the staff member is also a shopper of the channel
    rows = written_rows()

    # when
    data = adjust_through_api(
        staff_manage_users, customer=staff_manage_users.user, channel=crm_usd, points=5000
    )

    # then
    assert data == {
        "account": None,
        "entry": None,
        "errors": [
            {
                "field": "customerId",
                "code": "ADJUST_OWN_ACCOUNT",
                "message": "You cannot adjust your own loyalty points.",
            }
        ],
    }
    assert written_rows() == rows


@pytest.mark.parametrize("requester", ["staff_manage_users", "app_manage_users"], indirect=True)
def test_a_staff_account_cannot_be_adjusted(requester, admin_user, crm_usd):
    # given
    rows = written_rows()

    # when
    data = adjust_through_api(requester, customer=admin_user, channel=crm_usd, points=5000)

    # then
    assert data == {
        "account": None,
        "entry": None,
        "errors": [
            {
                "field": "customerId",
                "code": "ADJUST_STAFF_ACCOUNT",
                "message": "The loyalty points of a staff account cannot be adjusted.",
            }
        ],
    }
    assert written_rows() == rows


ENTRY_ACTORS = """
query($id: ID!, $channel: String) {
  user(id: $id) {
    loyalty(channel: $channel) {
      entries(first: 5) { edges { node { points reason actorUser { email } actorApp { name } } } }
    }
  }
}
"""


def test_an_adjustment_shows_who_made_it_and_why(
    staff_manage_users, app_manage_users, permission_manage_apps, customer_user, crm_usd
):
    # given: one adjustment by staff, one by an app
    adjust_through_api(staff_manage_users, customer=customer_user, channel=crm_usd, points=70)
    adjust_through_api(
        app_manage_users, customer=customer_user, channel=crm_usd, points=-20, reason="Typo"
    )
    staff_manage_users.user.user_permissions.add(permission_manage_apps)

    # when
    response = staff_manage_users.post_graphql(
        ENTRY_ACTORS, {"id": user_id(customer_user), "channel": crm_usd.slug}
    )

    # then
    entries = get_graphql_content(response)["data"]["user"]["loyalty"]["entries"]["edges"]
    assert [edge["node"] for edge in entries] == [
        {
            "points": -20,
            "reason": "Typo",
            "actorUser": None,
            "actorApp": {"name": "Sample app objects"},
        },
        {
            "points": 70,
            "reason": "Apology for a late parcel",
            "actorUser": {"email": staff_manage_users.user.email},
            "actorApp": None,
        },
    ]


def test_the_customer_sees_the_reason_but_not_the_staff_member(
    staff_manage_users, user_api_client, customer_user, crm_usd
):
    # given
    adjust_through_api(staff_manage_users, customer=customer_user, channel=crm_usd, points=70)

    # when
    response = user_api_client.post_graphql(
        "query($channel: String) { me { loyalty(channel: $channel) { entries(first: 5) "
        "{ edges { node { reason actorUser { email } } } } } } }",
        {"channel": crm_usd.slug},
    )

    # then
    content = get_graphql_content(response, ignore_errors=True)
    [edge] = content["data"]["me"]["loyalty"]["entries"]["edges"]
    assert edge["node"] == {"reason": "Apology for a late parcel", "actorUser": None}
    assert [error["extensions"]["exception"]["code"] for error in content["errors"]] == [
        "PermissionDenied"
    ]


def test_payload_reads_the_customer_in_the_shops_only_channel(
    staff_manage_users, customer_user, crm_usd
):
    # given: found by tests/graphql/test_fuzz.py; without `channel`, the shop's default
    # channel was looked up on the writer outside Saleor's allowance (an internal error)
    query = """mutation($customerId: ID!, $channel: String!) {
      loyaltyPointsAdjust(customerId: $customerId, channel: $channel, points: 40,
                          reason: "goodwill") {
        account { user { loyalty { balance } crmStoreActivity { storeVisits } } }
        errors { field code message }
      }
    }"""

    # when
    response = staff_manage_users.post_graphql(
        query, {"customerId": user_id(customer_user), "channel": crm_usd.slug}
    )

    # then
    assert get_graphql_content(response)["data"]["loyaltyPointsAdjust"] == {
        "account": {"user": {"loyalty": {"balance": 40}, "crmStoreActivity": {"storeVisits": 0}}},
        "errors": [],
    }
