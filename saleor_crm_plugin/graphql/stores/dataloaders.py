from decimal import Decimal

from saleor.graphql.core.dataloaders import DataLoader

from ...stores import selectors
from ...stores.models import StorePurchaseLink


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
