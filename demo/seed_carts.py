"""Abandoned checkouts for the demo, reminded by the CRM's real sweep.

Shoppers (customers and two guests) leave real Saleor checkouts with lines at chosen
times over the past week; some answered the marketing-consent question (one said no).
The cart-recovery sweep (``carts.detection.abandoned_checkouts_sweep``: detection,
suppression, the stages, offers and their e-mails) then runs at each moment a stage fell
due, as the beat would have run it, and once more now. E-mails go through the plugin's
``notify``: the demo configures no SMTP host, so nothing leaves the machine and apps
subscribed to Saleor's NOTIFY_USER (none in the demo) would send them. One customer, who
was reminded, comes back: points are applied to the checkout (``checkout_points_apply``)
and Saleor's own ``complete_checkout`` turns it into an order paid by a transaction, which
the CRM attributes to the reminders (recovered).

Each part runs once per channel: checkouts are left and reminded while the channel tracks
none; one is recovered while none is recovered.
"""

import dataclasses
import datetime
import uuid

from django.db import transaction
from django.utils import timezone
from saleor.account.models import User
from saleor.channel.models import Channel
from saleor.checkout import calculations
from saleor.checkout.complete_checkout import complete_checkout
from saleor.checkout.delivery_context import (
    assign_delivery_method_to_checkout,
    get_or_fetch_checkout_deliveries,
)
from saleor.checkout.fetch import fetch_checkout_info, fetch_checkout_lines
from saleor.checkout.models import Checkout
from saleor.checkout.payment_utils import update_checkout_payment_statuses
from saleor.checkout.tests.utils import add_variant_to_checkout  # as populatedb does
from saleor.plugins.manager import get_plugins_manager
from saleor.product.models import ProductVariant

from saleor_crm_plugin.carts.attribution import abandoned_checkout_attribute
from saleor_crm_plugin.carts.detection import abandoned_checkouts_sweep
from saleor_crm_plugin.carts.offers import recovery_offers_settle
from saleor_crm_plugin.carts.models import AbandonedCheckout, AbandonedStatus
from saleor_crm_plugin.config import load_channel_program
from saleor_crm_plugin.consent.actions import marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentSource
from saleor_crm_plugin.loyalty.checkout_points import checkout_points_apply
from saleor_crm_plugin.loyalty.exceptions import LoyaltyError
from saleor_crm_plugin.loyalty.models import LoyaltyAccount
from saleor_crm_plugin.loyalty.reconcile import order_loyalty_reconcile

# Hours since each checkout was left, and the shopper's consent answer (None: never
# asked). Shoppers are the programme's members, most points first, then two guests; the
# reminded member with the most points, offered a code a day later, comes back and pays
# with points (recovered).
CARTS = [
    (54, True),
    (150, True),
    (110, True),
    (80, True),
    (40, False),  # said no to marketing: suppressed
    (30, True),
    (20, True),
    (6, True),
    (3, None),  # a guest who never answered: suppressed (the demo's default is no)
]
GUEST_EMAILS = ["guest.shopper@example.com", "window.shopper@example.com"]
STEP = datetime.timedelta(minutes=1)


@dataclasses.dataclass(frozen=True)
class CartsResult:
    checkouts: int = 0
    sweeps: int = 0
    sent: int = 0
    skipped: int = 0
    recovered_order: str | None = None


def carts_seed(*, channel: Channel) -> CartsResult | None:
    """Leave and remind checkouts, then recover one; None when both were done before."""
    config = load_channel_program(channel.pk).config
    if not config.carts.enabled:
        return None
    result = None
    if not AbandonedCheckout.objects.filter(channel=channel).exists():
        result = _carts_leave_and_remind(channel, config=config)
    if not AbandonedCheckout.objects.filter(
        channel=channel, status=AbandonedStatus.RECOVERED
    ).exists():
        order = _recover_one(channel)
        result = dataclasses.replace(
            result or CartsResult(), recovered_order=str(order.number) if order else None
        )
    return result


def _carts_leave_and_remind(channel: Channel, *, config) -> CartsResult:
    """Shoppers leave checkouts; sweep at every moment a stage fell due, and now."""
    now = timezone.now()
    manager = get_plugins_manager(allow_replica=False)
    with transaction.atomic():
        left = _checkouts_leave(channel, now=now, manager=manager)
    moments = {
        left_at + datetime.timedelta(seconds=stage.delay_seconds) + STEP
        for left_at in left
        for stage in config.carts.stages
    }
    moments = sorted(moment for moment in moments | {now} if moment <= now)
    sent = skipped = 0
    for moment in moments:
        swept = abandoned_checkouts_sweep(now=moment)
        sent, skipped = sent + swept.sent, skipped + swept.skipped
    return CartsResult(checkouts=len(left), sweeps=len(moments), sent=sent, skipped=skipped)


def _recover_one(channel: Channel):
    """The reminded customer with the most points comes back (their checkout left open)."""
    balances = dict(
        LoyaltyAccount.objects.filter(channel=channel).values_list("user_id", "balance")
    )
    reminded = AbandonedCheckout.objects.filter(
        channel=channel, status=AbandonedStatus.OPEN, user__isnull=False, stage__gte=2
    )
    target = max(reminded, key=lambda row: (balances.get(row.user_id, 0), -row.pk), default=None)
    if target is None:
        return None
    return _come_back(target.token, manager=get_plugins_manager(allow_replica=False))


def _shoppers(channel: Channel) -> list[tuple[str, User | None]]:
    """(e-mail, customer) pairs: members with an address, most points first; then guests."""
    accounts = (
        LoyaltyAccount.objects.filter(
            channel=channel,
            user__is_staff=False,
            user__is_active=True,
            user__default_shipping_address__isnull=False,
        )
        .select_related("user__default_shipping_address")
        .order_by("-balance", "pk")[: len(CARTS) - len(GUEST_EMAILS)]
    )
    return [(account.user.email, account.user) for account in accounts] + [
        (email, None) for email in GUEST_EMAILS
    ]


def _variants(channel: Channel) -> list[ProductVariant]:
    return list(
        ProductVariant.objects.filter(
            channel_listings__channel=channel,
            channel_listings__price_amount__isnull=False,
            product__channel_listings__channel=channel,
            product__channel_listings__is_published=True,
            stocks__quantity__gt=5,
        )
        .distinct()
        .order_by("pk")[:40]
    )


def _checkouts_leave(channel: Channel, *, now, manager) -> list[datetime.datetime]:
    """Create the shoppers' checkouts; return when each was left."""
    variants = _variants(channel)
    left: list[datetime.datetime] = []
    for number, ((email, user), (hours, consent)) in enumerate(
        zip(_shoppers(channel), CARTS, strict=False)
    ):
        if consent is not None:
            marketing_consent_set(
                email=email,
                granted=consent,
                source=ConsentSource.CUSTOMER,
                user_id=user.pk if user else None,
            )
        turn = (number * 2) % max(len(variants), 1)
        choice = variants[turn:] + variants[:turn]
        checkout = _checkout_fill(channel, email, user, choice, manager=manager)
        if checkout is None:
            continue
        left_at = now - datetime.timedelta(hours=hours)
        Checkout.objects.filter(pk=checkout.pk).update(last_change=left_at)
        left.append(left_at)
    return left


def _checkout_fill(channel, email, user, variants, *, manager) -> Checkout | None:
    """A checkout of the shopper with (up to) two lines Saleor can ship to their address."""
    address = user.default_shipping_address if user else None
    checkout = Checkout.objects.create(
        channel=channel, currency=channel.currency_code, email=email, user=user
    )
    checkout.set_country(address.country.code if address else channel.default_country.code)
    checkout.shipping_address = address.get_copy() if address else None
    checkout.billing_address = address.get_copy() if address else None
    checkout.save()
    checkout_info = fetch_checkout_info(checkout, [], manager)
    added = 0
    for variant in variants:
        try:
            add_variant_to_checkout(checkout_info, variant, 1 + added)
        except Exception:  # out of stock or not sold there: another one
            continue
        added += 1
        if added == 2:
            break
    if not added:
        checkout.delete()
        return None
    checkout.save()
    _prices_calculate(checkout, manager=manager)
    return checkout


def _prices_calculate(checkout: Checkout, *, manager):
    lines, _ = fetch_checkout_lines(checkout)
    checkout_info = fetch_checkout_info(checkout, lines, manager)
    total = calculations.calculate_checkout_total_with_gift_cards(
        manager, checkout_info, lines, force_update=True
    )
    return checkout_info, lines, total


def _come_back(token: uuid.UUID, *, manager):
    """The shopper spends points on the checkout, pays the rest and completes it."""
    checkout = Checkout.objects.filter(pk=token).select_related("user").first()
    if checkout is None or checkout.user is None:
        return None
    account = LoyaltyAccount.objects.get(user=checkout.user, channel=checkout.channel)
    try:
        checkout_points_apply(checkout=checkout, points=account.balance // 2, manager=manager)
    except LoyaltyError:
        pass  # too few points for the programme's minimum: pays it all
    checkout.refresh_from_db()
    checkout_info, lines, _total = _prices_calculate(checkout, manager=manager)
    deliveries = get_or_fetch_checkout_deliveries(checkout_info, requestor=None).get()
    if not deliveries:
        return None
    assign_delivery_method_to_checkout(checkout_info, lines, manager, deliveries[0])
    checkout_info, lines, total = _prices_calculate(checkout, manager=manager)
    checkout.payment_transactions.create(
        name="Credit card",
        psp_reference=f"demo-{token}",
        currency=total.gross.currency,
        charged_value=total.gross.amount,
        available_actions=["refund"],
    )
    update_checkout_payment_statuses(
        checkout=checkout_info.checkout, checkout_total_gross=total.gross, checkout_has_lines=True
    )
    order, _action_required, _data = complete_checkout(
        manager=manager,
        checkout_info=checkout_info,
        lines=lines,
        payment_data={},
        store_source=False,
        user=checkout.user,
        app=None,
    )
    if order is not None:
        # What the order_created hook has the Celery worker do (the worker's run, later,
        # changes nothing): done here so the seed is complete before the API starts.
        order_loyalty_reconcile(order_id=order.pk)
        recovery_offers_settle(order_id=str(order.pk))
        abandoned_checkout_attribute(order_id=str(order.pk))
    return order
