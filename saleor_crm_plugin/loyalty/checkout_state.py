"""What a checkout's loyalty fields read besides Saleor's prices, as annotations.

``Checkout.loyalty`` and ``Checkout.crmOffers`` need the channel's programme, the
customer's account (balance, tier, first expiry), the checkout's active redemption with
its points card and its other gift cards. Each row read is one scalar subquery (a row
of several columns as one JSON object) of a statement on Saleor's checkout table, which
the GraphQL layer composes with cart recovery's part (``graphql.loyalty.checkout_read``):
the fields add one query however many checkouts or lines a request shows. A card counts
as Saleor counts it in the total (``quote.usable_gift_cards``: active, not expired); a
points card is tagged ``quote.GIFT_CARD_METADATA_KEY``.
"""

import dataclasses
import datetime
import json
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery, Sum
from django.db.models.functions import JSONObject
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


def checkout_state_annotations(today) -> dict:
    """Annotations of a query on Saleor's checkouts (``token``, ``user_id`` and
    ``channel_id`` of the outer row) reading each checkout's loyalty state, as of the
    day ``today`` (a card expiring that day still counts); ``checkout_state_of`` reads
    the row. Part of the storefront's one checkout statement, kept by its caller
    (``kept_sql``): building it costs more than running it."""
    return {
        **_account_annotations(),
        **_card_annotations(today),
        **program_annotations(OuterRef("channel_id")),
    }


def checkout_state_of(row: dict) -> CheckoutLoyaltyState:
    """The state of a row annotated by ``checkout_state_annotations``, read as the driver
    sends it (JSON as text)."""
    account = _json(row["account"]) or {}
    redemption = _json(row["redemption"]) or {}
    card = redemption.get("card")
    first_expiry = account.get("first_expiry")
    return CheckoutLoyaltyState(
        program=annotated_program(row),
        account_id=account.get("id"),
        balance=account.get("balance") or 0,
        tier_name=account.get("tier_name") or "",
        first_expiry=datetime.datetime.fromisoformat(first_expiry) if first_expiry else None,
        redemption_points=redemption.get("points"),
        card=_points_card(card) if card else None,
        other_gift_cards=row["other_gift_cards"] or Decimal(0),
    )


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
    # One subquery per row read, its columns as one JSON object: each subquery costs
    # the planner more than the executor.
    account_json = JSONObject(
        id="pk", balance="balance", tier_name="tier_name", first_expiry="first_expiry"
    )
    return {
        "account": Subquery(
            account.annotate(first_expiry=Subquery(first_expiry)).values(json=account_json)[:1]
        ),
    }


def _usable_cards(checkout_token, today: datetime.date):
    """The gift cards of the checkout Saleor counts in its total (``quote.usable_gift_cards``)."""
    return GiftCard.objects.filter(checkouts=checkout_token, is_active=True).filter(
        Q(expiry_date__isnull=True) | Q(expiry_date__gte=today)
    )


def _card_annotations(today: datetime.date) -> dict:
    others = (
        _usable_cards(OuterRef("token"), today)
        .exclude(metadata__has_key=GIFT_CARD_METADATA_KEY)
        .order_by()
        .values("checkouts")
        .annotate(total=Sum("current_balance_amount"))
        .values("total")
    )
    # The active redemption with its points card (attached and usable) as one object.
    card = _usable_cards(OuterRef(OuterRef("token")), today).filter(
        metadata__has_key=GIFT_CARD_METADATA_KEY, pk=OuterRef("gift_card_id")
    )
    card_json = JSONObject(
        pk="pk",
        code="code",
        current_balance_amount="current_balance_amount",
        used_by_id="used_by_id",
        assigned_to_id="assigned_to_id",
    )
    redemption = LoyaltyRedemption.objects.filter(
        checkout_token=OuterRef("token"), status=RedemptionStatus.ACTIVE
    )
    redemption_json = JSONObject(points="points", card=Subquery(card.values(json=card_json)[:1]))
    return {
        "other_gift_cards": Subquery(others),
        "redemption": Subquery(redemption.values(json=redemption_json)[:1]),
    }


def _points_card(card: dict) -> CheckoutPointsCard:
    amount = Decimal(card.pop("current_balance_amount"))
    return CheckoutPointsCard(**card, current_balance_amount=amount)


def _json(value) -> dict | None:
    """A JSON object column as the database sends it (text), amounts as ``Decimal``."""
    return json.loads(value, parse_float=Decimal) if value is not None else None
