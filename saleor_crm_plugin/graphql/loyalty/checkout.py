"""``Checkout.loyalty`` and ``Checkout.crmOffers``: points and offers at checkout.

Both read what Saleor's own checkout fields read (the price-calculation dataloader)
plus one query for the programme, the account, its first expiry, the redemption, the
checkout's gift cards and its live recovery offer (``checkout_read``). The query count
does not grow with the checkout's lines.
"""

import graphene
from prices import Money as Price
from saleor.account.models import User as UserModel
from saleor.checkout.models import Checkout as CheckoutModel
from saleor.core.exceptions import PermissionDenied
from saleor.graphql.checkout.dataloaders.calculations import (
    CheckoutPriceCalculationByCheckoutIdAndWebhookSyncAndForceStatusUpdateLoader,
)
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import SyncWebhookControlContext
from saleor.graphql.core.fields import BaseField
from saleor.graphql.core.scalars import DateTime
from saleor.graphql.core.types import BaseObjectType, Money, NonNullList
from saleor.graphql.utils import get_user_or_app_from_context
from saleor.permission.auth_filters import AuthorizationFilters
from saleor.permission.enums import AccountPermissions, GiftcardPermissions
from saleor.permission.utils import has_one_of_permissions

from ...money import format_money
from ...config import OFFER_FIXED
from ...loyalty.quote import checkout_quote_of, points_value
from ...carts.offers import offer_description
from .checkout_read import CheckoutCrmReadByTokenLoader
from .enums import DOC_CATEGORY_LOYALTY, CrmOfferKindEnum

# Who may see a customer's points on their checkout besides the customer.
READ_PERMISSIONS = [
    AccountPermissions.MANAGE_USERS,
    AccountPermissions.IMPERSONATE_USER,
]
# Who may see the code of a customer's points card besides the customer (as Saleor's
# ``GiftCard.code``).
CODE_PERMISSIONS = [GiftcardPermissions.MANAGE_GIFT_CARD]


class CheckoutLoyalty(BaseObjectType):
    requires_account = graphene.Boolean(
        required=True,
        description="True for a checkout without a customer: only `pointsToEarn` "
        "applies (what signing up would earn).",
    )
    available_points = graphene.Int(
        required=True,
        description="The customer's points that are not reserved anywhere (points "
        "applied to this checkout are in `appliedPoints`).",
    )
    max_redeemable_points = graphene.Int(
        required=True,
        description="The most points `checkoutLoyaltyPointsApply` accepts on this "
        "checkout: bounded by the balance (with what is applied here), the channel's "
        "cap as a share of the total and its minimum redemption; 0 when none can be.",
    )
    applied_points = graphene.Int(required=True, description="Points applied here.")
    applied_value = graphene.Field(
        Money, required=True, description="What the applied points take off the total."
    )
    points_to_earn = graphene.Int(
        required=True,
        description="Points this checkout earns at the customer's tier once paid; the "
        "part paid with points or gift cards earns none.",
    )
    point_value = graphene.Field(Money, required=True, description="What one point is worth.")

    class Meta:
        description = "The customer's loyalty points on a checkout."
        doc_category = DOC_CATEGORY_LOYALTY


class CrmOffer(BaseObjectType):
    kind = CrmOfferKindEnum(required=True, description="What kind of offer.")
    code = graphene.String(
        description="The code that carries the offer, once there is one (for points: "
        "the gift card of the checkout after they are applied; like `GiftCard.code`, "
        "that one requires the customer's own token or MANAGE_GIFT_CARD)."
    )
    description = graphene.String(required=True, description="What the shopper gets.")
    value = graphene.Field(Money, description="The most the offer takes off.")
    points = graphene.Int(description="Points the offer uses, for point redemptions.")
    expires_at = DateTime(description="When the offer (or the earliest points) expires.")

    class Meta:
        description = "An offer the shopper can use on this checkout now."
        doc_category = DOC_CATEGORY_LOYALTY


def card_code_or_denied(requestor, card) -> str | PermissionDenied:
    """The points card's code under Saleor's rule for ``GiftCard.code``.

    A live card code is money: Saleor shows it only to the card's owner (the customer
    it is assigned to or who used it) and to MANAGE_GIFT_CARD, and answers anyone else
    with PermissionDenied on the field. MANAGE_USERS or IMPERSONATE_USER, which let
    staff see the customer's points, do not show the code.
    """
    owners = {user_id for user_id in (card.used_by_id, card.assigned_to_id) if user_id}
    if isinstance(requestor, UserModel) and requestor.pk in owners:
        return card.code
    if requestor and has_one_of_permissions(requestor, CODE_PERMISSIONS):
        return card.code
    return PermissionDenied(permissions=[AuthorizationFilters.OWNER, *CODE_PERMISSIONS])


def can_see_customer_points(requestor, customer_id: int) -> bool:
    if isinstance(requestor, UserModel) and requestor.pk == customer_id:
        return True
    return bool(requestor) and has_one_of_permissions(requestor, READ_PERMISSIONS)


def _may_see_points(info: ResolveInfo, checkout: CheckoutModel) -> bool:
    """Whether the requestor may see the customer's points and offers on ``checkout``
    (a guest's checkout: whoever holds its token).

    Asked once Saleor's price calculation has loaded, never before: that calculation
    authenticates the requestor (it loads the requestor's plugin manager). Asking first
    authenticates inside our resolver, and Saleor's loaders, run while the token is
    checked, ask again: the request would be authenticated twice.
    """
    if not checkout.user_id:
        return True
    return can_see_customer_points(get_user_or_app_from_context(info.context), checkout.user_id)


def _load_read(info: ResolveInfo, root: SyncWebhookControlContext[CheckoutModel]):
    """Promise of (the checkout as Saleor priced it, its ``CheckoutCrmRead`` or None).

    Saleor's price calculation first (it may store new prices), then one query reads
    the programme, the account, the redemption, the gift cards and the recovery offer.
    """
    checkout = root.node
    context = info.context
    prices = CheckoutPriceCalculationByCheckoutIdAndWebhookSyncAndForceStatusUpdateLoader(
        context
    ).load((checkout.token, root.allow_sync_webhooks, False))

    def with_prices(calculated):
        checkout_info, _lines = calculated
        return (
            CheckoutCrmReadByTokenLoader(context)
            .load(checkout.token)
            .then(lambda read: (checkout_info.checkout, read))
        )

    return prices.then(with_prices)


def _quote(checkout: CheckoutModel, priced: CheckoutModel, read):
    """(programme, quote, points card, state) of the checkout; None if the programme is off.

    The quote is the one ``checkoutLoyaltyPointsApply`` checks the points against.
    """
    state = read.loyalty if read else None
    if state is None or not state.program.active:
        return None
    quote = checkout_quote_of(
        config=state.program.config,
        checkout=priced,
        other_gift_cards=state.other_gift_cards,
        card_value=state.card.current_balance_amount if state.card else None,
        redemption_points=state.redemption_points,
        account=(state.balance, state.tier_name) if checkout.user_id else None,
    )
    return state.program, quote, state.card, state


def resolve_checkout_loyalty(root: SyncWebhookControlContext[CheckoutModel], info: ResolveInfo):
    checkout = root.node
    currency = checkout.currency

    def build(loaded):
        if not _may_see_points(info, checkout):
            raise PermissionDenied(permissions=[AuthorizationFilters.OWNER, *READ_PERMISSIONS])
        found = _quote(checkout, *loaded)
        if found is None:
            return None
        program, quote, _card, _state = found
        return CheckoutLoyalty(
            requires_account=checkout.user_id is None,
            available_points=quote.available_points,
            max_redeemable_points=quote.max_redeemable_points,
            applied_points=quote.applied_points,
            applied_value=Price(quote.applied_value, currency),
            points_to_earn=quote.points_to_earn,
            point_value=Price(program.config.loyalty.point_value, currency),
        )

    return _load_read(info, root).then(build)


def _loyalty_offers(checkout: CheckoutModel, found, info: ResolveInfo) -> list:
    """The points the customer can pay this checkout with, as an offer (none if none)."""
    if found is None:
        return []
    currency = checkout.currency
    program, quote, card, state = found
    points = max(quote.max_redeemable_points, quote.applied_points)
    if points <= 0 or state.account_id is None:
        return []
    value = points_value(points, config=program.config, currency=currency)
    requestor = get_user_or_app_from_context(info.context)
    code = card_code_or_denied(requestor, card) if card else None
    return [
        CrmOffer(
            kind=CrmOfferKindEnum.LOYALTY_REDEMPTION,
            code=code,
            description=f"Pay up to {format_money(value, currency)} with {points} loyalty points.",
            value=Price(value, currency),
            points=points,
            expires_at=state.first_expiry,
        )
    ]


def cart_recovery_crm_offer(offer, currency: str) -> CrmOffer:
    """A ``CartRecoveryOffer`` as a ``CrmOffer`` (``crmOffers`` and ``crmCartRestore``)."""
    return CrmOffer(
        kind=CrmOfferKindEnum.CART_RECOVERY,
        code=offer.code,
        description=offer_description(offer, currency),
        value=Price(offer.value, currency) if offer.discount_type == OFFER_FIXED else None,
        points=None,
        expires_at=offer.ends_at,
    )


def _cart_recovery_offers(checkout: CheckoutModel, read) -> list:
    """The live recovery offer this checkout may show (``carts.selectors.live_offer_of``):
    on the checkout it was issued for, to whoever holds its token (the token is in the
    reminder's link), and on the other checkouts of the customer who owned that one."""
    offer = read.live_offer if read else None
    return [] if offer is None else [cart_recovery_crm_offer(offer, checkout.currency)]


def resolve_checkout_crm_offers(root: SyncWebhookControlContext[CheckoutModel], info: ResolveInfo):
    # A customer's checkout shows offers to the customer (and staff who may see their
    # points); a guest's shows the recovery offer to whoever holds the checkout token,
    # without Saleor's prices (no points to quote).
    checkout = root.node
    if not checkout.user_id:
        return (
            CheckoutCrmReadByTokenLoader(info.context)
            .load(checkout.token)
            .then(lambda read: _cart_recovery_offers(checkout, read))
        )

    def build(loaded):
        if not _may_see_points(info, checkout):
            return []
        priced, read = loaded
        found = _quote(checkout, priced, read)
        return [*_loyalty_offers(checkout, found, info), *_cart_recovery_offers(checkout, read)]

    return _load_read(info, root).then(build)


# (Saleor type, field name, mounted field with its resolver): see ..schema
def checkout_type_extensions(checkout_type) -> list:
    return [
        (
            checkout_type,
            "loyalty",
            BaseField(
                CheckoutLoyalty,
                description="Loyalty points on this checkout; null when the channel has "
                "no active programme. For a customer's checkout requires the customer's "
                "own token, MANAGE_USERS or IMPERSONATE_USER.",
                resolver=resolve_checkout_loyalty,
                doc_category=DOC_CATEGORY_LOYALTY,
            ),
        ),
        (
            checkout_type,
            "crm_offers",
            BaseField(
                NonNullList(CrmOffer),
                required=True,
                description="Offers this shopper can use now: loyalty points (a "
                "customer's checkout) and the live cart-recovery code (the checkout it was "
                "issued for, or any checkout of the customer who owned that one).",
                resolver=resolve_checkout_crm_offers,
                doc_category=DOC_CATEGORY_LOYALTY,
            ),
        ),
    ]
