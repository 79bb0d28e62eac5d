"""``checkout_state_annotations`` / ``checkout_state_of``: a checkout's programme,
account, redemption and cards, read in one statement kept as the storefront keeps it."""

import datetime
from decimal import Decimal

from django.utils import timezone
from saleor.checkout.models import Checkout

from saleor_crm_plugin.kept_sql import STAND_IN_DAY, keep
from saleor_crm_plugin.loyalty.checkout_state import checkout_state_annotations, checkout_state_of
from saleor_crm_plugin.loyalty.models import LoyaltyAccount
from saleor_crm_plugin.loyalty.selectors import earliest_expiry_by_account_id
from tests.fixtures.perf import queries_counted
from tests.graphql.loyalty.checkout_utils import apply_points, customer_checkout


def _state(checkout):
    queryset = (
        Checkout.objects.filter(token=checkout.token)
        .values("token", "user_id")
        .annotate(**checkout_state_annotations(STAND_IN_DAY))
    )
    statement = keep(queryset, using="default", stand_ins={"today": STAND_IN_DAY})
    with queries_counted() as queries:
        (row,) = statement.rows("default", today=timezone.now().date())
    assert len(queries) == 1
    return checkout_state_of(row)


def test_guest_checkout_counts_usable_cards_only(
    crm_usd, checkout_with_item, gift_card, gift_card_expiry_date, gift_card_used
):
    # given: 10.00 and 20.00 usable; a card that expired and an inactive one do not count
    gift_card_used.expiry_date = timezone.now().date() - datetime.timedelta(days=1)
    gift_card_used.save(update_fields=["expiry_date"])
    gift_card_expiry_date.pk = None
    gift_card_expiry_date.code = "inactive"
    gift_card_expiry_date.is_active = False
    gift_card_expiry_date.save()
    inactive = gift_card_expiry_date
    checkout_with_item.gift_cards.add(gift_card, gift_card_used, inactive)

    # when
    state = _state(checkout_with_item)

    # then
    assert state.program.active
    assert (state.account_id, state.balance, state.tier_name) == (None, 0, "")
    assert (state.redemption_points, state.card) == (None, None)
    assert state.other_gift_cards == Decimal("10.000")


def test_customer_checkout_with_points_applied(
    user_api_client, crm_usd, checkout_with_item, customer_user, gift_card
):
    # given: the customer applied 500 of 1200 points; another card is attached too
    checkout = customer_checkout(checkout_with_item, customer_user, points=1200)
    apply_points(user_api_client, checkout, 500)
    checkout.gift_cards.add(gift_card)
    account = LoyaltyAccount.objects.get(user=customer_user, channel=crm_usd)
    points_card = checkout.gift_cards.get(
        code__isnull=False, metadata__has_key="crm.loyalty.checkout"
    )

    # when
    state = _state(checkout)

    # then
    assert (state.account_id, state.balance) == (account.pk, account.balance)
    assert state.first_expiry == earliest_expiry_by_account_id([account.pk], using="default").get(
        account.pk
    )
    assert state.redemption_points == 500
    assert state.card.pk == points_card.pk
    assert state.card.code == points_card.code
    assert state.card.current_balance_amount == Decimal("5.000")
    assert state.other_gift_cards == Decimal("10.000")


def test_programme_off_in_a_channel_never_configured(checkout_with_item):
    # when
    state = _state(checkout_with_item)

    # then
    assert not state.program.active
