"""``storeReport``: each store's figures in a channel over a period, for staff.

MANAGE_ORDERS, as ``storePurchases`` and Saleor's orders: the figures are sales and
orders per store, with customers only counted, never named. The figures come from
``stores.reports``.
"""

import graphene
from prices import Money as Price
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import get_database_connection_name
from saleor.graphql.core.fields import PermissionsField
from saleor.graphql.core.scalars import DateTime
from saleor.graphql.core.types import BaseObjectType, DateTimeRangeInput, Money, NonNullList
from saleor.graphql.warehouse.types import Warehouse
from saleor.permission.enums import OrderPermissions

from ...stores import reports
from ..utils import channel_or_none, check_channel_access, report_period
from .dataloaders import store_or_none
from .enums import DOC_CATEGORY_STORES


class StoreReportRow(BaseObjectType):
    store = graphene.Field(Warehouse, description="The store; null once it was deleted.")
    name = graphene.String(
        required=True, description="The store's name (as its records kept it, once deleted)."
    )
    purchases = graphene.Int(
        required=True, description="In-store purchases in the period, not fully refunded."
    )
    purchase_revenue = graphene.Field(
        Money, required=True, description="What those purchases came to, less refunds."
    )
    linked_purchases = graphene.Int(
        required=True, description="Purchases linked to a customer's account."
    )
    linked_share = graphene.Float(
        description="Linked purchases / purchases, 0 to 1; null without purchases."
    )
    click_and_collect_orders = graphene.Int(
        required=True,
        description="Orders placed in the period to collect there (not cancelled, paid).",
    )
    click_and_collect_revenue = graphene.Field(
        Money, required=True, description="What those orders were charged, less refunds."
    )
    picked_up = graphene.Int(
        required=True, description="How many of those orders were picked up so far."
    )
    customers = graphene.Int(
        required=True, description="Distinct customers among linked purchases and orders."
    )

    class Meta:
        description = "One store's figures in a channel over a period."
        doc_category = DOC_CATEGORY_STORES

    @staticmethod
    def resolve_store(root: "StoreReportRow", info: ResolveInfo):
        # The row is built with the warehouse's id (``_row``); Saleor's loader reads it.
        return store_or_none(info, root.store)


class StoreReport(BaseObjectType):
    currency = graphene.String(required=True, description="The channel's currency.")
    since = DateTime(required=True, description="Start of the period.")
    until = DateTime(required=True, description="End of the period.")
    stores = NonNullList(
        StoreReportRow,
        required=True,
        description="Every click & collect store of the channel and every store with "
        "activity in the period, by name.",
    )

    class Meta:
        description = "The stores of a channel over a period: till sales and click & collect."
        doc_category = DOC_CATEGORY_STORES


def _row(figures: reports.StoreFigures, currency: str) -> StoreReportRow:
    return StoreReportRow(
        store=figures.warehouse_id,
        name=figures.name,
        purchases=figures.purchases,
        purchase_revenue=Price(figures.purchase_revenue, currency),
        linked_purchases=figures.linked_purchases,
        linked_share=figures.linked_share,
        click_and_collect_orders=figures.collect_orders,
        click_and_collect_revenue=Price(figures.collect_revenue, currency),
        picked_up=figures.picked_up,
        customers=figures.customers,
    )


class StoreReportQueries(graphene.ObjectType):
    store_report = PermissionsField(
        StoreReport,
        channel=graphene.Argument(
            graphene.String, required=True, description="Slug of the channel."
        ),
        period=graphene.Argument(
            DateTimeRangeInput, description="Default: the last twelve months up to now."
        ),
        description="Per store: in-store purchases, their revenue and the share linked to "
        "accounts; click & collect orders, their revenue and pickups; distinct customers. "
        "Null for an unknown channel.",
        permissions=[OrderPermissions.MANAGE_ORDERS],
        doc_category=DOC_CATEGORY_STORES,
    )

    @staticmethod
    def resolve_store_report(_root, info: ResolveInfo, *, channel: str, period=None):
        check_channel_access(info, channel)
        database = get_database_connection_name(info.context)
        channel_obj = channel_or_none(channel, using=database)
        if channel_obj is None:
            return None
        since, until = report_period(period)
        figures = reports.store_report(
            channel_id=channel_obj.pk, since=since, until=until, using=database
        )
        currency = channel_obj.currency_code
        return StoreReport(
            currency=currency,
            since=since,
            until=until,
            stores=[_row(row, currency) for row in figures],
        )
