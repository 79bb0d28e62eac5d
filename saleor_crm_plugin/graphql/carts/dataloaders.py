import uuid

from saleor.graphql.core.dataloaders import DataLoader

from ...carts import selectors
from ...carts.models import AbandonedCheckout, CartRecoveryOffer, CartReminder


class CartRemindersByAbandonedIdLoader(DataLoader[int, list[CartReminder]]):
    context_key = "crm_cart_reminders_by_abandoned_id"

    def batch_load(self, keys):
        found = selectors.reminders_by_abandoned_id(keys, using=self.database_connection_name)
        return [found.get(key, []) for key in keys]


class LatestCartOfferByAbandonedIdLoader(DataLoader[int, CartRecoveryOffer | None]):
    context_key = "crm_latest_cart_offer_by_abandoned_id"

    def batch_load(self, keys):
        found = selectors.latest_offer_by_abandoned_id(keys, using=self.database_connection_name)
        return [found.get(key) for key in keys]


class AbandonedCheckoutByOrderIdLoader(DataLoader[uuid.UUID, AbandonedCheckout | None]):
    """The abandoned checkout an order completed, with its count of sent reminders."""

    context_key = "crm_abandoned_checkout_by_order_id"

    def batch_load(self, keys):
        found = selectors.abandoned_checkout_by_order_id(keys, using=self.database_connection_name)
        return [found.get(key) for key in keys]


class OrderCartOfferByAbandonedIdLoader(
    DataLoader[tuple[int, uuid.UUID], CartRecoveryOffer | None]
):
    """Keyed by (abandoned checkout id, order id): the offer the order used, else the
    checkout's latest."""

    context_key = "crm_order_cart_offer_by_abandoned_id"

    def batch_load(self, keys):
        found = selectors.order_offer_by_abandoned_id(keys, using=self.database_connection_name)
        return [found.get(key) for key in keys]
