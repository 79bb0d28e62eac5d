"""The check a checkout passes as it completes: do its points cards pay by the rules?

A points card's code is a gift-card code: the shopper can add it to another checkout
(``checkoutAddPromoCode``) or authorise it there through Saleor's gift-card gateway.
``checkout_points_check_completion`` runs in Saleor's ``preprocess_order_creation``
and refuses an order that a points card would pay against the rules. It reads only,
and costs one query for a checkout that no points card touches (every completion
runs it).
"""

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import Q, Sum
from saleor.checkout.models import Checkout
from saleor.giftcard.models import GiftCard

from ..config import load_channel_program
from .exceptions import PointsCardNotApplicable
from .quote import (
    GIFT_CARD_METADATA_KEY,
    checkout_amounts,
    payable_total,
    points_cap_value,
    usable_gift_cards,
)
from .selectors import active_redemption, checkout_gateway_authorisations


@dataclasses.dataclass(frozen=True)
class PayingPointsCards:
    """The points cards that pay a checkout, and how Saleor counts each."""

    cards: dict[int, GiftCard]  # by id: attached and usable, or authorised
    attached: dict[int, GiftCard]  # every usable card attached to the checkout
    authorised: dict[int, Decimal]  # gateway authorisations on the checkout, by card


def checkout_points_check_completion(*, checkout: Checkout, now: datetime.datetime) -> None:
    """Refuse an order of ``checkout`` that a points card would pay against the rules.

    Run as the checkout completes (prices just recalculated). A points card pays the
    checkout when it is attached to it or authorised on it through the gift-card
    gateway; each such card must be the card of this checkout's active redemption (a
    code moved to another checkout keeps the cap and the points of the one it was
    issued for), and what it pays must stay within ``redemption_max_percent`` of what
    the checkout asks for now. Raises ``PointsCardNotApplicable``.
    """
    paying = _paying_points_cards(checkout, today=now.date())
    if paying is None:
        return
    redemption = active_redemption(checkout.token)
    if redemption is None or set(paying.cards) != {redemption.gift_card_id}:
        raise PointsCardNotApplicable(
            "A points card can pay only the checkout its points were applied to.",
            field="gift_cards",
        )
    _check_points_cap(checkout, paying, card=paying.cards[redemption.gift_card_id])


def _paying_points_cards(checkout: Checkout, *, today: datetime.date) -> PayingPointsCards | None:
    """The points cards paying ``checkout``; None (after one query) when none does."""
    authorisations = checkout_gateway_authorisations([checkout.pk])
    points_cards = GiftCard.objects.filter(
        Q(checkouts=checkout.pk) | Q(pk__in=authorisations.values("gift_card_id")),
        metadata__has_key=GIFT_CARD_METADATA_KEY,
    ).distinct()
    cards = {card.pk: card for card in points_cards}
    if not cards:
        return None
    attached = {card.pk: card for card in usable_gift_cards(checkout.gift_cards.all(), today=today)}
    authorised = dict(
        authorisations.order_by()
        .values("gift_card_id")
        .annotate(total=Sum("authorized_value"))
        .values_list("gift_card_id", "total")
    )
    # A card pays when Saleor counts it (attached and usable) or has authorised it.
    cards = {pk: card for pk, card in cards.items() if pk in attached or pk in authorised}
    if not cards:
        return None
    return PayingPointsCards(cards=cards, attached=attached, authorised=authorised)


def _check_points_cap(checkout: Checkout, paying: PayingPointsCards, *, card: GiftCard) -> None:
    """Refuse the card paying more than the channel's cap of what the checkout asks."""
    paid = card.current_balance_amount
    if card.pk not in paying.attached:
        paid = min(paying.authorised[card.pk], paid)
    config = load_channel_program(checkout.channel_id).config
    amounts = checkout_amounts(
        checkout,
        config=config,
        gift_cards=[item for item in paying.attached.values() if item.pk not in paying.cards],
    )
    if min(paid, payable_total(amounts)) > points_cap_value(config=config, amounts=amounts):
        raise PointsCardNotApplicable(
            f"Points can pay at most {config.loyalty.redemption_max_percent}% of this "
            "checkout; apply them again.",
            field="gift_cards",
        )
