"""Reads of the stores domain for the API (each on the database the caller names).

``store_activities`` reads each customer's store figures with the expressions of
``visits.py``, the ones segments compile, so the API shows what segments decide on.
"""

import dataclasses
import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet

from . import visits
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


User = get_user_model()
T_USER = User._meta.db_table


@dataclasses.dataclass(frozen=True)
class StoreActivity:
    """A customer's store figures in one channel (``visits.py`` says what each is)."""

    home_store_id: uuid.UUID | None
    pickup_store_id: uuid.UUID | None
    in_store_spend: Decimal
    in_store_purchases: int
    click_and_collect_orders: int
    store_visits: int
    last_visit_at: datetime.datetime | None
    shopping_mode: str | None


NO_ACTIVITY = StoreActivity(None, None, Decimal(0), 0, 0, 0, None, None)


def _activity_statement(user_ids: list[int], channel_id: int) -> tuple[str, list]:
    parts = {
        "home": visits.home_store("u.id", channel_id),
        "pickup": visits.pickup_store("u.id", channel_id),
        "purchases": visits.purchase_totals("u.id", channel_id),
        "orders": visits.order_totals("u.id", channel_id),
        "seen": visits.visits("u.id", channel_id),
    }
    mode = visits.shopping_mode(
        orders="orders.orders",
        collect_orders="orders.collect_orders",
        purchases="purchases.purchases",
    )
    text = f"""
        SELECT u.id, home.warehouse_id, pickup.warehouse_id,
            COALESCE(purchases.spent, 0), purchases.purchases, orders.collect_orders,
            seen.visits, seen.last_at, {mode}
        FROM {T_USER} u
        LEFT JOIN LATERAL ({parts["home"].text}) home ON true
        LEFT JOIN LATERAL ({parts["pickup"].text}) pickup ON true
        LEFT JOIN LATERAL ({parts["purchases"].text}) purchases ON true
        LEFT JOIN LATERAL ({parts["orders"].text}) orders ON true
        LEFT JOIN LATERAL (
            SELECT count(*) AS visits, max(v.visited_at) AS last_at
            FROM ({parts["seen"].text}) v
        ) seen ON true
        WHERE u.id = ANY(%s::bigint[])
    """
    params = [param for part in parts.values() for param in part.params]
    return text, [*params, list(user_ids)]


def store_activities(
    *,
    user_ids: list[int],
    channel_id: int,
    using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME,
) -> dict[int, StoreActivity]:
    """Each customer's store activity in the channel, in one query; unknown ids: none."""
    if not user_ids:
        return {}
    text, params = _activity_statement(user_ids, channel_id)
    with connections[using].cursor() as cursor:
        cursor.execute(text, params)
        rows = cursor.fetchall()
    return {row[0]: StoreActivity(*row[1:]) for row in rows}
