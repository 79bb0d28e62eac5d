"""The order's loyalty tasks give the same ledger whichever of them a worker runs first.

Saleor fires ``order_created`` (settle the points the order spent) and the payment,
refund and cancel events (sync the order's points) one after the other, but Celery may
run the tasks they schedule in any order. Here the order is completed and cancelled or
refunded through Saleor's real API with the tasks left unrun, and then the tasks run in
both orders.
"""

from decimal import Decimal

import graphene
import pytest
from saleor.giftcard.models import GiftCard

from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyRedemption
from saleor_crm_plugin.loyalty.tasks import (
    sync_order_points_task,
)
from tests.fixtures.loyalty import balance_of, ledger_entries, ledger_problems
from tests.fixtures.orders import complete_checkout
from tests.graphql.loyalty.checkout_utils import apply_points, customer_checkout

ORDER_CANCEL = """
mutation OrderCancel($id: ID!) {
  orderCancel(id: $id) { errors { field code message } }
}
"""

TRANSACTION_EVENT_REPORT = """
mutation Report($id: ID!, $amount: PositiveDecimal!) {
  transactionEventReport(
    id: $id, type: REFUND_SUCCESS, amount: $amount, pspReference: "refund-all"
  ) { errors { field code message } }
}
"""


class TasksLeftUnrun:
    """Posts to /graphql/ like Saleor's ApiClient, but the on-commit work (the tasks
    our hooks schedule) is captured and not run: the test runs the tasks itself."""

    def __init__(self, client, capture_on_commit):
        self.client = client
        self.capture_on_commit = capture_on_commit

    def post_graphql(self, query, variables=None):
        with self.capture_on_commit(execute=False):
            return self.client.post({"query": query, "variables": variables})


def _every_events_task(order):
    # order_created's task runs late, after the later event's own task
    sync_order_points_task(str(order.pk))
    sync_order_points_task(str(order.pk))


def _last_events_task_only(order):
    # order_created's task was lost: only the later event's task runs
    sync_order_points_task(str(order.pk))


@pytest.fixture
def unsettled_points_order(
    user_api_client,
    crm_usd,
    checkout_with_item,
    customer_user,
    address,
    checkout_delivery,
    django_capture_on_commit_callbacks,
):
    """An order paid 5.00 with 500 of 1000 points and money; no task has run yet."""
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    assert apply_points(user_api_client, checkout, 500)["errors"] == []
    order = complete_checkout(
        TasksLeftUnrun(user_api_client, django_capture_on_commit_callbacks),
        checkout,
        address=address,
        delivery=checkout_delivery(checkout),
        user=customer_user,
    )
    assert LoyaltyRedemption.objects.get().status == "active"
    return order


@pytest.mark.parametrize(
    "run_tasks",
    [_every_events_task, _last_events_task_only],
    ids=["every-event", "last-event-only"],
)
def test_cancel_gives_the_spent_points_back_whichever_task_runs_first(
    unsettled_points_order,
    run_tasks,
    crm_usd,
    customer_user,
    staff_api_client,
    permission_group_manage_orders,
    django_capture_on_commit_callbacks,
):
    # given: staff cancel the order before any of its tasks ran
    order = unsettled_points_order
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    response = TasksLeftUnrun(staff_api_client, django_capture_on_commit_callbacks).post_graphql(
        ORDER_CANCEL, {"id": graphene.Node.to_global_id("Order", order.pk)}
    )
    assert response.json()["data"]["orderCancel"]["errors"] == []

    # when: each task runs once, in one order or the other
    run_tasks(order)

    # then: the same ledger either way: the points were spent, then all given back
    assert ledger_entries() == [
        (EntryType.ADJUST, 1000),
        (EntryType.REDEEM, -500),
        (EntryType.RELEASE, 500),
    ]
    assert list(LoyaltyRedemption.objects.values_list("status", "spent_points")) == [("spent", 500)]
    assert GiftCard.objects.get().is_active is False
    assert balance_of(customer_user, crm_usd) == 1000
    assert ledger_problems() == []


@pytest.mark.parametrize(
    "run_tasks",
    [_every_events_task, _last_events_task_only],
    ids=["every-event", "last-event-only"],
)
def test_full_refund_gives_the_same_ledger_whichever_task_runs_first(
    unsettled_points_order,
    run_tasks,
    crm_usd,
    customer_user,
    order_payments,
    django_capture_on_commit_callbacks,
):
    # given: the order's payment was synced (it earned) but its settle task has not
    # run when the payment app reports the whole charge refunded
    order = unsettled_points_order
    sync_order_points_task(str(order.pk))
    transaction_item = order.payment_transactions.get()
    response = TasksLeftUnrun(
        order_payments.app_client, django_capture_on_commit_callbacks
    ).post_graphql(
        TRANSACTION_EVENT_REPORT,
        {
            "id": graphene.Node.to_global_id("TransactionItem", transaction_item.token),
            "amount": str(transaction_item.charged_value),
        },
    )
    assert response.json()["data"]["transactionEventReport"]["errors"] == []
    assert transaction_item.charged_value == Decimal("35.00")

    # when
    run_tasks(order)

    # then: nothing earned stays, every point spent comes back
    assert ledger_entries() == [
        (EntryType.ADJUST, 1000),
        (EntryType.REDEEM, -500),
        (EntryType.EARN, 25),
        (EntryType.REVERSE, -25),
        (EntryType.RELEASE, 500),
    ]
    assert balance_of(customer_user, crm_usd) == 1000
    assert ledger_problems() == []
