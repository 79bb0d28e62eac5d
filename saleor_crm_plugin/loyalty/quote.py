"""What a checkout can redeem and earn: amounts in, numbers out, no database.

One quote serves the ``Checkout.loyalty`` resolver and ``checkout_points_apply``
(``loyalty/checkout_points.py``): ``checkout_quote`` reads the checkout's prices as
Saleor last stored them, the gift cards attached to it, the checkout's active
redemption and the customer's account, all already loaded, so what the API shows as
``maxRedeemablePoints`` is what applying accepts.

Redeemed points pay as a gift card tagged ``crm.loyalty.checkout`` in its metadata
(``GIFT_CARD_METADATA_KEY``); a card is worth whole units of the currency, so the
arithmetic here rounds points to what the currency can pay (docs/architecture.md,
"Points at checkout").
"""

import dataclasses
import datetime
from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from saleor.checkout.models import Checkout
from saleor.giftcard.models import GiftCard

from ..config import ChannelConfig
from . import rules
from .exceptions import InsufficientPoints, InvalidPoints
from .ledger import MAX_ENTRY_POINTS
from .models import LoyaltyAccount, LoyaltyRedemption

GIFT_CARD_METADATA_KEY = "crm.loyalty.checkout"


@dataclasses.dataclass(frozen=True)
class CheckoutAmounts:
    """What a checkout asks for, as Saleor last calculated it (gift cards aside)."""

    currency: str
    total: Decimal  # gross, after vouchers and promotions, before gift cards
    eligible_base: Decimal  # what would earn points, before gift-card tender
    other_gift_cards: Decimal  # balance of the checkout's gift cards that are not ours


@dataclasses.dataclass(frozen=True)
class CheckoutLoyaltyQuote:
    available_points: int  # the balance not reserved anywhere (0 in debt)
    applied_points: int  # points of the card the checkout carries
    applied_value: Decimal  # what that card takes off the total
    max_redeemable_points: int  # the most ``checkout_points_apply`` accepts
    points_to_earn: int
    # The balance with the points applying again gives back first (the checkout's
    # active redemption); negative in debt.
    spendable_points: int


@dataclasses.dataclass(frozen=True)
class CheckoutQuote:
    """A checkout's quote and the points card it carries (None: no usable one)."""

    quote: CheckoutLoyaltyQuote
    gift_card: GiftCard | None


def points_value(points: int, *, config: ChannelConfig, currency: str) -> Decimal:
    """What ``points`` are worth at checkout, rounded down to the currency's unit."""
    return rules.from_minor_units(
        rules.to_minor_units(Decimal(points) * config.loyalty.point_value, currency), currency
    )


def payable_points(points: int, *, config: ChannelConfig, currency: str) -> int:
    """The most of ``points`` the currency can pay out exactly.

    A card is worth whole currency units (cents, yen): with a point worth 0.01 JPY,
    150 points make a 1 JPY card, which 100 points pay for; the other 50 stay with the
    customer instead of buying nothing.
    """
    value = points_value(points, config=config, currency=currency)
    return min(points, int((value / config.loyalty.point_value).to_integral_value(ROUND_FLOOR)))


def points_for_value(
    value: Decimal, *, points: int, full_value: Decimal, config: ChannelConfig
) -> int:
    """Of a redemption of ``points`` worth ``full_value``, the points ``value`` used."""
    if value <= 0:
        return 0
    if value >= full_value:
        return points
    return min(points, int((value / config.loyalty.point_value).to_integral_value(ROUND_CEILING)))


def payable_total(amounts: CheckoutAmounts) -> Decimal:
    """What the checkout asks for once the shop's own gift cards paid their part."""
    return max(amounts.total - amounts.other_gift_cards, Decimal(0))


def points_cap_value(*, config: ChannelConfig, amounts: CheckoutAmounts) -> Decimal:
    """The most points may pay of the checkout (``redemption_max_percent``)."""
    return payable_total(amounts) * config.loyalty.redemption_max_percent / 100


def max_redeemable_points(*, config: ChannelConfig, amounts: CheckoutAmounts, balance: int) -> int:
    """The most points a checkout takes: balance, percentage cap; 0 below the minimum."""
    cap_points = int(points_cap_value(config=config, amounts=amounts) / config.loyalty.point_value)
    maximum = max(min(balance, cap_points, MAX_ENTRY_POINTS), 0)
    maximum = payable_points(maximum, config=config, currency=amounts.currency)
    return maximum if maximum >= max(config.loyalty.redemption_min_points, 1) else 0


def quote_checkout(
    *,
    config: ChannelConfig,
    amounts: CheckoutAmounts,
    balance: int | None,
    applied_points: int,
    applied_value: Decimal,
    multiplier: Decimal,
    reserved_points: int,
) -> CheckoutLoyaltyQuote:
    """Points of a checkout; ``balance`` is None for a checkout without a customer.

    ``applied_points`` and ``applied_value`` are the points card the checkout carries;
    ``reserved_points`` the points of its active redemption, which applying again
    gives back first (the same, unless the card left the checkout).
    """
    tender = min(amounts.other_gift_cards + applied_value, amounts.total)
    eligible = max(amounts.eligible_base - tender, Decimal(0))
    earn = rules.points_for_amount(eligible, amounts.currency, config, multiplier)
    if balance is None:
        return CheckoutLoyaltyQuote(
            available_points=0,
            applied_points=0,
            applied_value=Decimal(0),
            max_redeemable_points=0,
            points_to_earn=earn,
            spendable_points=0,
        )
    spendable = balance + reserved_points
    return CheckoutLoyaltyQuote(
        available_points=max(balance, 0),
        applied_points=applied_points,
        applied_value=applied_value,
        max_redeemable_points=max_redeemable_points(
            config=config, amounts=amounts, balance=spendable
        ),
        points_to_earn=earn,
        spendable_points=spendable,
    )


def is_loyalty_gift_card(gift_card: GiftCard) -> bool:
    return GIFT_CARD_METADATA_KEY in (gift_card.metadata or {})


def usable_gift_cards(gift_cards: Iterable[GiftCard], *, today: datetime.date) -> list[GiftCard]:
    """The cards Saleor counts in a checkout's total (``get_total_gift_cards_balance``)."""
    return [
        card
        for card in gift_cards
        if card.is_active and (card.expiry_date is None or card.expiry_date >= today)
    ]


def checkout_amounts(
    checkout: Checkout, *, config: ChannelConfig, gift_cards: Iterable[GiftCard]
) -> CheckoutAmounts:
    """``checkout``'s amounts from the prices Saleor stored on it last."""
    others = sum(
        (card.current_balance_amount for card in gift_cards if not is_loyalty_gift_card(card)),
        Decimal(0),
    )
    return checkout_amounts_of(checkout, config=config, other_gift_cards=others)


def checkout_amounts_of(
    checkout: Checkout, *, config: ChannelConfig, other_gift_cards: Decimal
) -> CheckoutAmounts:
    """``checkout_amounts`` given the balance of its gift cards that are not ours."""
    include_tax = config.loyalty.eligible_include_tax
    subtotal = checkout.subtotal.gross if include_tax else checkout.subtotal.net
    base = subtotal.amount
    if config.loyalty.eligible_include_shipping:
        shipping = checkout.shipping_price.gross if include_tax else checkout.shipping_price.net
        base += shipping.amount
    return CheckoutAmounts(
        currency=checkout.currency,
        total=checkout.total.gross.amount,
        eligible_base=base,
        other_gift_cards=other_gift_cards,
    )


def checkout_quote(
    *,
    config: ChannelConfig,
    checkout: Checkout,
    gift_cards: Iterable[GiftCard],
    redemption: LoyaltyRedemption | None,
    account: LoyaltyAccount | None,
    today: datetime.date,
) -> CheckoutQuote:
    """The quote of ``checkout`` (prices as Saleor stored them) for its customer.

    ``gift_cards`` are the cards attached to the checkout, ``redemption`` its active
    one, ``account`` the customer's (None: a checkout without a customer). The points
    show as applied while their card is on the checkout and usable; applying again
    gives back the redemption's points first, card or not.
    """
    cards = usable_gift_cards(gift_cards, today=today)
    card = next((c for c in cards if redemption and c.pk == redemption.gift_card_id), None)
    quote = checkout_quote_of(
        config=config,
        checkout=checkout,
        other_gift_cards=checkout_amounts(
            checkout, config=config, gift_cards=cards
        ).other_gift_cards,
        card_value=card.current_balance_amount if card else None,
        redemption_points=redemption.points if redemption else None,
        account=(account.balance, account.tier_name) if account else None,
    )
    return CheckoutQuote(quote=quote, gift_card=card)


def checkout_quote_of(
    *,
    config: ChannelConfig,
    checkout: Checkout,
    other_gift_cards: Decimal,
    card_value: Decimal | None,
    redemption_points: int | None,
    account: tuple[int, str] | None,
) -> CheckoutLoyaltyQuote:
    """``checkout_quote`` from what it reads: the balance of the usable cards that are
    not ours, the value of the usable points card of the active redemption on the
    checkout (None: none), that redemption's points and the customer's (balance, tier
    name) (None: a checkout without a customer)."""
    balance, tier_name = account if account else (None, "")
    return quote_checkout(
        config=config,
        amounts=checkout_amounts_of(checkout, config=config, other_gift_cards=other_gift_cards),
        balance=balance,
        applied_points=redemption_points if card_value is not None else 0,
        applied_value=card_value if card_value is not None else Decimal(0),
        multiplier=rules.tier_multiplier(config.loyalty.tiers, tier_name),
        reserved_points=redemption_points or 0,
    )


def points_to_reserve(
    points: int, *, quote: CheckoutLoyaltyQuote, config: ChannelConfig, currency: str
) -> int:
    """The points an apply of ``points`` reserves (what the currency can pay of them).

    Raises ``InvalidPoints`` or ``InsufficientPoints`` for points the quote does not
    allow.
    """
    if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
        raise InvalidPoints("Points must be a whole number above zero.", field="points")
    if points > quote.spendable_points:
        raise InsufficientPoints(
            f"The customer has {max(quote.spendable_points, 0)} points to redeem.",
            field="points",
        )
    if points < config.loyalty.redemption_min_points:
        raise InvalidPoints(
            f"At least {config.loyalty.redemption_min_points} points must be redeemed at once.",
            field="points",
        )
    if points > quote.max_redeemable_points:
        raise InvalidPoints(
            f"At most {quote.max_redeemable_points} points can be redeemed on this checkout.",
            field="points",
        )
    points = payable_points(points, config=config, currency=currency)
    if points <= 0 or points < config.loyalty.redemption_min_points:
        raise InvalidPoints(
            "These points are worth less than the smallest amount of the currency.",
            field="points",
        )
    return points
