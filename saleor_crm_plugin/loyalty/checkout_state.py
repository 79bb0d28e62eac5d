"""What a checkout's loyalty fields read besides Saleor's prices, in one query.

``Checkout.loyalty`` and ``Checkout.crmOffers`` need the channel's programme, the
customer's account (balance, tier, first expiry), the checkout's active redemption and
its gift cards. Each is a scalar subquery of one statement on Saleor's checkout table,
so the fields add one query however many checkouts or lines a request shows. A card
counts as Saleor counts it in the total (``quote.usable_gift_cards``: active, not
expired); a points card is tagged ``quote.GIFT_CARD_METADATA_KEY``.
"""

import dataclasses
import datetime
import functools
import json
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.db import connections
from django.db.models import OuterRef, Q, Subquery, Sum
from saleor.checkout.models import Checkout
from saleor.giftcard.models import GiftCard

from ..config import ChannelProgram, annotated_program, program_annotations
from .models import EntryStatus, LoyaltyAccount, LoyaltyEntry, LoyaltyRedemption, RedemptionStatus
from .quote import GIFT_CARD_METADATA_KEY


@dataclasses.dataclass(frozen=True)
class CheckoutPointsCard:
    """The points card a checkout carries: what its quote and its code's owner read."""

    pk: int
    code: str
    current_balance_amount: Decimal
    used_by_id: int | None
    assigned_to_id: int | None


@dataclasses.dataclass(frozen=True)
class CheckoutLoyaltyState:
    program: ChannelProgram  # the checkout channel's
    account_id: int | None  # None: no account yet (or no customer)
    balance: int
    tier_name: str
    first_expiry: datetime.datetime | None  # the account's first spendable points expiring
    redemption_points: int | None  # the checkout's active redemption (None: none)
    card: CheckoutPointsCard | None  # its points card, attached and usable (None: none)
    other_gift_cards: Decimal  # the attached, usable cards that are not points cards


def checkout_loyalty_states(
    tokens: Iterable, *, today: datetime.date, using: str
) -> dict[object, CheckoutLoyaltyState]:
    """Each checkout's ``CheckoutLoyaltyState``, in one query for every checkout.

    The statement is built by the ORM once per database and number of checkouts and
    kept: building it (twenty subqueries) cost more than running it, on every
    storefront request showing a checkout's points.
    """
    tokens = list(tokens)
    sql, params, slots = _statement(using, len(tokens))
    params = list(params)
    for position, token_index in slots:  # the stand-ins, replaced by this call's values
        params[position] = today if token_index is None else tokens[token_index]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
    return {row["token"]: _state(row) for row in rows}


# Stand-ins compiled into the kept statement, replaced by the call's own values.
_SENTINEL_DAY = datetime.date(1901, 2, 3)


def _sentinel_tokens(size: int) -> list[uuid.UUID]:
    return [uuid.UUID(int=(1 << 120) + index) for index in range(size)]


@functools.lru_cache(maxsize=32)
def _statement(using: str, size: int) -> tuple[str, tuple, tuple]:
    """The SQL and parameters of the query, with the stand-ins as parameters, and where
    they are: (parameter position, token index or None for the day)."""
    queryset = (
        Checkout.objects.using(using)
        .filter(token__in=_sentinel_tokens(size))
        .values("token")
        .annotate(**_account_annotations(), **_card_annotations(_SENTINEL_DAY))
        .annotate(**program_annotations(OuterRef("channel_id")))
    )
    sql, params = queryset.query.get_compiler(using).as_sql()
    stand_ins = {token: index for index, token in enumerate(_sentinel_tokens(size))}
    slots = tuple(
        (position, stand_ins.get(param))
        for position, param in enumerate(params)
        if isinstance(param, uuid.UUID | datetime.date)
        and (param in stand_ins or param == _SENTINEL_DAY)
    )
    found = [token_index for _position, token_index in slots]
    if sorted(index for index in found if index is not None) != list(range(size)) or (
        None not in found
    ):
        raise AssertionError("each stand-in must be a parameter of its own")
    return sql, tuple(params), slots


def _account_annotations() -> dict:
    account = LoyaltyAccount.objects.filter(
        user_id=OuterRef("user_id"), channel_id=OuterRef("channel_id")
    )
    first_expiry = (
        LoyaltyEntry.objects.filter(
            account_id=OuterRef("pk"),
            remaining__gt=0,
            status=EntryStatus.AVAILABLE,
            expires_at__isnull=False,
        )
        .order_by("expires_at")
        .values("expires_at")[:1]
    )
    redemption = LoyaltyRedemption.objects.filter(
        checkout_token=OuterRef("token"), status=RedemptionStatus.ACTIVE
    )
    return {
        "account_id": Subquery(account.values("pk")[:1]),
        "balance": Subquery(account.values("balance")[:1]),
        "tier_name": Subquery(account.values("tier_name")[:1]),
        "first_expiry": Subquery(
            account.annotate(first=Subquery(first_expiry)).values("first")[:1]
        ),
        "redemption_points": Subquery(redemption.values("points")[:1]),
    }


def _card_annotations(today: datetime.date) -> dict:
    usable = GiftCard.objects.filter(checkouts=OuterRef("token"), is_active=True).filter(
        Q(expiry_date__isnull=True) | Q(expiry_date__gte=today)
    )
    others = (
        usable.exclude(metadata__has_key=GIFT_CARD_METADATA_KEY)
        .order_by()
        .values("checkouts")
        .annotate(total=Sum("current_balance_amount"))
        .values("total")
    )
    redemption_card = LoyaltyRedemption.objects.filter(
        checkout_token=OuterRef(OuterRef("token")), status=RedemptionStatus.ACTIVE
    ).values("gift_card_id")[:1]
    card = usable.filter(metadata__has_key=GIFT_CARD_METADATA_KEY, pk=Subquery(redemption_card))
    return {
        "other_gift_cards": Subquery(others),
        **{
            f"card_{name}": Subquery(card.values(name)[:1])
            for name in ("id", "code", "current_balance_amount", "used_by_id", "assigned_to_id")
        },
    }


def _state(row: dict) -> CheckoutLoyaltyState:
    card = None
    if row["card_id"] is not None:
        card = CheckoutPointsCard(
            pk=row["card_id"],
            code=row["card_code"],
            current_balance_amount=row["card_current_balance_amount"],
            used_by_id=row["card_used_by_id"],
            assigned_to_id=row["card_assigned_to_id"],
        )
    if isinstance(row["crm_configuration"], str):  # JSON, as the database sends it
        row["crm_configuration"] = json.loads(row["crm_configuration"])
    return CheckoutLoyaltyState(
        program=annotated_program(row),
        account_id=row["account_id"],
        balance=row["balance"] or 0,
        tier_name=row["tier_name"] or "",
        first_expiry=row["first_expiry"],
        redemption_points=row["redemption_points"],
        card=card,
        other_gift_cards=row["other_gift_cards"] or Decimal(0),
    )
