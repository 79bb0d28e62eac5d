"""Points on a checkout: apply them (reserve and pay as a gift card), or remove them.

Saleor keeps totals, taxes and order creation: applying points creates a gift card
worth the points, restricted to the customer (``assign_gift_card_to_user``), tagged
``crm.loyalty.checkout`` in its metadata and attached to the checkout with Saleor's
``add_gift_card_code_to_checkout``, so Saleor's own gift-card-adjusted total drops and
``checkoutComplete`` pays with it (docs/architecture.md, "Points at checkout").

Applying posts a ``REDEEM`` entry (``redeem:<id>``) under the account's row lock: the
ledger refuses an overdraft, so two checkouts racing for the same points cannot both
get them. Applying again settles the checkout's active redemption first; removing
settles it (``redemption.py``). How many points a checkout takes is the quote's
(``quote.checkout_quote``), the same the ``Checkout.loyalty`` field shows.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from saleor.account.models import User
from saleor.app.models import App
from saleor.checkout import calculations
from saleor.checkout.fetch import CheckoutInfo, fetch_checkout_info, fetch_checkout_lines
from saleor.checkout.models import Checkout
from saleor.checkout.utils import invalidate_checkout_prices
from saleor.core.utils.promo_code import generate_promo_code
from saleor.giftcard import events as gift_card_events
from saleor.giftcard.models import GiftCard
from saleor.giftcard.utils import add_gift_card_code_to_checkout, assign_gift_card_to_user
from saleor.plugins.manager import PluginsManager

from ..config import ChannelConfig, load_channel_program
from .accounts import account_get_or_create
from .exceptions import CheckoutWithoutCustomer, ProgramInactive
from .ledger import EntrySource, post_entry
from .lock_objects import loyalty_account_qs_select_for_update
from .models import EntryType, LoyaltyAccount, LoyaltyRedemption, RedemptionStatus
from .quote import GIFT_CARD_METADATA_KEY, checkout_quote, points_to_reserve, points_value
from .redemption import redemption_settle, redemption_settle_locked
from .selectors import active_redemption


def checkout_points_apply(
    *,
    checkout: Checkout,
    points: int,
    manager: PluginsManager,
    actor_user: User | None = None,
    actor_app: App | None = None,
) -> LoyaltyRedemption:
    """Reserve ``points`` of the checkout's customer and pay them as a gift card.

    Replaces what the checkout had applied. Nothing is written when it raises.
    """
    config = _program_config(checkout)
    checkout_info = _calculated_checkout_info(checkout, manager)
    now = timezone.now()
    with transaction.atomic():
        account = account_get_or_create(user_id=checkout.user_id, channel_id=checkout.channel_id)
        locked = loyalty_account_qs_select_for_update().get(pk=account.pk)
        current = (
            LoyaltyRedemption.objects.select_for_update()
            .filter(checkout_token=checkout.token, status=RedemptionStatus.ACTIVE)
            .first()
        )
        quoted = checkout_quote(
            config=config,
            checkout=checkout_info.checkout,
            gift_cards=checkout.gift_cards.all(),
            redemption=current,
            account=locked,
            today=now.date(),
        )
        points = points_to_reserve(
            points, quote=quoted.quote, config=config, currency=checkout.currency
        )
        if current is not None:
            redemption_settle_locked(redemption=current, now=now)
        redemption = _reserve(
            locked,
            checkout,
            points=points,
            config=config,
            now=now,
            actor_user=actor_user,
            actor_app=actor_app,
        )
        gift_card = _issue_gift_card(
            checkout, value=redemption.value, actor_user=actor_user, actor_app=actor_app
        )
        LoyaltyRedemption.objects.filter(pk=redemption.pk).update(gift_card_id=gift_card.pk)
        redemption.gift_card_id = gift_card.pk
        add_gift_card_code_to_checkout(
            checkout, checkout.get_customer_email() or "", gift_card.code, checkout.currency
        )
        invalidate_checkout_prices(checkout_info, save=True)
    return redemption


def _program_config(checkout: Checkout) -> ChannelConfig:
    """The configuration of the checkout's programme, if points can pay this checkout."""
    program = load_channel_program(checkout.channel_id)
    if not program.active:
        raise ProgramInactive("The loyalty programme is not active in this channel.", field="id")
    if checkout.user_id is None:
        raise CheckoutWithoutCustomer(
            "Points can be redeemed only on a checkout of a signed-in customer.",
            field="id",
        )
    return program.config


def _calculated_checkout_info(checkout: Checkout, manager: PluginsManager) -> CheckoutInfo:
    """The checkout with its prices as Saleor calculates them now."""
    lines, _ = fetch_checkout_lines(checkout)
    checkout_info = fetch_checkout_info(checkout, lines, manager)
    calculations.calculate_checkout_total(manager=manager, checkout_info=checkout_info, lines=lines)
    return checkout_info


def _reserve(
    account: LoyaltyAccount,
    checkout: Checkout,
    *,
    points: int,
    config: ChannelConfig,
    now: datetime.datetime,
    actor_user: User | None,
    actor_app: App | None,
) -> LoyaltyRedemption:
    """A redemption of ``points`` for the checkout and its ``redeem`` entry."""
    redemption = LoyaltyRedemption.objects.create(
        account=account,
        checkout_token=checkout.token,
        points=points,
        value=points_value(points, config=config, currency=checkout.currency),
        currency=checkout.currency,
        created_at=now,
    )
    post_entry(
        account=account,
        points=-points,
        entry_type=EntryType.REDEEM,
        idempotency_key=f"redeem:{redemption.pk}",
        source=EntrySource(
            source_reference=f"checkout:{checkout.token}",
            reason="redeemed at checkout",
            actor_user_id=actor_user.pk if actor_user else None,
            actor_app_id=actor_app.pk if actor_app else None,
        ),
        occurred_at=now,
    )
    return redemption


def _issue_gift_card(
    checkout: Checkout, *, value: Decimal, actor_user: User | None, actor_app: App | None
) -> GiftCard:
    """A gift card worth ``value``, restricted to the checkout's customer.

    Saleor has no function that issues one card outside an order line
    (``gift_cards_create`` issues cards bought in an order; ``giftCardCreate`` does
    its work in the mutation), so the card is created here as that mutation does,
    with Saleor's code generator and its ``issued`` and ``assigned`` events; the
    restriction is Saleor's ``assign_gift_card_to_user``.
    """
    customer = checkout.user
    gift_card = GiftCard.objects.create(
        code=generate_promo_code(),
        currency=checkout.currency,
        initial_balance_amount=value,
        current_balance_amount=value,
        created_by=customer,
        created_by_email=customer.email,
        app=actor_app,
        metadata={GIFT_CARD_METADATA_KEY: str(checkout.token)},
    )
    gift_card_events.gift_card_issued_event(gift_card, user=actor_user, app=actor_app)
    assign_gift_card_to_user(gift_card, customer)
    gift_card_events.gift_card_assigned_event(
        gift_card,
        previous_user_id=None,
        previous_email=None,
        user=actor_user,
        app=actor_app,
    )
    return gift_card


def checkout_points_remove(*, checkout: Checkout) -> LoyaltyRedemption | None:
    """Release what the checkout had applied (nothing to release: nothing happens)."""
    active = active_redemption(checkout.token)
    if active is None:
        return None
    redemption_settle(redemption_id=active.pk)
    active.refresh_from_db()
    return active
