"""Saleor's entry to the CRM: a thin adapter from plugin hooks to domain tasks.

Saleor runs these hooks after commit, in the request thread, without catching
exceptions (docs/architecture.md, "The layers"). So each hook checks ``self.active``, schedules one Celery
task with ids on commit, never raises, and returns ``previous_value`` untouched. The
work itself (and its idempotency) lives in the domain packages. The one exception is
``preprocess_order_creation``: synchronous, before the order exists, it refuses an order
by raising Saleor's ``ValidationError`` (a cart-recovery code used in another checkout, a
points card paying a checkout it was not issued for or beyond the cap).
``notify`` sends the CRM's own e-mails in place (cart reminders, journey messages,
receipt-claim codes):
only the CRM's Celery tasks emit those events. ``webhook`` answers HTTP: Stripe
Terminal's signed events (one call into ``stores.stripe_http``), the one-click
unsubscribe of marketing e-mail (``consent.unsubscribe_http``) and the dashboard files.
"""

import logging

from celery import chain
from django.core.exceptions import ValidationError
from django.utils import timezone
from saleor.checkout.error_codes import CheckoutErrorCode
from saleor.plugins.base_plugin import BasePlugin

from . import config
from .carts.email import cart_reminder_email_send
from .carts.exceptions import CartRecoveryError
from .carts.messages import CART_REMINDER_EVENT
from .carts.offers import recovery_offer_check_order
from .carts.tasks import cart_order_created_task
from .consent.unsubscribe_http import unsubscribe_response
from .dashboard.assets import dashboard_response
from .enqueue import enqueue_after_commit
from .journeys.email import journey_email_send
from .journeys.messages import JOURNEY_MESSAGE_EVENT
from .loyalty.accounts import program_start_record
from .loyalty.exceptions import LoyaltyError
from .loyalty.completion import checkout_points_check_completion
from .loyalty.tasks import (
    award_signup_bonus_task,
    sync_order_points_task,
)
from .segments.tasks import customer_segments_refresh_task
from .stores.claim_email import STORE_CLAIM_CODE_EVENT, store_claim_code_email_send
from .stores.stripe_http import stripe_webhook_response
from .stores.tasks import order_pickups_record_task
from .stores.visits import is_click_and_collect

logger = logging.getLogger(__name__)


def _enqueue(task, *args, key=None) -> None:
    """Schedule ``task`` after the current transaction commits; never raise."""
    try:
        enqueue_after_commit(task, *args, key=key)
    except Exception:  # a hook must never break Saleor's request
        logger.exception("saleor-crm: could not schedule %s%r", task.name, args)


class CRMPlugin(BasePlugin):
    PLUGIN_ID = config.PLUGIN_ID
    PLUGIN_NAME = "CRM: loyalty, segments, cart recovery"
    PLUGIN_DESCRIPTION = (
        "Loyalty points and tiers, customer segments and abandoned-cart recovery. "
        "Each channel is its own programme: configure and activate it per channel. "
        "Tiers, rates and reminder stages are easier to edit on the CRM settings page "
        "(Customers → CRM → Programme settings), which checks them as you type; every "
        "field here is checked on save, and each error names its field."
    )
    CONFIGURATION_PER_CHANNEL = True
    DEFAULT_ACTIVE = False
    DEFAULT_CONFIGURATION = config.DEFAULT_CONFIGURATION
    CONFIG_STRUCTURE = config.CONFIG_STRUCTURE

    @classmethod
    def validate_plugin_configuration(cls, plugin_configuration, **kwargs):
        # Raises one ValidationError with every field's problems (PluginErrorCode codes,
        # each message naming the field's label: the Dashboard shows only messages);
        # Saleor's pluginUpdate returns them all as `errors { field code message }` and
        # saves nothing. Templates are rendered with sample data here, not only compiled.
        config.validate_configuration(plugin_configuration.configuration)

    @classmethod
    def pre_save_plugin_configuration(cls, plugin_configuration):
        # The programme's start in a channel: customers who join later get the sign-up
        # bonus, customers from before do not (a backfill records the same start).
        if plugin_configuration.active and plugin_configuration.channel_id:
            program_start_record(channel_id=plugin_configuration.channel_id)

    # Orders: every event reconciles the order's points with its state (paid, refunded,
    # cancelled); the task is idempotent, so replays and duplicates change nothing.
    # Saleor fires several events for one change (a paid checkout: created, paid, fully
    # paid, perhaps confirmed): they share one key, so the first schedules the sync and
    # the others add nothing in the same transaction (enqueue.py).
    def _sync_order(self, order, previous_value, event: str = "changed"):
        if not self.active:
            return previous_value
        key = ("order sync", str(order.pk))
        if not order.user_id:
            _enqueue(sync_order_points_task, str(order.pk), key=key)
            return previous_value
        # Segments: re-evaluate only this customer (spend, counts, dates moved), after
        # the loyalty sync, so that a tier the order moved is read current.
        reason = f"order #{order.number} {event}"
        _enqueue(
            chain(
                sync_order_points_task.si(str(order.pk)),
                customer_segments_refresh_task.si(order.user_id, reason),
            ),
            key=key,
        )
        return previous_value

    def _refresh_customer(self, customer, previous_value, event: str):
        if self.active:
            _enqueue(customer_segments_refresh_task, customer.pk, f"customer {event}")
        return previous_value

    def order_created(self, order, previous_value, webhooks=None):
        # Points applied at checkout are spent once the order exists (the gift card
        # it used says how many); the unused rest is released.
        if self.active:
            self._sync_order(order, previous_value, "placed")
            # Cart recovery: settle the shopper's offers, attribute the order to carts.
            _enqueue(cart_order_created_task, str(order.pk))
        return previous_value

    def preprocess_order_creation(self, checkout_info, lines, previous_value):
        # Synchronous, before the order exists: the one hook that may refuse it. A CRM
        # recovery code used in a checkout it was not issued for (neither that checkout
        # nor its signed-in owner's), or no longer live, stops the order with
        # Saleor's own checkout error code, so checkoutComplete reports
        # `voucher_code: VOUCHER_NOT_APPLICABLE` and nothing is consumed.
        if not self.active:
            return previous_value
        try:
            recovery_offer_check_order(checkout_info=checkout_info, now=timezone.now())
        except CartRecoveryError as error:
            raise ValidationError(
                {
                    error.field: ValidationError(
                        error.message, code=CheckoutErrorCode.VOUCHER_NOT_APPLICABLE.value
                    )
                }
            ) from error
        # A points card paying a checkout it was not issued for, or beyond the
        # channel's redemption cap: `gift_cards: GIFT_CARD_NOT_APPLICABLE`.
        try:
            checkout_points_check_completion(checkout=checkout_info.checkout, now=timezone.now())
        except LoyaltyError as error:
            raise ValidationError(
                {
                    error.field: ValidationError(
                        error.message, code=CheckoutErrorCode.GIFT_CARD_NOT_APPLICABLE.value
                    )
                }
            ) from error
        return previous_value

    def order_confirmed(self, order, previous_value, webhooks=None):
        # An unconfirmed order paid before its confirmation earns when confirmed.
        return self._sync_order(order, previous_value, "confirmed")

    def order_fully_paid(self, order, previous_value, webhooks=None):
        return self._sync_order(order, previous_value, "paid")

    def order_paid(self, order, previous_value, webhooks=None):
        return self._sync_order(order, previous_value, "paid")

    def order_refunded(self, order, previous_value, webhooks=None):
        return self._sync_order(order, previous_value, "refunded")

    def order_fully_refunded(self, order, previous_value, webhooks=None):
        return self._sync_order(order, previous_value, "refunded")

    def order_updated(self, order, previous_value, webhooks=None):
        # Staff edited the order (orderLineDelete, orderLineUpdate, ... on an
        # unconfirmed order fire only this): its points follow what it now sells.
        return self._sync_order(order, previous_value, "updated")

    def order_cancelled(self, order, previous_value, webhooks=None):
        return self._sync_order(order, previous_value, "cancelled")

    def order_expired(self, order, previous_value, webhooks=None):
        return self._sync_order(order, previous_value, "expired")

    # Click & collect: the first hand-over of a collection-point order is its pickup
    # (stores/pickup.py reads the order's state, so any of these events, or a replay,
    # records it once); then the customers' segments re-read their orders.
    def _record_pickups(self, orders, previous_value, event: str):
        if not self.active:
            return previous_value
        if self.channel is not None:  # bulk creation passes every channel's orders
            orders = [order for order in orders if order.channel_id == self.channel.pk]
        if not orders:
            return previous_value
        refreshes = [
            customer_segments_refresh_task.si(user_id, reason)
            for user_id, reason in {
                order.user_id: f"order #{order.number} {event}" for order in orders if order.user_id
            }.items()
        ]
        # Shipped orders have no pickup: only collection-point orders wake the task.
        collected = [str(order.pk) for order in orders if is_click_and_collect(order)]
        pickups = [order_pickups_record_task.si(collected)] if collected else []
        if pickups or refreshes:
            _enqueue(chain(*pickups, *refreshes))
        return previous_value

    def fulfillment_approved(
        self,
        fulfillment,
        notify_customer=True,
        calculate_stocks_with_shipping_zones=True,
        previous_value=None,
    ):
        return self._record_pickups([fulfillment.order], previous_value, "fulfilment approved")

    def order_fulfilled(self, order, previous_value, webhooks=None):
        return self._record_pickups([order], previous_value, "fulfilled")

    def order_bulk_created(self, orders, previous_value):
        return self._record_pickups(orders, previous_value, "imported")

    def notify(self, event, payload_func, previous_value):
        # Only the cart-recovery sweep (a Celery task, never a request) emits this
        # event; we send the e-mail there and then so an SMTP error marks the reminder
        # failed. Without an SMTP host, apps subscribed to NOTIFY_USER send it.
        if self.active and event == CART_REMINDER_EVENT:
            cart_reminder_email_send(payload=payload_func(), configuration=self.configuration)
        # The same for a journey's message, from the journeys' sweep.
        if self.active and event == JOURNEY_MESSAGE_EVENT:
            journey_email_send(payload=payload_func(), configuration=self.configuration)
        # The same for a receipt claim's code, from the task that draws it.
        if self.active and event == STORE_CLAIM_CODE_EVENT:
            store_claim_code_email_send(payload=payload_func(), configuration=self.configuration)
        return previous_value

    def customer_created(self, customer, previous_value):
        if self.active and self.channel is not None:
            _enqueue(award_signup_bonus_task, customer.pk, self.channel.pk)
        return self._refresh_customer(customer, previous_value, "created")

    def customer_updated(self, customer, previous_value, webhooks=None):
        return self._refresh_customer(customer, previous_value, "updated")

    def customer_deleted(self, customer, previous_value, webhooks=None):
        # Memberships went with the customer; the refresh recounts the segments.
        return self._refresh_customer(customer, previous_value, "deleted")

    def webhook(self, request, path, previous_value):
        # Stripe Terminal's signed events for this channel's stores (POST
        # /plugins/channel/<slug>/saleor.crm/stripe/webhook), only while active here.
        if self.active:
            response = stripe_webhook_response(
                request, path, channel=self.channel, configuration=self.configuration
            )
            if response is not None:
                return response
        # One-click unsubscribe (/plugins/saleor.crm/unsubscribe, RFC 8058): consent
        # belongs to the e-mail, so served whether or not a programme is active (a link
        # must keep working after a programme is switched off).
        # The dashboard extension (manifest and built files) under /plugins/saleor.crm/
        # dashboard/: the same for every channel, served whether or not a channel's
        # programme is active, since the App is installed once for the whole shop.
        return (
            unsubscribe_response(request, path)
            or dashboard_response(request, path)
            or previous_value
        )
