"""Read-side queries of cart recovery for the API: never a write.

Each takes the database alias to read from (``using``) so resolvers read from Saleor's
replica; functions taking many keys answer in one query, for dataloaders.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import (
    AbandonedCheckout,
    CartRecoveryOffer,
    CartReminder,
    OfferStatus,
    ReminderStatus,
)
from .offers import offer_usable_in


def channel_abandoned_checkouts(*, channel_slug: str, using: str) -> QuerySet[AbandonedCheckout]:
    """The channel's abandoned checkouts with their count of sent reminders."""
    return (
        AbandonedCheckout.objects.using(using)
        .filter(channel__slug=channel_slug)
        .annotate(
            reminders_sent=Count("reminders", filter=Q(reminders__status=ReminderStatus.SENT))
        )
    )


def abandoned_checkout_by_order_id(
    order_ids: Iterable[uuid.UUID], *, using: str
) -> dict[uuid.UUID, AbandonedCheckout]:
    """The abandoned checkout each order completed (``attribution``), in one query."""
    checkouts = AbandonedCheckout.objects.using(using).filter(order_id__in=list(order_ids))
    checkouts = checkouts.annotate(
        reminders_sent=Count("reminders", filter=Q(reminders__status=ReminderStatus.SENT))
    )
    return {checkout.order_id: checkout for checkout in checkouts}


def order_offer_by_abandoned_id(
    keys: Iterable[tuple[int, uuid.UUID]], *, using: str
) -> dict[tuple[int, uuid.UUID], CartRecoveryOffer]:
    """For each (abandoned checkout id, id of the order that completed it): the offer
    whose code the order used (possibly made for another of the shopper's checkouts),
    else the latest offer made for that checkout; in one query."""
    keys = list(keys)
    abandoned_ids = [abandoned_id for abandoned_id, _order_id in keys]
    order_ids = [order_id for _abandoned_id, order_id in keys]
    latest: dict[int, CartRecoveryOffer] = {}
    used: dict[uuid.UUID, CartRecoveryOffer] = {}
    for offer in (
        CartRecoveryOffer.objects.using(using)
        .filter(Q(abandoned_id__in=abandoned_ids) | Q(used_order_id__in=order_ids))
        .order_by("created_at", "pk")
    ):
        latest[offer.abandoned_id] = offer
        if offer.used_order_id is not None:
            used[offer.used_order_id] = offer
    found = {key: used.get(key[1]) or latest.get(key[0]) for key in keys}
    return {key: offer for key, offer in found.items() if offer is not None}


def abandoned_with_email(
    checkouts: QuerySet[AbandonedCheckout], text: str
) -> QuerySet[AbandonedCheckout]:
    return checkouts.filter(email__icontains=text.strip())


def abandoned_with_min_total(
    checkouts: QuerySet[AbandonedCheckout], amount: Decimal
) -> QuerySet[AbandonedCheckout]:
    return checkouts.filter(total_gross_amount__gte=amount)


def reminders_by_abandoned_id(
    abandoned_ids: Iterable[int], *, using: str
) -> dict[int, list[CartReminder]]:
    found: dict[int, list[CartReminder]] = defaultdict(list)
    for reminder in (
        CartReminder.objects.using(using)
        .filter(abandoned_id__in=list(abandoned_ids))
        .order_by("round", "stage")
    ):
        found[reminder.abandoned_id].append(reminder)
    return found


def latest_offer_by_abandoned_id(
    abandoned_ids: Iterable[int], *, using: str
) -> dict[int, CartRecoveryOffer]:
    found: dict[int, CartRecoveryOffer] = {}
    for offer in (
        CartRecoveryOffer.objects.using(using)
        .filter(abandoned_id__in=list(abandoned_ids))
        .order_by("created_at", "pk")
    ):
        found[offer.abandoned_id] = offer
    return found


# A checkout as offers see it: (token, customer's user id or None, channel id).
CheckoutKey = tuple[uuid.UUID, int | None, int]


def live_offer_by_checkout(
    keys: Iterable[CheckoutKey], *, using: str
) -> dict[CheckoutKey, CartRecoveryOffer]:
    """The live offer (within its end date) each checkout may show and use, in one query.

    An offer issued for that checkout, else the newest one issued for another checkout
    of the same customer; in the checkout's channel (``offers.offer_usable_in``).
    """
    keys = list(keys)
    tokens = {token for token, _user_id, _channel_id in keys}
    user_ids = {user_id for _token, user_id, _channel_id in keys if user_id is not None}
    candidates = list(
        CartRecoveryOffer.objects.using(using)
        .filter(status=OfferStatus.LIVE, ends_at__gt=timezone.now())
        .filter(Q(abandoned__token__in=tokens) | Q(abandoned__user_id__in=user_ids))
        .select_related("abandoned")
        .order_by("-created_at", "-pk")
    )
    found = {}
    for key in keys:
        token, user_id, channel_id = key
        usable = [
            offer
            for offer in candidates
            if offer.abandoned.channel_id == channel_id
            and offer_usable_in(offer, checkout_token=token, user_id=user_id)
        ]
        usable.sort(key=lambda offer: str(offer.abandoned.token) != str(token))
        if usable:
            found[key] = usable[0]
    return found
