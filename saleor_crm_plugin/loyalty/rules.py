"""Pure rules of the programme: how many points an amount earns, which tier applies.

All arithmetic is on integers in the currency's minor units (cents; yen; fils), so
no float ever decides a point. An order earns whole "earn units": with 5 points per
2.50, an order of 3.00 holds one unit (floor, the default rule) and earns 5, not 6.
A tier multiplier applies to the order's points, rounded down.

What counts towards a tier is a rule too (``tier_basis_condition``): credits that
happened inside the rolling window, less the reversals of those credits, whenever the
reversal came.
"""

import dataclasses
import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision
from django.db.models import Q

from ..config import (
    ROUNDING_CEIL,
    ROUNDING_FLOOR,
    ROUNDING_HALF_UP,
    TIER_BASIS_POINTS,
    ChannelConfig,
    TierRule,
)
from .models import EntryType


def to_minor_units(amount: Decimal, currency: str) -> int:
    """An amount in the currency's minor units, rounded down (never a cent too many)."""
    precision = get_currency_precision(currency)
    return int((Decimal(amount) * (Decimal(10) ** precision)).to_integral_value(ROUND_DOWN))


def from_minor_units(minor: int, currency: str) -> Decimal:
    precision = get_currency_precision(currency)
    return Decimal(minor).scaleb(-precision)


def _divide(numerator: int, denominator: int, rounding: str) -> int:
    if rounding == ROUNDING_FLOOR:
        return numerator // denominator
    if rounding == ROUNDING_CEIL:
        return -(-numerator // denominator)
    if rounding == ROUNDING_HALF_UP:
        return (2 * numerator + denominator) // (2 * denominator)
    raise ValueError(f"Unknown rounding rule {rounding!r}")


def points_for_amount(
    amount: Decimal,
    currency: str,
    config: ChannelConfig,
    multiplier: Decimal = Decimal(1),
) -> int:
    """Points an eligible ``amount`` earns under ``config`` at a tier ``multiplier``."""
    if amount <= 0:
        return 0
    # Scale both amounts to the finer of the currency's and the rate's decimals, so
    # that a rate of 0.001 per point in a 2-decimal currency stays exact.
    exponent = max(
        get_currency_precision(currency), -config.loyalty.earn_amount.as_tuple().exponent, 0
    )
    scale = Decimal(10) ** exponent
    eligible = int((Decimal(amount) * scale).to_integral_value(ROUND_DOWN))
    per_unit = int(config.loyalty.earn_amount * scale)
    units = _divide(eligible, per_unit, config.loyalty.earn_rounding)
    base = units * config.loyalty.earn_points
    return int((Decimal(base) * multiplier).to_integral_value(ROUND_DOWN))


def share_of_points(points: int, part: Decimal, whole: Decimal) -> int:
    """``points`` × ``part`` / ``whole``, half up; all of them when ``part`` ≥ ``whole``."""
    if whole <= 0 or part <= 0:
        return 0
    if part >= whole:
        return points
    return int((Decimal(points) * part / whole).to_integral_value(ROUND_HALF_UP))


@dataclasses.dataclass(frozen=True)
class OrderParts:
    """An order's value in parts: its lines (by id) and ``"shipping"``.

    ``whole`` is the value the parts make up; money refunded without naming parts
    takes back its share of it.
    """

    values: dict[str, Decimal]
    quantities: dict[str, int]
    whole: Decimal


@dataclasses.dataclass(frozen=True)
class TakenBack:
    """What an order's refunds and edits took back of it.

    ``quantities``: units refunded per part. ``remaining``: each part's quantity now
    (a part missing is gone; None: the order was not edited since ``OrderParts`` was
    taken). ``money_share``: the share of the money the order asked for that was
    refunded without naming parts (beyond any overpayment).
    """

    quantities: dict[str, int]
    money_share: Decimal
    remaining: dict[str, int] | None = None


def refunded_value(*, parts: OrderParts, taken_back: TakenBack) -> Decimal:
    """The part of an order's value that its refunds and edits took back.

    The one rule for "the refunded share" of an order, for the points it earned and
    for the points it spent. A part counts the share of its units refunded or
    removed from the order since (a removed line: all of it); money refunded without
    naming parts takes back the same share of the whole as of the money the order
    asked for.
    """
    value = Decimal(0)
    for key, amount in parts.values.items():
        ordered = parts.quantities.get(key) or 0
        if not ordered:
            continue
        units = taken_back.quantities.get(key, 0)
        if taken_back.remaining is not None:
            units += max(ordered - taken_back.remaining.get(key, 0), 0)
        value += amount * min(units, ordered) / ordered
    if taken_back.money_share > 0:
        value += parts.whole * min(taken_back.money_share, Decimal(1))
    return min(value, parts.whole)


def points_to_return(
    *,
    spent_points: int,
    points_paid: Decimal,
    whole: Decimal,
    refunded: Decimal,
    money_refunded: Decimal,
) -> int:
    """Of ``spent_points`` that paid ``points_paid`` of an order worth ``whole``, how
    many its refunds give back.

    The refunded part (worth ``refunded``) was paid by points and money in the
    proportion they paid the whole order, so the points give back the points' share
    of it, and less when the money refunded (``money_refunded``) already paid back
    more than the money's share: money and points together never give back more than
    the refunded part cost. Rounded down: never a point more than the value.
    """
    if min(spent_points, points_paid, whole, refunded) <= 0:
        return 0
    value = min(refunded * points_paid / whole, refunded - money_refunded)
    if value <= 0:
        return 0
    if value >= points_paid:
        return spent_points
    return int((Decimal(spent_points) * value / points_paid).to_integral_value(ROUND_DOWN))


def tier_basis_condition(config: ChannelConfig, now: datetime.datetime) -> tuple[Q, str]:
    """Which entries count towards a tier at ``now``, and which column to sum.

    Spend: the eligible amount of orders paid within the window. Points: points earned
    (orders and bonuses) within the window. A reversal counts with the credit it
    reverses, so a refund never takes back spend that has already left the window.
    """
    since = now - datetime.timedelta(seconds=config.loyalty.tier_window_seconds)
    if config.loyalty.tier_basis == TIER_BASIS_POINTS:
        credit_types, column = (EntryType.EARN, EntryType.BONUS), "points"
    else:
        credit_types, column = (EntryType.EARN,), "spend_amount"
    condition = Q(type__in=credit_types, occurred_at__gte=since) | Q(
        type=EntryType.REVERSE, batch__occurred_at__gte=since
    )
    return condition, column


def tier_for_value(tiers: tuple[TierRule, ...], value: Decimal) -> TierRule | None:
    """The highest tier whose threshold ``value`` reaches (tiers ascend by threshold)."""
    reached = None
    for tier in tiers:
        if value >= tier.threshold:
            reached = tier
    return reached


def next_tier(tiers: tuple[TierRule, ...], current: TierRule | None) -> TierRule | None:
    if current is None:
        return tiers[0] if tiers else None
    names = [tier.name for tier in tiers]
    if current.name not in names:
        return None
    position = names.index(current.name)
    return tiers[position + 1] if position + 1 < len(tiers) else None


def tier_by_name(tiers: tuple[TierRule, ...], name: str) -> TierRule | None:
    return next((tier for tier in tiers if tier.name == name), None)


def tier_multiplier(tiers: tuple[TierRule, ...], name: str) -> Decimal:
    tier = tier_by_name(tiers, name)
    return tier.multiplier if tier else Decimal(1)
