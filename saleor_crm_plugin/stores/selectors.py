"""Reads of the stores domain for the API (each on the database the caller names)."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import StorePurchase, StorePurchaseLink, StoreRefund


def channel_store_purchases(*, channel_slug: str, using: str) -> QuerySet[StorePurchase]:
    return StorePurchase.objects.using(using).filter(channel__slug=channel_slug)


def purchases_linked(qs: QuerySet[StorePurchase], linked: bool) -> QuerySet[StorePurchase]:
    return qs.filter(user__isnull=not linked)


def purchases_refunded(qs: QuerySet[StorePurchase]) -> QuerySet[StorePurchase]:
    refunds = StoreRefund.objects.using(qs.db).filter(
        source=OuterRef("source"), external_id=OuterRef("external_id"), amount__gt=0
    )
    return qs.filter(Exists(refunds))


def purchases_matching(qs: QuerySet[StorePurchase], text: str) -> QuerySet[StorePurchase]:
    """By receipt code (as typed: any case, with a dash), external id or customer e-mail."""
    code = text.strip().upper().replace("-", "").replace(" ", "")
    return qs.filter(
        Q(receipt_code=code) | Q(external_id=text.strip()) | Q(user__email__iexact=text.strip())
    )


def links_by_purchase_id(
    purchase_ids: Iterable[int], *, using: str
) -> dict[int, list[StorePurchaseLink]]:
    found: dict[int, list[StorePurchaseLink]] = defaultdict(list)
    for link in (
        StorePurchaseLink.objects.using(using).filter(purchase_id__in=purchase_ids).order_by("pk")
    ):
        found[link.purchase_id].append(link)
    return found


def refunded_by_payment(
    keys: Iterable[tuple[str, str]], *, using: str
) -> dict[tuple[str, str], Decimal]:
    """What each ``(source, external_id)`` payment had refunded in all."""
    keys = list(keys)
    lookup = Q(pk__in=[])
    for source, external_id in keys:
        lookup |= Q(source=source, external_id=external_id)
    return {
        (refund.source, refund.external_id): refund.amount
        for refund in StoreRefund.objects.using(using).filter(lookup)
    }
