"""Read-side queries of cart recovery for the API: never a write.

Each takes the database alias to read from (``using``) so resolvers read from Saleor's
replica; functions taking many keys answer in one query, for dataloaders.
"""

import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from ..kept_sql import STAND_IN_MOMENT, KeptStatement, keep, stand_in_ids, stand_in_uuids
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
    of the same customer; in the checkout's channel (``offers.offer_usable_in``). Every
    storefront query of ``Checkout.crmOffers`` asks, and most find none: the statement
    is built once per database and shape (``kept_sql``).
    """
    keys = list(keys)
    tokens = sorted({token for token, _user_id, _channel_id in keys}, key=str)
    user_ids = sorted({user_id for _token, user_id, _channel_id in keys if user_id is not None})
    statement = _live_offers_statement(using, len(tokens), len(user_ids))
    candidates = [
        _offer_with_abandoned(row, using)
        for row in statement.rows(using, tokens=tokens, user_ids=user_ids, now=timezone.now())
    ]
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


_OFFER_COLUMNS = [field.attname for field in CartRecoveryOffer._meta.concrete_fields]
_ABANDONED_COLUMNS = [field.attname for field in AbandonedCheckout._meta.concrete_fields]


@functools.lru_cache(maxsize=64)
def _live_offers_statement(using: str, tokens: int, user_ids: int) -> KeptStatement:
    stand_ins = {
        "tokens": stand_in_uuids(tokens),
        "user_ids": stand_in_ids(user_ids),
        "now": STAND_IN_MOMENT,
    }
    queryset = (
        CartRecoveryOffer.objects.using(using)
        .filter(status=OfferStatus.LIVE, ends_at__gt=stand_ins["now"])
        .filter(
            Q(abandoned__token__in=stand_ins["tokens"])
            | Q(abandoned__user_id__in=stand_ins["user_ids"])
        )
        .order_by("-created_at", "-pk")
        .values(
            *_OFFER_COLUMNS,
            **{f"of_abandoned_{name}": F(f"abandoned__{name}") for name in _ABANDONED_COLUMNS},
        )
    )
    return keep(queryset, using=using, stand_ins=stand_ins)


def _offer_with_abandoned(row: dict, using: str) -> CartRecoveryOffer:
    offer = CartRecoveryOffer.from_db(using, _OFFER_COLUMNS, [row[name] for name in _OFFER_COLUMNS])
    offer.abandoned = AbandonedCheckout.from_db(
        using, _ABANDONED_COLUMNS, [row[f"of_abandoned_{name}"] for name in _ABANDONED_COLUMNS]
    )
    return offer
