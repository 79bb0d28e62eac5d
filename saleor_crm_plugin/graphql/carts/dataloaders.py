from saleor.graphql.core.dataloaders import DataLoader

from ...carts import selectors
from ...carts.models import CartRecoveryOffer, CartReminder


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


class LiveCartOfferByCheckoutLoader(DataLoader[selectors.CheckoutKey, CartRecoveryOffer | None]):
    """The live recovery offer a checkout may show, keyed by (token, user id, channel id)."""

    context_key = "crm_live_cart_offer_by_checkout"

    def batch_load(self, keys):
        found = selectors.live_offer_by_checkout(keys, using=self.database_connection_name)
        return [found.get(key) for key in keys]
