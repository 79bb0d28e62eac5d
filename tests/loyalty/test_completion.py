"""The completion check of points cards (``preprocess_order_creation``).

Its refusals go through Saleor's real ``checkoutComplete`` in
tests/graphql/loyalty and tests/hostile; here, what it costs a checkout.
"""

from django.utils import timezone

from saleor_crm_plugin.loyalty import completion


def test_completion_check_of_a_checkout_no_points_card_touches_costs_one_query(
    checkout_with_item, gift_card, django_assert_num_queries
):
    # given: an ordinary checkout, even one paying with a shop gift card
    checkout_with_item.gift_cards.add(gift_card)

    # when / then: one query, whatever the checkout carries (checkoutComplete is hot)
    with django_assert_num_queries(1):
        completion.checkout_points_check_completion(checkout=checkout_with_item, now=timezone.now())
