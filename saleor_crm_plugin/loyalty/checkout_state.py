"""What a checkout's loyalty fields read besides Saleor's prices, in one query.

``Checkout.loyalty`` and ``Checkout.crmOffers`` need the channel's programme, the
customer's account (balance, tier, first expiry), the checkout's active redemption and
its gift cards. Each row read is one scalar subquery (a row of several columns as one
JSON object) of one statement on Saleor's checkout table,
so the fields add one query however many checkouts or lines a request shows. A card
counts as Saleor counts it in the total (``quote.usable_gift_cards``: active, not
expired); a points card is tagged ``quote.GIFT_CARD_METADATA_KEY``.
"""

import dataclasses
import datetime
import functools
import json
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery, Sum
from django.db.models.functions import JSONObject
from saleor.checkout.models import Checkout
from saleor.giftcard.models import GiftCard

from ..kept_sql import STAND_IN_DAY, KeptStatement, keep, stand_in_uuids
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
    kept: building it (its subqueries) cost more than running it, on every
    storefront request showing a checkout's points.
    """
    tokens = list(tokens)
    rows = _statement(using, len(tokens)).rows(using, tokens=tokens, today=today)
    return {row["token"]: _state(row) for row in rows}


@functools.lru_cache(maxsize=32)
def _statement(using: str, size: int) -> KeptStatement:
    tokens = stand_in_uuids(size)
    queryset = (
        Checkout.objects.using(using)
        .filter(token__in=tokens)
        .values("token")
        .annotate(**_account_annotations(), **_card_annotations(STAND_IN_DAY))
        .annotate(**program_annotations(OuterRef("channel_id")))
    )
    return keep(queryset, using=using, stand_ins={"tokens": tokens, "today": STAND_IN_DAY})


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
    # One subquery per row read, its columns as one JSON object: each subquery costs
    # the planner more than the executor.
    account_json = JSONObject(
        id="pk", balance="balance", tier_name="tier_name", first_expiry="first_expiry"
    )
    return {
        "account": Subquery(
            account.annotate(first_expiry=Subquery(first_expiry)).values(json=account_json)[:1]
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
    card_json = JSONObject(
        pk="pk",
        code="code",
        current_balance_amount="current_balance_amount",
        used_by_id="used_by_id",
        assigned_to_id="assigned_to_id",
    )
    return {
        "other_gift_cards": Subquery(others),
        "card": Subquery(card.values(json=card_json)[:1]),
    }


def _state(row: dict) -> CheckoutLoyaltyState:
    account = _json(row["account"]) or {}
    card = _json(row["card"])
    first_expiry = account.get("first_expiry")
    return CheckoutLoyaltyState(
        program=annotated_program(row),
        account_id=account.get("id"),
        balance=account.get("balance") or 0,
        tier_name=account.get("tier_name") or "",
        first_expiry=datetime.datetime.fromisoformat(first_expiry) if first_expiry else None,
        redemption_points=row["redemption_points"],
        card=_points_card(card) if card else None,
        other_gift_cards=row["other_gift_cards"] or Decimal(0),
    )


def _points_card(card: dict) -> CheckoutPointsCard:
    amount = Decimal(str(card.pop("current_balance_amount")))
    return CheckoutPointsCard(**card, current_balance_amount=amount)


def _json(value) -> dict | None:
    """A JSON object column as the database sends it (text), amounts as ``Decimal``."""
    return json.loads(value, parse_float=Decimal) if value is not None else None
