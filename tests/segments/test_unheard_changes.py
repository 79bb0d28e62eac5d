"""Changes the plugin hears no event for are caught by the periodic refresh (item 13).

One mechanism (docs/segments.md, "What the periodic refresh also catches"): each run
re-evaluates, per segment, the customers whose orders changed since its last check
(``Order.updated_at``, in any channel), the previous owners of orders that moved to
another customer, and the customers whose loyalty points moved (entries written or
matured) since its last check.
"""

import datetime

import graphene
from django.utils import timezone
from freezegun import freeze_time
from saleor.order.models import Order

from saleor_crm_plugin.loyalty.bonuses import account_points_adjust
from saleor_crm_plugin.loyalty.models import LoyaltyAccount
from saleor_crm_plugin.loyalty.tasks import expire_points_task, mature_pending_points_task
from saleor_crm_plugin.segments.actions import customer_segment_create, customer_segments_refresh
from saleor_crm_plugin.segments.models import SegmentMembership, SegmentMembershipEvent
from saleor_crm_plugin.segments.refresh import segments_time_refresh
from saleor_crm_plugin.tasks import daily_loyalty_task
from tests.fixtures.loyalty import CustomerProfileFactory
from tests.fixtures.orders import THREE_LINES
from tests.fixtures.plugin import configure_crm

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
ORDERED = {"field": "order_count", "op": "gte", "value": 1}
RICH = {"field": "points_balance", "op": "gte", "value": 100}

ORDER_UPDATE = """
mutation($id: ID!, $email: String!) {
  orderUpdate(id: $id, input: {userEmail: $email}) { errors { field code } }
}
"""


def _members(segment) -> list[int]:
    return sorted(
        SegmentMembership.objects.filter(segment=segment).values_list("user_id", flat=True)
    )


def _refresh_an_hour_later():
    later = timezone.now() + HOUR
    with freeze_time(later):
        return segments_time_refresh(now=later)


def test_points_adjusted_without_an_event_are_caught(crm_usd, customer_user, customer_user2):
    # given: a segment of customers with 100 points or more; nobody has any
    segment = customer_segment_create(name="Rich", definition=RICH, channel_id=crm_usd.pk)
    assert _members(segment) == []

    # when: staff give 150 points (no segment event), then the periodic refresh runs
    account_points_adjust(
        user=customer_user,
        channel_id=crm_usd.pk,
        points=150,
        reason="goodwill",
        idempotency_key="goodwill-1",
    )
    (result,) = _refresh_an_hour_later()

    # then: only that customer was looked at, and joined
    assert result.changed_user_ids == [customer_user.pk]
    assert _members(segment) == [customer_user.pk]


def test_points_maturing_are_caught(channel_USD, crm_order, order_payments, customer_user):
    # given: points of a paid order are pending for a day
    configure_crm(channel_USD, pending_period="1d")
    t0 = timezone.now()
    with freeze_time(t0) as frozen:
        segment = customer_segment_create(name="Rich", definition=RICH, channel_id=channel_USD.pk)
        order = crm_order(channel_USD, [("100.00", 1)])
        order_payments.charge(order)
        assert _members(segment) == []

        # when: the next day the points mature (hourly task), then the refresh runs
        frozen.move_to(t0 + DAY + HOUR)
        mature_pending_points_task.delay()
        frozen.move_to(t0 + DAY + 2 * HOUR)
        segments_time_refresh(now=t0 + DAY + 2 * HOUR)

        # then
        assert _members(segment) == [customer_user.pk]


def test_points_expiring_are_caught(channel_USD, crm_order, order_payments, customer_user):
    # given: 100 points earned on a paid order, expiring after 30 days
    configure_crm(channel_USD, pending_period="0", points_expire_after="30d")
    t0 = timezone.now()
    with freeze_time(t0) as frozen:
        segment = customer_segment_create(name="Rich", definition=RICH, channel_id=channel_USD.pk)
        order_payments.charge(crm_order(channel_USD, [("100.00", 1)]))
        assert _members(segment) == [customer_user.pk]

        # when: they expire (no segment event), then the refresh runs
        frozen.move_to(t0 + 31 * DAY)
        expire_points_task.delay()
        frozen.move_to(t0 + 31 * DAY + HOUR)
        segments_time_refresh(now=t0 + 31 * DAY + HOUR)

        # then
        assert _members(segment) == []


def test_a_birthday_bonus_is_caught(channel_USD, customer_user):
    # given: a member born on 15 June; the bonus brings 150 points
    configure_crm(channel_USD, pending_period="0", birthday_bonus="150")
    CustomerProfileFactory(user=customer_user, birthday=datetime.date(1990, 6, 15))
    LoyaltyAccount.objects.create(user=customer_user, channel=channel_USD)
    t0 = datetime.datetime(2027, 6, 14, 12, 0, tzinfo=datetime.UTC)
    with freeze_time(t0) as frozen:
        segment = customer_segment_create(name="Rich", definition=RICH, channel_id=channel_USD.pk)

        # when: the daily task awards the bonus on the birthday, then the refresh runs
        frozen.move_to(t0 + DAY)
        daily_loyalty_task.delay()
        frozen.move_to(t0 + DAY + HOUR)
        segments_time_refresh(now=t0 + DAY + HOUR)

        # then
        assert _members(segment) == [customer_user.pk]


def test_an_order_paid_where_the_crm_is_off_is_caught(
    crm_order, order_payments, channel_PLN, customer_user
):
    # given: a segment of everyone who ordered, the CRM not active in channel_PLN
    configure_crm(channel_PLN, active=False)
    segment = customer_segment_create(name="Buyers", definition=ORDERED, channel_id=None)
    order = crm_order(channel_PLN, THREE_LINES)

    # when: paid there (no hook of ours runs), then the periodic refresh
    order_payments.charge(order)
    assert _members(segment) == []
    _refresh_an_hour_later()

    # then
    assert _members(segment) == [customer_user.pk]


def test_an_order_moved_to_another_customer_moves_membership(
    crm_usd,
    crm_order,
    order_payments,
    staff_api_client,
    permission_manage_orders,
    customer_user,
    customer_user2,
):
    # given: customer 1 is a buyer through one paid order
    segment = customer_segment_create(name="Buyers", definition=ORDERED, channel_id=crm_usd.pk)
    order = crm_order(crm_usd, THREE_LINES)
    order_payments.charge(order)
    assert _members(segment) == [customer_user.pk]

    # when: staff move the order to customer 2 (orderUpdate userEmail)
    staff_api_client.user.user_permissions.add(permission_manage_orders)
    response = staff_api_client.post_graphql(
        ORDER_UPDATE,
        {"id": graphene.Node.to_global_id("Order", order.pk), "email": customer_user2.email},
    )
    assert response.json()["data"]["orderUpdate"]["errors"] == []
    assert Order.objects.get(pk=order.pk).user_id == customer_user2.pk
    _refresh_an_hour_later()

    # then: the buyer is now customer 2; customer 1 left
    assert _members(segment) == [customer_user2.pk]
    assert list(
        SegmentMembershipEvent.objects.filter(segment=segment)
        .order_by("pk")
        .values_list("user_id", "kind")
    ) == [(customer_user.pk, "joined"), (customer_user2.pk, "joined"), (customer_user.pk, "left")]


def test_an_event_of_the_new_owner_also_re_evaluates_the_previous_one(
    crm_usd, crm_order, order_payments, customer_user, customer_user2
):
    # given: customer 1 bought; the order then moved to customer 2 (as orderUpdate does)
    segment = customer_segment_create(name="Buyers", definition=ORDERED, channel_id=crm_usd.pk)
    order = crm_order(crm_usd, THREE_LINES)
    order_payments.charge(order)
    Order.objects.filter(pk=order.pk).update(user=customer_user2, user_email=customer_user2.email)

    # when: any event of customer 2 refreshes them
    changes = customer_segments_refresh(user_id=customer_user2.pk, reason="customer updated")

    # then: customer 1 was re-evaluated with them
    assert _members(segment) == [customer_user2.pk]
    assert [(change.joined, change.left) for change in changes] == [(1, 0), (0, 1)]
    assert list(
        SegmentMembershipEvent.objects.filter(segment=segment, kind="left").values_list(
            "user_id", "reason"
        )
    ) == [(customer_user.pk, "order moved to another customer")]
