"""Points applied, removed and applied again: each card pays once, at most its points.

Every card the shopper ever held keeps its code; only the last one may pay. The old
ones are deactivated and off the checkout, so neither Saleor's promo code nor its
gift-card gateway takes them again.
"""

from decimal import Decimal

from saleor.giftcard.models import GiftCard
from saleor.order.models import Order

from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyRedemption
from tests.fixtures.loyalty import balance_of, ledger_entries
from tests.graphql.loyalty.checkout_utils import apply_points, remove_points
from tests.hostile.points import (
    add_promo_code,
    assert_ledger_agrees_with_cards,
    authorize_gift_card,
    card_codes,
    checkout_total,
    complete,
    gateway_transactions,
    pay_by_card,
)


def test_apply_remove_and_apply_again_spends_only_the_last_card(
    user_api_client, crm_usd, shopper_checkout, customer_user
):
    # given: the shopper applies, removes, applies 600 and then 400 points, keeping
    # every card's code
    checkout = shopper_checkout
    codes = []
    for points in (1000, None, 600, 400):
        if points is None:
            assert remove_points(user_api_client, checkout)["errors"] == []
            continue
        assert apply_points(user_api_client, checkout, points)["errors"] == []
        codes += card_codes(user_api_client, checkout)
    first, second, last = codes

    # when: the old codes are tried again through both of Saleor's doors, then the
    # checkout is completed
    added = [add_promo_code(user_api_client, checkout, code) for code in (first, second)]
    authorized = [
        authorize_gift_card(user_api_client, checkout, code, "1.00") for code in (first, second)
    ]
    pay_by_card(checkout, checkout_total(checkout))
    data = complete(user_api_client, checkout)

    # then: only the last card (4.00) paid; the 600 reserved before went back
    assert [item["errors"][0]["code"] for item in added] == ["INVALID", "INVALID"]
    assert [item["transaction"]["authorizedAmount"] for item in authorized] == [
        {"amount": 0.0},
        {"amount": 0.0},
    ]
    assert data["errors"] == []
    order = Order.objects.get()
    cards = {card.code: card for card in GiftCard.objects.all()}
    assert [(cards[code].current_balance_amount, cards[code].is_active) for code in codes] == [
        (Decimal("10.000"), False),
        (Decimal("6.000"), False),
        (Decimal("0.000"), False),
    ]
    assert list(
        LoyaltyRedemption.objects.order_by("pk").values_list("status", "spent_points", "order_id")
    ) == [("released", 0, None), ("released", 0, None), ("spent", 400, order.pk)]
    assert ledger_entries() == [
        (EntryType.ADJUST, 1000),
        (EntryType.REDEEM, -1000),
        (EntryType.RELEASE, 1000),
        (EntryType.REDEEM, -600),
        (EntryType.RELEASE, 600),
        (EntryType.REDEEM, -400),
        (EntryType.EARN, 26),
    ]
    assert balance_of(customer_user, crm_usd) == 626
    assert_ledger_agrees_with_cards()


def test_applying_again_voids_the_gateway_authorisation_of_the_old_card(
    user_api_client, crm_usd, shopper_checkout, customer_user
):
    # given: the first card's 10.00 authorised through the gift-card gateway
    checkout = shopper_checkout
    assert apply_points(user_api_client, checkout, 1000)["errors"] == []
    [old_code] = card_codes(user_api_client, checkout)
    assert authorize_gift_card(user_api_client, checkout, old_code, "10.00")["errors"] == []

    # when: the shopper applies 400 points instead, pays the rest by card, completes
    assert apply_points(user_api_client, checkout, 400)["errors"] == []
    pay_by_card(checkout, checkout_total(checkout))
    data = complete(user_api_client, checkout)

    # then: the old card's authorisation was voided; only the new card paid
    assert data["errors"] == []
    [gateway] = gateway_transactions()
    assert (gateway.gift_card_id, gateway.authorized_value) == (None, Decimal(0))
    cards = {card.code: card for card in GiftCard.objects.all()}
    assert cards[old_code].current_balance_amount == Decimal(10)
    assert list(LoyaltyRedemption.objects.order_by("pk").values_list("status", "spent_points")) == [
        ("released", 0),
        ("spent", 400),
    ]
    # 30.00 of lines, 4.00 paid with points: 26 points earned
    assert balance_of(customer_user, crm_usd) == 600 + 26
    assert_ledger_agrees_with_cards()
