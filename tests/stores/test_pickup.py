"""Click & collect: the order is credited to its store, and its pickup time recorded
from Saleor's fulfilment events (orderFulfill, orderFulfillmentApprove, orderBulkCreate)."""

import datetime

import graphene
from django.utils import timezone
from freezegun import freeze_time
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order.models import Fulfillment, Order
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.segments.actions import customer_segment_create
from saleor_crm_plugin.segments.models import SegmentMembership
from saleor_crm_plugin.stores.models import StorePickup
from saleor_crm_plugin.stores.pickup import (
    order_pickup_record,
    order_pickups_record,
    order_pickups_sweep,
)
from saleor_crm_plugin.stores.tasks import order_pickups_sweep_task
from saleor_crm_plugin.stores.selectors import StoreActivity, store_activities
from saleor_crm_plugin.stores.visits import ShoppingMode

from ..fixtures.click_and_collect import fulfil, global_id
from ..fixtures.plugin import configure_crm

# Minutes apart, from now: the API clients' tokens (issued at the first request, under
# whatever time is frozen) live five minutes.
T0 = timezone.now().replace(microsecond=0)
T1 = T0 + datetime.timedelta(minutes=1)
T2 = T0 + datetime.timedelta(minutes=2)

APPROVE = """
mutation($id: ID!) {
  orderFulfillmentApprove(id: $id, notifyCustomer: false) {
    fulfillment { status }
    errors { field code message }
  }
}
"""

DELETE_WAREHOUSE = """
mutation($id: ID!) {
  deleteWarehouse(id: $id) { errors { field code message } }
}
"""


def _pickups() -> list[tuple]:
    return list(StorePickup.objects.order_by("order_id").values_list("order_id", "picked_up_at"))


def test_a_click_and_collect_order_is_credited_to_its_store_and_found_by_a_segment(
    crm_usd, click_and_collect_store, click_and_collect, user_api_client, customer_user
):
    # given
    downtown, harbour = click_and_collect_store("Downtown"), click_and_collect_store("Harbour")

    # when: the shopper picks Downtown in Saleor's checkout
    with freeze_time(T0):
        order = click_and_collect(user_api_client, downtown)

    # then: Saleor keeps the store on the order; it is the shopper's home store
    assert (order.collection_point_id, order.collection_point_name) == (downtown.pk, "Downtown")
    assert store_activities(user_ids=[customer_user.pk], channel_id=crm_usd.pk) == {
        customer_user.pk: StoreActivity(
            home_store_id=downtown.pk,
            pickup_store_id=downtown.pk,
            in_store_spend=0,
            in_store_purchases=0,
            click_and_collect_orders=1,
            store_visits=1,
            last_visit_at=T0,
            shopping_mode=ShoppingMode.BOTH,
        )
    }
    segments = [
        customer_segment_create(
            name=warehouse.name,
            definition={"field": "home_store", "op": "eq", "value": global_id(warehouse)},
            channel_id=crm_usd.pk,
        )
        for warehouse in (downtown, harbour)
    ]
    members = [
        list(SegmentMembership.objects.filter(segment=segment).values_list("user_id", flat=True))
        for segment in segments
    ]
    assert members == [[customer_user.pk], []]


def test_fulfilling_the_order_records_its_pickup_once(
    crm_usd,
    click_and_collect_store,
    click_and_collect,
    user_api_client,
    store_staff,
    django_capture_on_commit_callbacks,
):
    # given
    with freeze_time(T0):
        order = click_and_collect(user_api_client, click_and_collect_store("Downtown"))
    staff = store_staff

    # when: staff hand it over three hours later (Saleor fires order_fulfilled and
    # fulfillment_approved after commit)
    with freeze_time(T1), django_capture_on_commit_callbacks(execute=True):
        fulfil(staff, order)

    # then
    assert _pickups() == [(order.pk, T1)]

    # when: the events are replayed a day later
    with freeze_time(T2):
        recorded = order_pickups_record(order_ids=[order.pk])

    # then: the first record stands
    assert recorded == []
    assert _pickups() == [(order.pk, T1)]


def test_with_approval_the_pickup_is_the_approval(
    crm_usd,
    click_and_collect_store,
    click_and_collect,
    user_api_client,
    store_staff,
    site_settings,
    django_capture_on_commit_callbacks,
):
    # given: fulfilments wait for approval; staff prepare the parcel at T1
    site_settings.fulfillment_auto_approve = False
    site_settings.save(update_fields=["fulfillment_auto_approve"])
    with freeze_time(T0):
        order = click_and_collect(user_api_client, click_and_collect_store("Downtown"))
    staff = store_staff
    with freeze_time(T1), django_capture_on_commit_callbacks(execute=True):
        (fulfillment,) = fulfil(staff, order)["fulfillments"]
    assert fulfillment["status"] == "WAITING_FOR_APPROVAL"
    assert _pickups() == []

    # when: the shopper collects it the next day and staff approve
    with freeze_time(T2), django_capture_on_commit_callbacks(execute=True):
        response = staff.post_graphql(APPROVE, {"id": fulfillment["id"]})

    # then
    data = get_graphql_content(response)["data"]["orderFulfillmentApprove"]
    assert data["errors"] == []
    assert _pickups() == [(order.pk, T2)]


def test_a_shipped_order_has_no_pickup(crm_usd, paid_order):
    # given: an order delivered by a shipping method
    order = paid_order()
    assert order.collection_point_id is None
    Fulfillment.objects.create(order=order, fulfillment_order=1)

    # when
    pickup = order_pickup_record(order_id=order.pk)

    # then
    assert pickup is None
    assert _pickups() == []


def test_the_inactive_programme_records_nothing(
    channel_USD,
    click_and_collect_store,
    click_and_collect,
    user_api_client,
    store_staff,
    django_capture_on_commit_callbacks,
):
    # given: the CRM is off in the channel
    configure_crm(channel_USD, active=False)
    order = click_and_collect(user_api_client, click_and_collect_store("Downtown"))
    staff = store_staff

    # when
    with django_capture_on_commit_callbacks(execute=True):
        fulfil(staff, order)

    # then: no hook ran (a later event or replay records it)
    assert _pickups() == []


def test_a_deleted_store_keeps_its_name_and_its_pickups(
    crm_usd,
    click_and_collect_store,
    click_and_collect,
    user_api_client,
    customer_user,
    store_staff,
    django_capture_on_commit_callbacks,
):
    # given: an order collected at Downtown
    downtown = click_and_collect_store("Downtown")
    with freeze_time(T0):
        order = click_and_collect(user_api_client, downtown)
    staff = store_staff
    with freeze_time(T1), django_capture_on_commit_callbacks(execute=True):
        fulfil(staff, order)

    # when: staff delete the store
    with freeze_time(T2):
        response = staff.post_graphql(DELETE_WAREHOUSE, {"id": global_id(downtown)})

    # then: the order keeps Saleor's name snapshot and its pickup; still a store visit,
    # though no longer a home store anyone can name
    assert get_graphql_content(response)["data"]["deleteWarehouse"]["errors"] == []
    order.refresh_from_db()
    assert (order.collection_point_id, order.collection_point_name) == (None, "Downtown")
    assert _pickups() == [(order.pk, T1)]
    activity = store_activities(user_ids=[customer_user.pk], channel_id=crm_usd.pk)
    assert (activity[customer_user.pk].home_store_id, activity[customer_user.pk].store_visits) == (
        None,
        1,
    )


ORDER_BULK_CREATE = """
mutation($orders: [OrderBulkCreateInput!]!) {
  orderBulkCreate(orders: $orders, stockUpdatePolicy: SKIP) {
    count
    results { order { id } errors { path code message } }
  }
}
"""


def _imported_order(channel, customer, warehouse, variant, tax_class, address, *, fulfilled):
    warehouse_id = global_id(warehouse)
    line = {
        "variantId": global_id(variant),
        "createdAt": T0.isoformat(),
        "productName": "Product",
        "variantName": "Variant",
        "isShippingRequired": True,
        "isGiftCard": False,
        "quantity": 1,
        "totalPrice": {"gross": 10, "net": 10},
        "undiscountedTotalPrice": {"gross": 10, "net": 10},
        "warehouse": warehouse_id,
        "taxRate": 0,
        "taxClassId": global_id(tax_class),
    }
    fulfillments = [
        {
            "lines": [
                {
                    "variantId": global_id(variant),
                    "quantity": 1,
                    "warehouse": warehouse_id,
                    "orderLineIndex": 0,
                }
            ]
        }
    ]
    return {
        "channel": channel.slug,
        "createdAt": T0.isoformat(),
        "status": "FULFILLED" if fulfilled else "UNFULFILLED",
        "user": {"id": global_id(customer)},
        "billingAddress": address,
        "currency": channel.currency_code,
        "languageCode": "EN",
        "deliveryMethod": {"warehouseId": warehouse_id, "warehouseName": warehouse.name},
        "lines": [line],
        "fulfillments": fulfillments if fulfilled else [],
    }


def test_imported_click_and_collect_orders_are_picked_up_by_the_sweep(
    crm_usd,
    click_and_collect_store,
    product,
    customer_user,
    graphql_address_data,
    default_tax_class,
    store_staff,
    django_capture_on_commit_callbacks,
):
    # given: an import of two collection-point orders, one of them handed over
    downtown = click_and_collect_store("Downtown")
    orders = [
        _imported_order(
            crm_usd,
            customer_user,
            downtown,
            product.variants.first(),
            default_tax_class,
            graphql_address_data,
            fulfilled=fulfilled,
        )
        for fulfilled in (True, False)
    ]
    with freeze_time(T0), django_capture_on_commit_callbacks(execute=True):
        response = store_staff.post_graphql(ORDER_BULK_CREATE, {"orders": orders})
    data = get_graphql_content(response)["data"]["orderBulkCreate"]
    assert data["count"] == 2
    fulfilled = Order.objects.get(
        pk=graphene.Node.from_global_id(data["results"][0]["order"]["id"])[1]
    )
    assert fulfilled.collection_point_id == downtown.pk
    # Saleor announces the import to no per-channel plugin (no channel is loaded)
    assert _pickups() == []

    # when: the hourly sweep runs
    with freeze_time(T1):
        order_pickups_sweep_task.delay()

    # then: the fulfilled one was picked up when its fulfilment was imported (no events)
    assert _pickups() == [(fulfilled.pk, T0)]


def test_the_sweep_leaves_inactive_channels_and_old_orders_alone(
    crm_usd, click_and_collect_store, click_and_collect, user_api_client
):
    # given: a handed-over order whose event was missed, changed two days ago
    with freeze_time(T0):
        order = click_and_collect(user_api_client, click_and_collect_store("Downtown"))
    Fulfillment.objects.create(order=order, fulfillment_order=1)
    Order.objects.filter(pk=order.pk).update(updated_at=T0 - datetime.timedelta(days=2))

    # when
    swept = order_pickups_sweep(channel_ids=[crm_usd.pk], now=T1)
    configure_crm(crm_usd, active=False)
    Order.objects.filter(pk=order.pk).update(updated_at=T0)
    order_pickups_sweep_task.delay()

    # then
    assert swept == []
    assert _pickups() == []


def test_the_bulk_hook_records_the_orders_of_its_channel(
    crm_usd,
    click_and_collect_store,
    click_and_collect,
    user_api_client,
    django_capture_on_commit_callbacks,
):
    # given: a handed-over order, and a manager that loaded the channel's plugins
    with freeze_time(T0):
        order = click_and_collect(user_api_client, click_and_collect_store("Downtown"))
        Fulfillment.objects.create(order=order, fulfillment_order=1)
    manager = get_plugins_manager(allow_replica=False)
    manager.get_plugins(channel_slug=crm_usd.slug)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        manager.order_bulk_created([order])

    # then
    assert _pickups() == [(order.pk, T0)]
