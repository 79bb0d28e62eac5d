"""The end of a redemption: spend what its points card paid, release the rest, once.

Points redeemed at checkout pay as a gift card of the checkout
(``checkout_points.py``; docs/architecture.md, "Points at checkout"). The
``LoyaltyRedemption`` stays ``active`` until it is settled, exactly once, under the
account's row lock (it leaves ``active`` under that lock):

* the points worth what Saleor took or will take from the card are spent, the rest
  is released (``release:<id>``, ``ledger.release_debit``: each point back to the
  batch it was reserved from, with that batch's expiry, the latest-expiring points
  first, so the spent points are those that expire first), and the card is
  deactivated and detached. A batch that expired while its points were reserved gets
  its share back and expires at once (``expire:<batch>``): expiry never takes
  reserved points, and they never come back spendable after their expiry.
* settling happens when the order is created (``order_redemptions_settle``), when the
  shopper removes or re-applies the points, and for checkouts deleted, left beyond
  the channel's ``redemption_hold`` or whose card the shopper removed
  (``redemptions_release_abandoned``, a periodic task).
* whoever reads the card's code can authorise it with ``transactionInitialize`` on
  Saleor's built-in gift-card gateway, on any checkout of the customer, and Saleor
  charges an order's authorisation at confirmation without looking at
  ``is_active``. So what a card paid is ``selectors.card_charged_values``: its
  balance drop (refunds to the card added back) plus the authorisations already on
  an order, which Saleor will charge; settling first voids the card's authorisations
  still on checkouts (Saleor's own
  ``detach_gift_card_from_previous_checkout_transactions``), so a released point's
  value can never be charged afterwards.
"""

import datetime
from decimal import Decimal
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from saleor.checkout.models import Checkout
from saleor.giftcard import events as gift_card_events
from saleor.giftcard.lock_objects import gift_card_qs_select_for_update
from saleor.giftcard.models import GiftCard
from saleor.giftcard.utils import deactivate_gift_card
from saleor.order.models import Order

from ..config import load_channel_program
from .gift_card_gateway import detach_gift_card_from_previous_checkout_transactions
from .ledger import EntrySource, release_debit
from .lock_objects import loyalty_account_qs_select_for_update
from .models import LoyaltyEntry, LoyaltyRedemption, RedemptionStatus
from .quote import points_for_value
from .selectors import (
    card_charged_values,
    checkout_gateway_authorisations,
    first_order_paid_by,
    gateway_transactions,
    order_redemption_ids,
)

BATCH_SIZE = 500


def redemption_settle(
    *,
    redemption_id: int,
    order_id: UUID | None = None,
    now: datetime.datetime | None = None,
) -> bool:
    """Spend what the card paid, release the rest, deactivate the card: once."""
    now = now or timezone.now()
    redemption = LoyaltyRedemption.objects.filter(
        pk=redemption_id, status=RedemptionStatus.ACTIVE
    ).first()
    if redemption is None:
        return False
    with transaction.atomic():
        loyalty_account_qs_select_for_update().get(pk=redemption.account_id)
        redemption = LoyaltyRedemption.objects.select_for_update().get(pk=redemption_id)
        if redemption.status != RedemptionStatus.ACTIVE:
            return False
        redemption_settle_locked(redemption=redemption, now=now, order_id=order_id)
    return True


def redemption_settle_locked(
    *,
    redemption: LoyaltyRedemption,
    now: datetime.datetime,
    order_id: UUID | None = None,
) -> None:
    """Settle an active redemption; the caller holds the account's lock.

    Under the card's row lock (Saleor's gateway and checkout completion take it
    before they authorise or charge the card) and its gateway transactions' locks,
    the card's checkout authorisations are voided first; what is left charged or
    authorised on orders is spent, the rest released.
    """
    config = load_channel_program(redemption.account.channel_id).config
    gift_card = gift_card_qs_select_for_update().filter(pk=redemption.gift_card_id).first()
    used = Decimal(0)
    if gift_card is not None:
        _lock_gateway_transactions(gift_card)
        detach_gift_card_from_previous_checkout_transactions(gift_card)
        charged = card_charged_values([gift_card.pk])[gift_card.pk]
        used = min(max(charged, Decimal(0)), redemption.value)
    spent = points_for_value(
        used, points=redemption.points, full_value=redemption.value, config=config
    )
    if spent and order_id is None:
        order_id = first_order_paid_by(gift_card)
    if released := redemption.points - spent:
        _release(redemption, points=released, now=now)
    if gift_card is not None:
        _retire_gift_card(gift_card, now=now)
    LoyaltyRedemption.objects.filter(pk=redemption.pk).update(
        status=RedemptionStatus.SPENT if spent else RedemptionStatus.RELEASED,
        spent_points=spent,
        order_id=order_id if spent else None,
        settled_at=now,
    )


def _release(redemption: LoyaltyRedemption, *, points: int, now: datetime.datetime) -> None:
    """Give ``points`` of the redemption back, each to the batch it was reserved from."""
    release_debit(
        account=redemption.account,
        debit=LoyaltyEntry.objects.get(idempotency_key=f"redeem:{redemption.pk}"),
        points=points,
        idempotency_key=f"release:{redemption.pk}",
        source=EntrySource(
            source_reference=f"checkout:{redemption.checkout_token}",
            reason="redemption released",
        ),
        occurred_at=now,
        now=now,
    )


def _lock_gateway_transactions(gift_card: GiftCard) -> None:
    """Lock the card's gateway transactions (a completion moving one to its order
    waits, or is waited for, before the card's authorisations are read)."""
    list(
        gateway_transactions([gift_card.pk])
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _retire_gift_card(gift_card: GiftCard, *, now: datetime.datetime) -> None:
    """Deactivate the card and take it off any checkout (their prices change).

    Deactivation is Saleor's own ``deactivate_gift_card`` with its event, as
    ``giftCardDeactivate`` does; ``gift_card`` is the row locked by the caller.
    """
    if gift_card.is_active:
        deactivate_gift_card(gift_card)
        gift_card_events.gift_card_deactivated_event(gift_card, user=None, app=None)
    tokens = list(gift_card.checkouts.values_list("token", flat=True))
    if tokens:
        gift_card.checkouts.clear()
        invalidate_checkouts_prices(tokens, now=now)


def invalidate_checkouts_prices(tokens: list, *, now: datetime.datetime) -> None:
    """Mark the checkouts' prices for recalculation, as Saleor does when a card leaves one.

    Saleor's ``invalidate_checkout_prices`` takes a ``CheckoutInfo`` (the checkout's
    lines, channel and delivery: a dozen queries per checkout and a plugin manager,
    which a settling task does not have) and writes only these fields, so they are
    written here the same way, in one statement for every checkout the card was on.
    """
    Checkout.objects.filter(token__in=tokens).update(
        price_expiration=now, discount_expiration=now, last_change=now
    )


def order_redemptions_settle(*, order_id: UUID | str) -> int:
    """Settle the redemptions an order paid with or whose checkout it completed."""
    order = Order.objects.filter(pk=order_id).only("pk", "checkout_token").first()
    if order is None:
        return 0
    return sum(
        redemption_settle(redemption_id=pk, order_id=order.pk) for pk in order_redemption_ids(order)
    )


def redemptions_release_abandoned(*, now: datetime.datetime, limit: int = BATCH_SIZE) -> int:
    """Settle redemptions whose checkout is gone, was left too long or lost the card
    (neither attached to it nor authorised on it through the gift-card gateway).

    A checkout whose completion has started is left alone: its order settles it.
    """
    settled = 0
    holds: dict[int, int] = {}
    last_pk = 0
    while True:
        batch = list(
            LoyaltyRedemption.objects.filter(status=RedemptionStatus.ACTIVE, pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "checkout_token", "gift_card_id", "account__channel_id")[:limit]
        )
        if not batch:
            return settled
        last_pk = batch[-1][0]
        for pk in _abandoned_ids(batch, now=now, holds=holds):
            settled += redemption_settle(redemption_id=pk, now=now)


def _abandoned_ids(
    batch: list[tuple], *, now: datetime.datetime, holds: dict[int, int]
) -> list[int]:
    """The ids of the batch's redemptions to release.

    ``batch`` holds (id, checkout token, card id, channel id) rows; ``holds`` caches
    each channel's ``redemption_hold`` in seconds.
    """
    tokens = [token for _pk, token, _card, _channel in batch]
    checkouts = {
        token: (last_change, completing)
        for token, last_change, completing in Checkout.objects.filter(token__in=tokens).values_list(
            "token", "last_change", "completing_started_at"
        )
    }
    # A card pays its checkout attached to it, or authorised on it through the
    # gift-card gateway (the shopper may take the code off and pay with it there).
    attached = set(
        Checkout.gift_cards.through.objects.filter(checkout_id__in=tokens).values_list(
            "checkout_id", "giftcard_id"
        )
    ) | set(checkout_gateway_authorisations(tokens).values_list("checkout_id", "gift_card_id"))
    abandoned = []
    for pk, token, card_id, channel_id in batch:
        if channel_id not in holds:
            holds[channel_id] = load_channel_program(
                channel_id
            ).config.loyalty.redemption_hold_seconds
        state = checkouts.get(token)
        left_since = now - datetime.timedelta(seconds=holds[channel_id])
        if (
            state is None
            or (token, card_id) not in attached
            or (state[1] is None and state[0] <= left_since)
        ):
            abandoned.append(pk)
    return abandoned
