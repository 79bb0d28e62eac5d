"""Read-side queries of cart recovery for the API: never a write.

Each takes the database alias to read from (``using``) so resolvers read from Saleor's
replica; functions taking many keys answer in one query, for dataloaders.
"""

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, OuterRef, Q, QuerySet
from django.db.models.functions import JSONObject

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


def live_offer_annotations(now) -> dict:
    """The annotation of a query on Saleor's checkouts reading the live offers (within
    their end date) each checkout may show: issued for that checkout, or for another
    checkout of its customer, in its channel; newest first, each with its abandoned
    checkout, as JSON. ``live_offer_of`` decodes the annotated row and picks one.

    It is a part of the storefront's one checkout statement (``Checkout.crmOffers``):
    every such query asks, and most find none.
    """
    abandoned = JSONObject(**{name: f"abandoned__{name}" for name in _ABANDONED_COLUMNS})
    offers = (
        CartRecoveryOffer.objects.filter(
            status=OfferStatus.LIVE, ends_at__gt=now, abandoned__channel_id=OuterRef("channel_id")
        )
        .filter(Q(abandoned__token=OuterRef("token")) | Q(abandoned__user_id=OuterRef("user_id")))
        .order_by("-created_at", "-pk")
        .values(json=JSONObject(**{name: name for name in _OFFER_COLUMNS}, abandoned=abandoned))
    )
    return {"crm_live_offers": ArraySubquery(offers)}


def live_offer_of(row: dict) -> CartRecoveryOffer | None:
    """The offer the checkout of ``row`` (its ``token``, ``user_id`` and the annotation
    of ``live_offer_annotations``) shows: one issued for it, else the newest one issued
    for another checkout of the same customer (``offers.offer_usable_in``)."""
    candidates = [_offer_from_json(found) for found in row["crm_live_offers"] or ()]
    usable = [
        offer
        for offer in candidates
        if offer_usable_in(offer, checkout_token=row["token"], user_id=row["user_id"])
    ]
    usable.sort(key=lambda offer: str(offer.abandoned.token) != str(row["token"]))
    return usable[0] if usable else None


_OFFER_COLUMNS = [field.attname for field in CartRecoveryOffer._meta.concrete_fields]
_ABANDONED_COLUMNS = [field.attname for field in AbandonedCheckout._meta.concrete_fields]


def _offer_from_json(found: str | dict) -> CartRecoveryOffer:
    """An offer with its abandoned checkout from the JSON object the database built
    (text, as the driver reads it; amounts as ``Decimal``)."""
    if isinstance(found, str):
        found = json.loads(found, parse_float=Decimal)
    offer = _model_from_json(CartRecoveryOffer, found)
    offer.abandoned = _model_from_json(AbandonedCheckout, found["abandoned"])
    return offer


def _model_from_json(model, found: dict):
    """A model instance of the columns in ``found`` (JSON values: text for dates and
    UUIDs), each turned into its field's Python value as a form or a fixture would."""
    fields = model._meta.concrete_fields
    values = [
        None if found[field.attname] is None else field.to_python(found[field.attname])
        for field in fields
    ]
    return model.from_db(None, [field.attname for field in fields], values)
