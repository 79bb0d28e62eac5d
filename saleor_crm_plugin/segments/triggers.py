"""What changes a field's value for a customer, and how the periodic refresh finds them.

Each field of the registry (``fields/``) names

* its **triggers**: the kinds of change that move its value (an order of the customer,
  their account, their consent, their loyalty points, their in-store purchases, their
  tags, the RFM scores).
  Events refresh the customer at once (plugin hooks, tag writes, tier changes; the
  daily RFM run recomputes the segments reading RFM); a trigger with ``changed`` is
  also one the plugin may not hear of, so the hourly refresh (``refresh.py``) asks it
  for the customers whose data changed in ``[since, now)``;
* its **age**, when its value is a number of whole days since a moment (an order
  placed, the customer joined), and the age its ``days`` window counts from: such a
  condition flips with time alone, when that moment turns N days old; ``crossed``
  finds the customers whose moment lies in given ranges (an indexed range scan).

Adding a field with an existing trigger touches only the registry; a new kind of
change is one ``Trigger`` here.
"""

import dataclasses
import datetime
from collections.abc import Callable

from ..consent.models import MarketingConsent
from ..loyalty.models import LoyaltyAccount, LoyaltyEntry
from ..stores.models import StorePurchase, StorePurchaseLink, StoreRefund
from .sql import T_ORDER, T_USER, Sql

Ranges = list[tuple[datetime.datetime, datetime.datetime]]


@dataclasses.dataclass(frozen=True, eq=False)
class Trigger:
    name: str
    description: str
    # Customers whose data of this kind changed in [since, now), for a segment of
    # channel ``channel_id``: SELECTs of user ids; None when events always tell.
    changed: Callable[[int | None, datetime.datetime, datetime.datetime], list[Sql]] | None = None


@dataclasses.dataclass(frozen=True, eq=False)
class Age:
    name: str
    # Customers whose moment lies in one of the ranges (for a segment of ``channel_id``).
    crossed: Callable[[int | None, Ranges], Sql]


def _orders_changed(channel_id, since, now) -> list[Sql]:
    # In any channel: an order paid where the CRM is off, edited, or moved to them.
    # Previous owners of moved orders: ``ownership.order_owners_sync`` (refresh.py).
    return [
        Sql(
            f"SELECT o.user_id FROM {T_ORDER} o WHERE o.user_id IS NOT NULL "
            "AND o.updated_at >= %s AND o.updated_at < %s",
            [since, now],
        )
    ]


def _accounts_changed(channel_id, since, now) -> list[Sql]:
    return [
        Sql(
            f"SELECT u.id FROM {T_USER} u WHERE u.updated_at >= %s AND u.updated_at < %s",
            [since, now],
        )
    ]


def _consents_changed(channel_id, since, now) -> list[Sql]:
    consents = MarketingConsent._meta.db_table
    return [
        Sql(
            f"SELECT c.user_id FROM {consents} c WHERE c.user_id IS NOT NULL "
            "AND c.updated_at >= %s AND c.updated_at < %s",
            [since, now],
        ),
        Sql(
            f"SELECT u.id FROM {consents} c JOIN {T_USER} u "
            "ON u.email = c.email WHERE c.updated_at >= %s AND c.updated_at < %s",
            [since, now],
        ),
    ]


def _points_changed(channel_id, since, now) -> list[Sql]:
    # Entries written (adjustments, bonuses, expiry, redemptions) or matured; the
    # account saved (a tier change stamps it).
    if channel_id is None:
        return []
    accounts, entries = LoyaltyAccount._meta.db_table, LoyaltyEntry._meta.db_table
    return [
        Sql(
            f"SELECT a.user_id FROM {accounts} a WHERE a.user_id IS NOT NULL "
            "AND a.channel_id = %s AND a.updated_at >= %s AND a.updated_at < %s",
            [channel_id, since, now],
        ),
        Sql(
            f"SELECT a.user_id FROM {entries} e JOIN {accounts} a ON a.id = e.account_id "
            "WHERE a.user_id IS NOT NULL AND a.channel_id = %s AND ("
            "(e.created_at >= %s AND e.created_at < %s) "
            "OR (e.available_at >= %s AND e.available_at < %s))",
            [channel_id, since, now, since, now],
        ),
    ]


def _store_purchases_changed(channel_id, since, now) -> list[Sql]:
    # A purchase linked to them or unlinked from them (every link and unlink is a row,
    # with the customer), or a refund of a purchase linked to them.
    purchases = StorePurchase._meta.db_table
    links, refunds = StorePurchaseLink._meta.db_table, StoreRefund._meta.db_table
    channel, params = ("", []) if channel_id is None else (" AND p.channel_id = %s", [channel_id])
    return [
        Sql(
            f"SELECT l.user_id FROM {links} l JOIN {purchases} p ON p.id = l.purchase_id "
            f"WHERE l.user_id IS NOT NULL AND l.created_at >= %s AND l.created_at < %s{channel}",
            [since, now, *params],
        ),
        Sql(
            f"SELECT p.user_id FROM {refunds} r JOIN {purchases} p "
            "ON p.source = r.source AND p.external_id = r.external_id "
            f"WHERE p.user_id IS NOT NULL AND r.updated_at >= %s AND r.updated_at < %s{channel}",
            [since, now, *params],
        ),
    ]


ORDERS = Trigger(
    "orders",
    "an order of theirs placed, paid, refunded, cancelled, edited or moved",
    _orders_changed,
)
ACCOUNT = Trigger("account", "their account (its default addresses) updated", _accounts_changed)
CONSENT = Trigger("consent", "a marketing consent answer of theirs", _consents_changed)
LOYALTY = Trigger("loyalty", "their points or tier in the segment's channel", _points_changed)
STORES = Trigger(
    "stores",
    "an in-store purchase linked to them, unlinked or refunded",
    _store_purchases_changed,
)
TAGS = Trigger("tags", "a tag of theirs added or removed (refreshed at once)")
RFM = Trigger("rfm", "RFM scores recomputed (daily, then the segments reading them)")


def _placed_in(channel_id, ranges: Ranges) -> Sql:
    params: list = []
    channel = ""
    if channel_id is not None:
        channel = " AND o.channel_id = %s"
        params.append(channel_id)
    for start, end in ranges:
        params += [start, end]
    return Sql(
        f"SELECT o.user_id FROM {T_ORDER} o WHERE o.user_id IS NOT NULL{channel} AND ("
        + " OR ".join("(o.created_at >= %s AND o.created_at < %s)" for _ in ranges)
        + ")",
        params,
    )


def _joined_in(channel_id, ranges: Ranges) -> Sql:
    return Sql(
        f"SELECT u.id FROM {T_USER} u WHERE "
        + " OR ".join("(u.date_joined >= %s AND u.date_joined < %s)" for _ in ranges),
        [moment for bounds in ranges for moment in bounds],
    )


ORDER_PLACED = Age("order placed", _placed_in)
JOINED = Age("customer joined", _joined_in)
