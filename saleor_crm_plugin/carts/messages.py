"""The content of a cart reminder: one JSON-ready payload for e-mails and apps.

The same dict goes to ``manager.notify("crm_cart_reminder", …)``: Saleor's
WebhookPlugin forwards it to apps subscribed to NOTIFY_USER (as ``payload`` next to
``notify_event``), and our plugin renders it into the channel's Handlebars templates
when it sends e-mail itself. Amounts are decimal strings (JSON has no decimals) in the
checkout's currency; Saleor's ``price`` helper formats them in templates.

Prices are those Saleor last calculated for the checkout (a storefront showing the
checkout recalculates them); the CRM never recalculates, since that writes to the
checkout. Lines without a calculated price fall back to the variant's listed price.
"""

from decimal import Decimal
from urllib.parse import quote

from django.db.models import Prefetch
from saleor.checkout.models import Checkout, CheckoutLine
from saleor.core.notification.utils import get_site_context
from saleor.core.prices import quantize_price
from saleor.product.models import ProductVariantChannelListing

from ..config import CartStage, ChannelConfig, load_channel_program
from ..consent.unsubscribe import unsubscribe_links_make
from .models import AbandonedCheckout, CartRecoveryOffer, CartReminder
from .offers import offer_description
from .restore import cart_restore_token_make

CART_REMINDER_EVENT = "crm_cart_reminder"

__all__ = ["CART_REMINDER_EVENT", "cart_message_payload", "offer_description", "offer_payload"]


def _amount(value, currency: str) -> str:
    return str(quantize_price(Decimal(value or 0), currency))


def _line_payload(line: CheckoutLine, currency: str) -> dict:
    variant = line.variant
    total_gross = line.total_price_gross_amount
    total_net = line.total_price_net_amount
    if not total_gross:
        listing = next(iter(variant.channel_listings.all()), None)
        unit = line.price_override or (listing.price_amount if listing else Decimal(0))
        total_gross = total_net = (unit or Decimal(0)) * line.quantity
    return {
        "id": str(line.pk),
        "product_name": variant.product.name,
        "variant_name": variant.name,
        "sku": variant.sku,
        "quantity": line.quantity,
        "unit_price_net_amount": _amount(total_net / line.quantity, currency),
        "unit_price_gross_amount": _amount(total_gross / line.quantity, currency),
        "total_net_amount": _amount(total_net, currency),
        "total_gross_amount": _amount(total_gross, currency),
    }


def checkout_lines_payload(*, checkout: Checkout) -> list[dict]:
    """The checkout's lines, oldest first: two queries whatever their number."""
    listings = ProductVariantChannelListing.objects.filter(channel_id=checkout.channel_id)
    lines = (
        CheckoutLine.objects.filter(checkout_id=checkout.pk)
        .select_related("variant__product")
        .prefetch_related(Prefetch("variant__channel_listings", queryset=listings))
        .order_by("created_at", "pk")
    )
    return [_line_payload(line, checkout.currency) for line in lines]


def offer_payload(offer: CartRecoveryOffer | None, currency: str) -> dict | None:
    if offer is None:
        return None
    return {
        "code": offer.code,
        "discount_type": offer.discount_type,
        "value": str(offer.value.normalize()),
        "scope": offer.scope,
        "ends_at": offer.ends_at.isoformat(),
        "description": offer_description(offer, currency),
    }


def cart_message_payload(
    *,
    abandoned: AbandonedCheckout,
    checkout: Checkout,
    stage: CartStage,
    offer: CartRecoveryOffer | None,
    config: ChannelConfig | None = None,
    reminder: CartReminder | None = None,
) -> dict:
    if config is None:
        config = load_channel_program(abandoned.channel_id).config
    currency = checkout.currency
    lines = checkout_lines_payload(checkout=checkout)
    subtotal = sum((Decimal(line["total_gross_amount"]) for line in lines), Decimal(0))
    total = checkout.total_gross_amount or subtotal
    user = checkout.user
    unsubscribe = unsubscribe_links_make(email=abandoned.email)
    url = config.carts.storefront_checkout_url.replace("{token}", str(checkout.token))
    restore_token = cart_restore_token_make(
        checkout_token=checkout.token, offer_id=offer.pk if offer else None
    )
    restore_url = f"{url}{'&' if '?' in url else '?'}crm={quote(restore_token, safe='')}"
    return {
        "event": CART_REMINDER_EVENT,
        "reminder_id": reminder.pk if reminder else None,
        "stage": stage.number,
        "kind": stage.kind,
        "is_last_stage": stage.number == len(config.carts.stages),
        "recipient_email": abandoned.email,
        "channel_slug": abandoned.channel.slug,
        "variant": abandoned.variant or None,
        "customer": {
            "user_id": user.pk if user else None,
            "email": abandoned.email,
            "first_name": user.first_name if user else "",
            "last_name": user.last_name if user else "",
        },
        "checkout": {
            "token": str(checkout.token),
            "url": url,
            # The signed link (``restore``): resumes the cart and shows its offer.
            "restore_token": restore_token,
            "restore_url": restore_url,
            "currency": currency,
            "lines": lines,
            "lines_count": len(lines),
            "quantity": sum(line["quantity"] for line in lines),
            "subtotal_gross_amount": _amount(subtotal, currency),
            "total_gross_amount": _amount(total, currency),
            "total_net_amount": _amount(checkout.total_net_amount or total, currency),
            "last_change": checkout.last_change.isoformat(),
        },
        "offer": offer_payload(offer, currency),
        # The recipient's signed pseudonym (``consent.unsubscribe``): the storefront's
        # page, and the one-click URL of the List-Unsubscribe header.
        "unsubscribe_token": unsubscribe.token,
        "unsubscribe_url": unsubscribe.page_url(config.carts.storefront_unsubscribe_url),
        "unsubscribe_one_click_url": unsubscribe.one_click_url,
        **get_site_context(),
    }
