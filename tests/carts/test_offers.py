import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone
from saleor.checkout.fetch import fetch_checkout_info
from saleor.discount import DiscountValueType, VoucherType
from saleor.discount.models import Voucher, VoucherCode
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.carts import offers
from saleor_crm_plugin.carts.error_codes import CartRecoveryErrorCode
from saleor_crm_plugin.carts.exceptions import CartRecoveryError
from saleor_crm_plugin.carts.models import CartRecoveryOffer, OfferStatus
from saleor_crm_plugin.config import OfferSpec
from tests.carts.checkout_helpers import checkout_create
from tests.fixtures.cart_offers import TEN_PERCENT_ITEMS, CartRecoveryOfferFactory

NOW = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)


def test_issue_creates_a_single_use_voucher_on_the_cart_items(
    recovery_channel, checkout_with_item, abandoned_from_checkout
):
    # given
    abandoned = abandoned_from_checkout(checkout_with_item, sent_stages=[1])
    product_id = checkout_with_item.lines.get().variant.product_id

    # when
    offer = offers.recovery_offer_issue(abandoned=abandoned, spec=TEN_PERCENT_ITEMS, now=NOW)

    # then
    voucher = Voucher.objects.get()
    assert offer.voucher_id == voucher.pk
    assert offer.status == OfferStatus.LIVE
    assert offer.email == "user@email.com"
    assert offer.ends_at == NOW + datetime.timedelta(days=7)
    assert (offer.discount_type, offer.value, offer.scope) == ("percentage", Decimal(10), "items")
    assert offer.code.startswith("CART-") and len(offer.code) == 15
    assert voucher.type == VoucherType.SPECIFIC_PRODUCT
    assert voucher.discount_value_type == DiscountValueType.PERCENTAGE
    assert voucher.single_use is True
    assert voucher.usage_limit == 1
    assert voucher.start_date == NOW
    assert voucher.end_date == NOW + datetime.timedelta(days=7)
    assert voucher.private_metadata == {"saleor_crm.bound_email": "user@email.com"}
    assert list(voucher.products.values_list("pk", flat=True)) == [product_id]
    assert list(voucher.codes.values_list("code", "used", "is_active")) == [(offer.code, 0, True)]
    listing = voucher.channel_listings.get()
    assert (listing.channel_id, listing.discount_value, listing.currency) == (
        recovery_channel.pk,
        Decimal(10),
        "USD",
    )


@pytest.mark.parametrize(
    ("spec", "voucher_type", "value_type", "value"),
    [
        (
            OfferSpec("fixed", Decimal(5), "order", 3 * 86400),
            VoucherType.ENTIRE_ORDER,
            DiscountValueType.FIXED,
            Decimal(5),
        ),
        (
            OfferSpec("percentage", Decimal(15), "order", 3 * 86400),
            VoucherType.ENTIRE_ORDER,
            DiscountValueType.PERCENTAGE,
            Decimal(15),
        ),
        (
            OfferSpec("free_shipping", Decimal(0), "order", 3 * 86400),
            VoucherType.SHIPPING,
            DiscountValueType.PERCENTAGE,
            Decimal(100),
        ),
    ],
)
def test_issue_whole_order_and_free_shipping_offers(
    recovery_channel,
    checkout_with_item,
    abandoned_from_checkout,
    spec,
    voucher_type,
    value_type,
    value,
):
    # given
    abandoned = abandoned_from_checkout(checkout_with_item, sent_stages=[1])

    # when
    offer = offers.recovery_offer_issue(abandoned=abandoned, spec=spec, now=NOW)

    # then
    voucher = offer.voucher
    assert (voucher.type, voucher.discount_value_type) == (voucher_type, value_type)
    assert voucher.products.count() == 0
    assert voucher.channel_listings.get().discount_value == value
    assert offer.value == value
    assert voucher.end_date == NOW + datetime.timedelta(days=3)


def test_issue_for_the_same_checkout_returns_its_live_offer(
    recovery_channel, checkout_with_item, abandoned_from_checkout
):
    # given
    abandoned = abandoned_from_checkout(checkout_with_item, sent_stages=[1])
    first = offers.recovery_offer_issue(abandoned=abandoned, spec=TEN_PERCENT_ITEMS, now=NOW)

    # when
    again = offers.recovery_offer_issue(
        abandoned=abandoned, spec=TEN_PERCENT_ITEMS, now=NOW + datetime.timedelta(hours=1)
    )

    # then
    assert again.pk == first.pk
    assert CartRecoveryOffer.objects.count() == 1
    assert Voucher.objects.count() == 1


def test_an_offer_for_a_second_cart_is_on_that_carts_items_and_supersedes_the_first(
    recovery_channel, checkout_with_item, abandoned_from_checkout, product_list
):
    # given: user@email.com left a first cart with an offer, then a second of other items
    first_abandoned = abandoned_from_checkout(checkout_with_item, sent_stages=[1, 2])
    first = offers.recovery_offer_issue(abandoned=first_abandoned, spec=TEN_PERCENT_ITEMS, now=NOW)
    second_cart = checkout_create(
        recovery_channel, product_list[0].variants.first(), email="user@email.com"
    )
    second_abandoned = abandoned_from_checkout(second_cart, sent_stages=[1])

    # when
    second = offers.recovery_offer_issue(
        abandoned=second_abandoned, spec=TEN_PERCENT_ITEMS, now=NOW + datetime.timedelta(days=1)
    )

    # then: the new code is bound to the second cart and discounts its items
    first.refresh_from_db()
    assert second.pk != first.pk
    assert second.abandoned_id == second_abandoned.pk
    assert list(second.voucher.products.values_list("pk", flat=True)) == [product_list[0].pk]
    assert (first.status, first.revoked_reason) == (OfferStatus.REVOKED, "superseded")
    assert VoucherCode.objects.get(code=first.code).is_active is False
    assert VoucherCode.objects.get(code=second.code).is_active is True
    assert CartRecoveryOffer.objects.filter(status=OfferStatus.LIVE).get() == second


@override_settings(ANONYMOUS_CHECKOUTS_TIMEDELTA=datetime.timedelta(days=30))
@pytest.mark.parametrize(
    ("customer", "ends_after_last_change"),
    [(False, datetime.timedelta(days=30)), (True, datetime.timedelta(days=65))],
)
def test_a_code_never_outlives_the_checkout_it_was_issued_for(
    customer,
    ends_after_last_change,
    recovery_channel,
    checkout_with_item,
    customer_user,
    abandoned_from_checkout,
):
    # given: a 20-day stage offering a code valid 45 days; Saleor deletes a guest's
    # checkout 30 days after its last change, a customer's after 90
    if customer:
        checkout_with_item.user = customer_user
        checkout_with_item.save(update_fields=["user"])
    abandoned = abandoned_from_checkout(checkout_with_item, sent_stages=[1])
    last_change = abandoned.last_change_seen
    spec = OfferSpec("fixed", Decimal(5), "order", 45 * 86400)

    # when
    offer = offers.recovery_offer_issue(
        abandoned=abandoned, spec=spec, now=last_change + datetime.timedelta(days=20)
    )

    # then
    assert offer.ends_at == last_change + ends_after_last_change
    assert offer.voucher.end_date == offer.ends_at


def test_one_live_offer_per_shopper_is_kept_by_the_database(
    recovery_channel, checkout_with_item, abandoned_from_checkout
):
    # given
    abandoned = abandoned_from_checkout(checkout_with_item, sent_stages=[1])
    offer = offers.recovery_offer_issue(abandoned=abandoned, spec=TEN_PERCENT_ITEMS, now=NOW)

    # when / then: a second live row for the same e-mail is refused by PostgreSQL
    with pytest.raises(IntegrityError), transaction.atomic():
        CartRecoveryOfferFactory(abandoned=abandoned, email=offer.email, ends_at=NOW)
    assert CartRecoveryOffer.objects.count() == 1


def test_issue_after_the_end_date_expires_the_old_offer_and_makes_a_new_one(
    recovery_channel, checkout_with_item, abandoned_from_checkout
):
    # given
    abandoned = abandoned_from_checkout(checkout_with_item, sent_stages=[1])
    old = offers.recovery_offer_issue(abandoned=abandoned, spec=TEN_PERCENT_ITEMS, now=NOW)

    # when
    new = offers.recovery_offer_issue(
        abandoned=abandoned, spec=TEN_PERCENT_ITEMS, now=NOW + datetime.timedelta(days=8)
    )

    # then
    old.refresh_from_db()
    assert new.pk != old.pk
    assert (old.status, new.status) == (OfferStatus.EXPIRED, OfferStatus.LIVE)
    assert VoucherCode.objects.get(code=old.code).is_active is False
    assert VoucherCode.objects.get(code=new.code).is_active is True


def test_issue_on_items_of_a_gone_checkout_is_refused_and_writes_nothing(
    recovery_channel, checkout_with_item, abandoned_from_checkout
):
    # given
    abandoned = abandoned_from_checkout(checkout_with_item, sent_stages=[1])
    checkout_with_item.delete()

    # when
    with pytest.raises(CartRecoveryError) as raised:
        offers.recovery_offer_issue(abandoned=abandoned, spec=TEN_PERCENT_ITEMS, now=NOW)

    # then
    assert raised.value.code == CartRecoveryErrorCode.NOT_FOUND
    assert CartRecoveryOffer.objects.count() == 0
    assert Voucher.objects.count() == 0


def test_expire_marks_offers_past_their_end_and_deactivates_their_codes(
    recovery_channel, checkout_with_item, abandoned_from_checkout, abandoned_row
):
    # given: one offer ends in 7 days, another in 1 day
    abandoned = abandoned_from_checkout(checkout_with_item, sent_stages=[1])
    long = offers.recovery_offer_issue(abandoned=abandoned, spec=TEN_PERCENT_ITEMS, now=NOW)
    short = offers.recovery_offer_issue(
        abandoned=abandoned_row(recovery_channel, email="other@example.com"),
        spec=OfferSpec("fixed", Decimal(5), "order", 86400),
        now=NOW,
    )

    # when
    expired = offers.recovery_offers_expire(now=NOW + datetime.timedelta(days=2))
    replay = offers.recovery_offers_expire(now=NOW + datetime.timedelta(days=2))

    # then
    long.refresh_from_db()
    short.refresh_from_db()
    assert (expired, replay) == (1, 0)
    assert (long.status, short.status) == (OfferStatus.LIVE, OfferStatus.EXPIRED)
    assert VoucherCode.objects.get(code=short.code).is_active is False
    assert VoucherCode.objects.get(code=long.code).is_active is True


def test_a_live_offer_in_another_channel_means_no_offer_here(
    recovery_channel, channel_PLN, checkout_with_item, abandoned_from_checkout, abandoned_row
):
    # given: the shopper's live offer was made in the PLN channel
    elsewhere = offers.recovery_offer_issue(
        abandoned=abandoned_row(channel_PLN, email="user@email.com"),
        spec=OfferSpec("fixed", Decimal(20), "order", 86400),
        now=NOW,
    )
    abandoned = abandoned_from_checkout(checkout_with_item, sent_stages=[1])

    # when
    offer = offers.recovery_offer_issue(abandoned=abandoned, spec=TEN_PERCENT_ITEMS, now=NOW)

    # then: its code would not work in USD; the shopper keeps that one offer
    assert offer is None
    assert list(CartRecoveryOffer.objects.values_list("pk", "status")) == [
        (elsewhere.pk, OfferStatus.LIVE)
    ]
    assert Voucher.objects.count() == 1


def test_one_checkout_at_a_time_may_complete_with_the_owners_code(
    customer_offer, checkout_with_item, customer_user, recovery_channel, settings
):
    # given: the owner's abandoned checkout and a second checkout of theirs carry the code
    variant = checkout_with_item.lines.get().variant
    second = checkout_create(
        recovery_channel, variant, email=customer_user.email, user=customer_user
    )
    for checkout in (checkout_with_item, second):
        checkout.voucher_code = customer_offer.code
        checkout.save(update_fields=["voucher_code"])
    manager = get_plugins_manager(allow_replica=False)
    first_info = fetch_checkout_info(checkout_with_item, [], manager)
    second_info = fetch_checkout_info(second, [], manager)
    now = timezone.now()
    lock_time = datetime.timedelta(seconds=settings.CHECKOUT_COMPLETION_LOCK_TIME)

    # when: the first completion has passed the check and is making its order
    offers.recovery_offer_check_order(checkout_info=first_info, now=now)
    with pytest.raises(CartRecoveryError) as refused:
        offers.recovery_offer_check_order(checkout_info=second_info, now=now + lock_time / 2)
    offers.recovery_offer_check_order(checkout_info=first_info, now=now + lock_time / 2)

    # then: the second is refused while the first holds the code, and may try once the
    # first completion has been given up for longer than Saleor's completion lock
    assert refused.value.code == CartRecoveryErrorCode.VOUCHER_NOT_ALLOWED
    assert refused.value.field == "voucher_code"
    customer_offer.refresh_from_db()
    assert customer_offer.claimed_checkout_token == checkout_with_item.token
    later = now + lock_time / 2 + lock_time + datetime.timedelta(seconds=1)
    offers.recovery_offer_check_order(checkout_info=second_info, now=later)
    customer_offer.refresh_from_db()
    assert (customer_offer.claimed_checkout_token, customer_offer.claimed_at) == (
        second.token,
        later,
    )
    assert customer_offer.status == OfferStatus.LIVE
