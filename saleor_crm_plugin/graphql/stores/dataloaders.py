from decimal import Decimal

from saleor.graphql.core.dataloaders import DataLoader
from saleor.graphql.warehouse.dataloaders import WarehouseByIdLoader

from ...stores import selectors
from ...stores.models import StorePurchaseLink
from ...stores.selectors import NO_ACTIVITY, StoreActivity


class StorePurchaseLinksByPurchaseIdLoader(DataLoader[int, list[StorePurchaseLink]]):
    context_key = "crm_store_purchase_links_by_purchase_id"

    def batch_load(self, keys):
        found = selectors.links_by_purchase_id(keys, using=self.database_connection_name)
        return [found.get(key, []) for key in keys]


class StoreRefundedByPurchaseLoader(DataLoader[tuple[str, str], Decimal]):
    """What was refunded of a purchase, keyed by its (source, external id)."""

    context_key = "crm_store_refunded_by_purchase"

    def batch_load(self, keys):
        found = selectors.refunded_by_payment(keys, using=self.database_connection_name)
        return [found.get(key, Decimal(0)) for key in keys]


class StoreActivityByUserAndChannelIdLoader(DataLoader[tuple[int, int], StoreActivity]):
    """A customer's store activity in a channel; one query per channel asked."""

    context_key = "crm_store_activity_by_user_and_channel_id"

    def batch_load(self, keys):
        found: dict[tuple[int, int], StoreActivity] = {}
        for channel_id in sorted({channel_id for _user_id, channel_id in keys}):
            user_ids = [user_id for user_id, key_channel in keys if key_channel == channel_id]
            activities = selectors.store_activities(
                user_ids=user_ids, channel_id=channel_id, using=self.database_connection_name
            )
            found.update(
                {(user_id, channel_id): activity for user_id, activity in activities.items()}
            )
        return [found.get(key, NO_ACTIVITY) for key in keys]


def store_or_none(info, warehouse_id):
    """The store (Saleor's ``Warehouse``) through Saleor's loader; None for no id."""
    return None if warehouse_id is None else WarehouseByIdLoader(info.context).load(warehouse_id)
