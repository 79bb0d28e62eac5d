"""The content of a journey message: one JSON-ready payload for e-mails and apps.

The same dict goes to ``manager.notify("crm_journey_message", …)``: Saleor's
WebhookPlugin forwards it to apps subscribed to NOTIFY_USER, and our plugin renders it
into the stage's Handlebars templates when it sends e-mail itself. Its shape is
``config.SAMPLE_JOURNEY_PAYLOAD`` (templates are checked against it; a test keeps the
two equal). ``order`` is the order behind the trigger (post-purchase: the fulfilled
one; win-back: the last one), else null; ``loyalty`` is the customer's account in the
channel, with the points that expire first.
"""

from django.db.models import Sum
from saleor.core.notification.utils import get_site_context
from saleor.core.prices import quantize_price
from saleor.order.models import Order

from ..config import load_channel_program
from ..consent.unsubscribe import unsubscribe_links_make
from ..loyalty.models import EntryStatus, LoyaltyAccount, LoyaltyEntry
from ..loyalty.selectors import earliest_expiry_by_account_id
from .definition import JourneyStage
from .models import JourneyEnrollment, JourneyMessage

JOURNEY_MESSAGE_EVENT = "crm_journey_message"
# Trigger keys naming an order: ``order:<id>`` (post-purchase), ``lapse:<id>`` (win-back).
ORDER_KEYS = ("order:", "lapse:")


def _order_payload(enrollment: JourneyEnrollment) -> dict | None:
    prefix, _, order_id = enrollment.trigger_key.partition(":")
    if f"{prefix}:" not in ORDER_KEYS:
        return None
    order = (
        Order.objects.filter(pk=order_id).only("number", "total_gross_amount", "currency").first()
    )
    if order is None:
        return None
    return {
        "number": str(order.number),
        "total_gross_amount": str(quantize_price(order.total_gross_amount, order.currency)),
        "currency": order.currency,
    }


def _loyalty_payload(enrollment: JourneyEnrollment) -> dict | None:
    if enrollment.user_id is None:
        return None
    account = LoyaltyAccount.objects.filter(
        user_id=enrollment.user_id, channel_id=enrollment.journey.channel_id
    ).first()
    if account is None:
        return None
    first = earliest_expiry_by_account_id([account.pk], using="default").get(account.pk)
    expiring = (
        LoyaltyEntry.objects.filter(
            account=account,
            status=EntryStatus.AVAILABLE,
            remaining__gt=0,
            expires_at__date=first.date(),
        ).aggregate(points=Sum("remaining"))["points"]
        if first
        else 0
    )
    return {
        "balance": account.balance,
        "tier": account.tier_name,
        "expiring_points": expiring or 0,
        "expiring_at": first.isoformat() if first else None,
    }


def journey_message_payload(
    *,
    enrollment: JourneyEnrollment,
    stage: JourneyStage,
    message: JourneyMessage | None,
    offer: dict | None,
    stages_count: int,
) -> dict:
    journey = enrollment.journey
    config = load_channel_program(journey.channel_id).config
    user = enrollment.user
    unsubscribe = unsubscribe_links_make(email=enrollment.email)
    return {
        "event": JOURNEY_MESSAGE_EVENT,
        "message_id": message.pk if message else None,
        "journey": {"id": journey.pk, "name": journey.name, "kind": journey.kind},
        "stage": stage.number,
        "is_last_stage": stage.number == stages_count,
        "recipient_email": enrollment.email,
        "channel_slug": journey.channel.slug,
        "customer": {
            "user_id": user.pk if user else None,
            "email": enrollment.email,
            "first_name": user.first_name if user else "",
            "last_name": user.last_name if user else "",
        },
        "loyalty": _loyalty_payload(enrollment),
        "order": _order_payload(enrollment),
        "offer": offer,
        # The recipient's signed pseudonym (``consent.unsubscribe``), never the e-mail.
        "unsubscribe_token": unsubscribe.token,
        # The storefront's page if the shop has one, else the plugin's own (it asks first).
        "unsubscribe_url": unsubscribe.page_url(config.carts.storefront_unsubscribe_url)
        if config.carts.storefront_unsubscribe_url
        else unsubscribe.one_click_url,
        "unsubscribe_one_click_url": unsubscribe.one_click_url,
        **get_site_context(),
    }
