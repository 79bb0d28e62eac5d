"""``enqueue_after_commit``: a task once per transaction, however many hooks ask for it."""

import contextlib
import dataclasses
from collections import Counter

import graphene
import pytest
from celery import signals
from django.core.signals import request_finished, request_started
from django.db import transaction
from saleor.checkout import calculations
from saleor.checkout.fetch import fetch_checkout_info, fetch_checkout_lines
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order.models import Order
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.enqueue import enqueue_after_commit
from saleor_crm_plugin.loyalty.models import LoyaltyAccount
from saleor_crm_plugin.loyalty.tasks import sync_order_points_task
from saleor_crm_plugin.segments.tasks import customer_segments_refresh_task
from tests.fixtures.orders import CHECKOUT_COMPLETE, TRANSACTION_CREATE

CRM_TASKS = "saleor_crm_plugin."
ORDER_ID = "00000000-0000-0000-0000-000000000001"


@dataclasses.dataclass
class TaskRuns:
    """Tasks Celery ran (eagerly, as in Saleor's test settings), from its real signal."""

    runs: Counter = dataclasses.field(default_factory=Counter)

    def crm(self) -> Counter:
        return Counter({name: n for name, n in self.runs.items() if name.startswith(CRM_TASKS)})


@contextlib.contextmanager
def task_runs():
    counted = TaskRuns()

    def count(sender=None, **_kwargs):
        counted.runs[sender.name] += 1

    signals.task_prerun.connect(count, weak=False)
    try:
        yield counted
    finally:
        signals.task_prerun.disconnect(count)


def test_same_task_once_per_transaction(django_capture_on_commit_callbacks):
    # when: three hooks ask for the same sync, one for another order
    with django_capture_on_commit_callbacks() as callbacks:
        enqueue_after_commit(sync_order_points_task, "order-1")
        enqueue_after_commit(sync_order_points_task, "order-1")
        enqueue_after_commit(sync_order_points_task, "order-2")
        enqueue_after_commit(customer_segments_refresh_task, 1, "reason", key="one key")
        enqueue_after_commit(customer_segments_refresh_task, 1, "other reason", key="one key")

    # then
    sent = [(callback.task.name, callback.args) for callback in callbacks]
    assert sent == [
        (sync_order_points_task.name, ("order-1",)),
        (sync_order_points_task.name, ("order-2",)),
        (customer_segments_refresh_task.name, (1, "reason")),
    ]


def test_a_rolled_back_savepoint_takes_its_task_along(django_capture_on_commit_callbacks):
    # given: the first request for the sync is in a savepoint that rolls back
    with django_capture_on_commit_callbacks() as callbacks:
        with contextlib.suppress(RuntimeError), transaction.atomic():
            enqueue_after_commit(sync_order_points_task, "order-1")
            raise RuntimeError

        # when
        enqueue_after_commit(sync_order_points_task, "order-1")

    # then: the one that commits is sent
    assert [callback.args for callback in callbacks] == [("order-1",)]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_sent_at_once():
    # given: no transaction, no request (a management command, a shell)
    with task_runs() as counted:
        enqueue_after_commit(sync_order_points_task, ORDER_ID)
        enqueue_after_commit(sync_order_points_task, ORDER_ID)

    # then: nothing collects them
    assert counted.crm() == {sync_order_points_task.name: 2}


@pytest.mark.django_db(transaction=True)
def test_in_a_request_once_at_its_end():
    # given: a request's hooks run after its commits, outside any transaction
    with task_runs() as counted:
        request_started.send(sender=None)
        enqueue_after_commit(sync_order_points_task, ORDER_ID)
        with transaction.atomic():
            enqueue_after_commit(sync_order_points_task, ORDER_ID)
        enqueue_after_commit(sync_order_points_task, ORDER_ID)
        assert counted.crm() == {}

        # when
        request_finished.send(sender=None)

    # then
    assert counted.crm() == {sync_order_points_task.name: 1}


def _pay_and_complete(app_api_client, user_api_client, checkout) -> Order:
    """The payment app charges the checkout's total; the shopper completes it."""
    manager = get_plugins_manager(allow_replica=False)
    lines, _ = fetch_checkout_lines(checkout)
    checkout_info = fetch_checkout_info(checkout, lines, manager)
    total = calculations.calculate_checkout_total_with_gift_cards(manager, checkout_info, lines)
    checkout_id = graphene.Node.to_global_id("Checkout", checkout.token)
    paid = get_graphql_content(
        app_api_client.post_graphql(
            TRANSACTION_CREATE,
            {
                "id": checkout_id,
                "transaction": {
                    "name": "Credit card",
                    "pspReference": "PSP-1",
                    "availableActions": ["REFUND"],
                    "amountCharged": {"amount": str(total.gross.amount), "currency": "USD"},
                },
            },
        )
    )["data"]["transactionCreate"]
    assert paid["errors"] == []
    completed = get_graphql_content(
        user_api_client.post_graphql(CHECKOUT_COMPLETE, {"id": checkout_id})
    )["data"]["checkoutComplete"]
    assert completed["errors"] == []
    assert completed["order"]["chargeStatus"] == "FULL"
    return Order.objects.get(checkout_token=checkout.token)


@pytest.mark.django_db(transaction=True)
def test_paid_checkout_runs_each_crm_task_once(
    app_api_client,
    permission_manage_payments,
    user_api_client,
    crm_usd,
    checkout_with_item,
    address,
    checkout_delivery,
    customer_user,
):
    # given: a customer's checkout ready to pay (Saleor fires order_created, order_paid,
    # order_fully_paid and, auto-confirming, order_confirmed for it)
    app_api_client.app.permissions.add(permission_manage_payments)
    checkout = checkout_with_item
    checkout.shipping_address = checkout.billing_address = address
    checkout.assigned_delivery = checkout_delivery(checkout)
    checkout.user = customer_user
    checkout.email = customer_user.email
    checkout.save()

    # when: paid and completed through /graphql/; hooks run after the real commits
    with task_runs() as counted:
        order = _pay_and_complete(app_api_client, user_api_client, checkout)

    # then: each CRM task ran once, and the points landed
    assert counted.crm() == {
        sync_order_points_task.name: 1,
        customer_segments_refresh_task.name: 1,
        "saleor_crm_plugin.carts.tasks.cart_order_created_task": 1,
    }
    account = LoyaltyAccount.objects.get(user=customer_user, channel=order.channel)
    assert account.balance + account.pending > 0
