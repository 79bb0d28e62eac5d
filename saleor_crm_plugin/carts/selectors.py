"""Read-side queries of cart recovery for the API: never a write.

Each takes the database alias to read from (``using``) so resolvers read from Saleor's
replica; functions taking many keys answer in one query, for dataloaders.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ..consent.actions import normalize_email
from .models import (
    AbandonedCheckout,
    CartRecoveryOffer,
    CartReminder,
    OfferStatus,
    ReminderStatus,
)


def channel_abandoned_checkouts(*, channel_slug: str, using: str) -> QuerySet[AbandonedCheckout]:
    """The channel's abandoned checkouts with their count of sent reminders."""
    return (
        AbandonedCheckout.objects.using(using)
        .filter(channel__slug=channel_slug)
        .annotate(
            reminders_sent=Count("reminders", filter=Q(reminders__status=ReminderStatus.SENT))
        )
    )


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
        .order_by("stage")
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


def live_offer_by_email(emails: Iterable[str], *, using: str) -> dict[str, CartRecoveryOffer]:
    """Each shopper's live offer still within its end date, with its channel."""
    normalised = {normalize_email(email) for email in emails if email}
    return {
        offer.email: offer
        for offer in CartRecoveryOffer.objects.using(using)
        .filter(email__in=normalised, status=OfferStatus.LIVE, ends_at__gt=timezone.now())
        .select_related("abandoned")
    }
