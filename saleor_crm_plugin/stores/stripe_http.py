"""The Stripe webhook endpoint over HTTP: the request in, one domain call, the answer out.

The endpoint is ``/plugins/channel/<channel slug>/saleor.crm/stripe/webhook``: Saleor's
per-channel plugin URL, so the channel comes from the path and the plugin answering is
that channel's (``CRMPlugin.webhook`` calls this only while it is active). Saleor's
channel-less ``/plugins/saleor.crm/…`` reaches some channel's plugin, not a chosen one:
the endpoint is not found there.

POST only. An event that does not verify (no secret configured, no or a wrong
``Stripe-Signature``, a timestamp over five minutes old, a body that is not JSON) is
answered 400 with the same sentence whatever failed; why is logged, never the header or
a secret. A verified event is answered 200 with ``{"received", "outcome", "detail"}``
(Stripe's Dashboard shows it), ignored ones too: another status would only have Stripe
retry an event that will never be recorded. An unexpected error is left to Saleor's
view (500): nothing was written and Stripe retries.
"""

import logging

from django.core.exceptions import ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseNotFound,
    JsonResponse,
)
from saleor.channel.models import Channel

from ..config import parse_configuration
from .stripe_webhooks import StripeEventRejected, stripe_event_handle

logger = logging.getLogger(__name__)

STRIPE_WEBHOOK_PATH = "/stripe/webhook"
NOT_VERIFIED = "The event could not be verified."


def _url_channel_slug(request: HttpRequest) -> str | None:
    match = request.resolver_match
    return match.kwargs.get("channel_slug") if match else None


def stripe_webhook_response(
    request: HttpRequest, path: str | None, *, channel: Channel | None, configuration: list
) -> HttpResponse | None:
    """The answer to a plugin path ``/stripe/webhook``; None for any other path."""
    if (path or "").rstrip("/") != STRIPE_WEBHOOK_PATH:
        return None
    if channel is None or _url_channel_slug(request) != channel.slug:
        return HttpResponseNotFound(
            "Use /plugins/channel/<channel slug>/saleor.crm/stripe/webhook.",
            content_type="text/plain; charset=utf-8",
        )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        stores = parse_configuration(configuration).stores
        result = stripe_event_handle(
            payload=request.body,
            signature_header=request.headers.get("Stripe-Signature", ""),
            channel_id=channel.pk,
            config=stores,
        )
    except ValidationError:
        logger.warning(
            "saleor-crm: Stripe event refused: channel %s is misconfigured", channel.slug
        )
        return JsonResponse({"error": NOT_VERIFIED}, status=400)
    except StripeEventRejected as error:
        logger.warning("saleor-crm: Stripe event refused in channel %s: %s", channel.slug, error)
        return JsonResponse({"error": NOT_VERIFIED}, status=400)
    return JsonResponse(
        {"received": True, "outcome": result.outcome, "detail": result.detail}, status=200
    )
