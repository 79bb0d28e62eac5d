"""`Checkout.crmOffers` shows the shopper's live recovery code (kind CART_RECOVERY)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from saleor.graphql.core.utils import to_global_id_or_none
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.carts import offers
from saleor_crm_plugin.carts.models import CartRecoveryOffer, OfferStatus
from saleor_crm_plugin.config import OfferSpec
from tests.fixtures.cart_offers import TEN_PERCENT_ITEMS

CRM_OFFERS = """
query($id: ID!) {
  checkout(id: $id) {
    crmOffers { kind code description value { amount currency } points expiresAt }
  }
}
"""

OWNER_OR_MANAGE_USERS = ["user_api_client", "staff_manage_users", "app_manage_users"]
OTHERS = ["api_client", "user2_api_client", "staff_api_client", "app_api_client"]


def crm_offers(client, checkout) -> list:
    response = client.post_graphql(CRM_OFFERS, {"id": to_global_id_or_none(checkout)})
    return get_graphql_content(response)["data"]["checkout"]["crmOffers"]


def expected(offer, description="10 % off your items", value=None):
    return {
        "kind": "CART_RECOVERY",
        "code": offer.code,
        "description": description,
        "value": value,
        "points": None,
        "expiresAt": offer.ends_at.isoformat(),
    }


def _issue(abandoned, spec=TEN_PERCENT_ITEMS, now=None):
    return offers.recovery_offer_issue(abandoned=abandoned, spec=spec, now=now or timezone.now())


@pytest.fixture
def customer_offer(recovery_channel, checkout_with_item, customer_user, abandoned_from_checkout):
    """customer_user's checkout and their live offer."""
    checkout_with_item.user = customer_user
    checkout_with_item.email = customer_user.email
    checkout_with_item.save(update_fields=["user", "email"])
    return _issue(abandoned_from_checkout(checkout_with_item, sent_stages=[1, 2]))


@pytest.mark.parametrize("requester", OWNER_OR_MANAGE_USERS, indirect=True)
def test_the_customer_and_manage_users_see_the_offer(requester, customer_offer, checkout_with_item):
    # when
    found = crm_offers(requester, checkout_with_item)

    # then
    assert found == [expected(customer_offer)]


@pytest.mark.parametrize("requester", OTHERS, indirect=True)
def test_others_do_not_see_a_customers_offer(requester, customer_offer, checkout_with_item):
    # when
    found = crm_offers(requester, checkout_with_item)

    # then
    assert found == []


@pytest.mark.parametrize("requester", ["api_client", "user2_api_client"], indirect=True)
def test_a_guest_checkout_shows_the_offer_to_the_token_holder(
    requester, recovery_channel, checkout_with_item, abandoned_from_checkout
):
    # given: a guest's checkout (user@email.com); its token is in the reminder's link
    offer = _issue(
        abandoned_from_checkout(checkout_with_item, sent_stages=[1, 2]),
        spec=OfferSpec("fixed", 5, "order", 3 * 86400),
    )

    # when
    found = crm_offers(requester, checkout_with_item)

    # then
    assert found == [expected(offer, "5.00 USD off", value={"amount": 5.0, "currency": "USD"})]


def test_free_shipping_offer(
    recovery_channel, checkout_with_item, abandoned_from_checkout, api_client
):
    # given
    offer = _issue(
        abandoned_from_checkout(checkout_with_item, sent_stages=[1, 2]),
        spec=OfferSpec("free_shipping", 0, "order", 3 * 86400),
    )

    # when / then
    assert crm_offers(api_client, checkout_with_item) == [expected(offer, "free shipping")]


@pytest.mark.parametrize("state", ["used", "past_end", "other_channel"])
def test_an_offer_not_usable_here_is_not_shown(
    state,
    recovery_channel,
    channel_PLN,
    checkout_with_item,
    abandoned_from_checkout,
    abandoned_row,
    api_client,
):
    # given
    if state == "other_channel":
        abandoned = abandoned_row(channel_PLN, email="user@email.com")
        _issue(abandoned, spec=OfferSpec("fixed", 5, "order", 86400))
    else:
        offer = _issue(abandoned_from_checkout(checkout_with_item, sent_stages=[1, 2]))
        if state == "used":
            CartRecoveryOffer.objects.filter(pk=offer.pk).update(status=OfferStatus.USED)
        else:  # live, but the expiry task has not run yet
            CartRecoveryOffer.objects.filter(pk=offer.pk).update(
                ends_at=timezone.now() - datetime.timedelta(minutes=1)
            )

    # when / then
    assert crm_offers(api_client, checkout_with_item) == []


def test_query_count_does_not_grow_with_lines(
    recovery_channel,
    checkout_with_item,
    checkout_with_items,
    customer_user,
    abandoned_from_checkout,
    user_api_client,
):
    # given: the same customer's offer shows on a checkout of 1 line and one of 4
    for checkout in (checkout_with_item, checkout_with_items):
        checkout.user = customer_user
        checkout.email = customer_user.email
        checkout.save(update_fields=["user", "email"])
    _issue(abandoned_from_checkout(checkout_with_item, sent_stages=[1, 2]))

    def count(checkout):
        with CaptureQueriesContext(connection) as queries:
            assert len(crm_offers(user_api_client, checkout)) == 1
        return len(queries)

    count(checkout_with_item)
    count(checkout_with_items)

    # when
    one, many = count(checkout_with_item), count(checkout_with_items)

    # then
    assert checkout_with_items.lines.count() == 4
    assert one == many


def test_the_offer_adds_one_query_to_the_storefronts_checkout_query(
    customer_offer, checkout_with_item, user_api_client
):
    # given: the storefront's query, and the same with the offers (read in the
    # checkout's one CRM statement with its loyalty state)
    total = "totalPrice { gross { amount } }"
    without = f"query($id: ID!) {{ checkout(id: $id) {{ {total} }} }}"
    with_offers = f"query($id: ID!) {{ checkout(id: $id) {{ {total} crmOffers {{ kind code }} }} }}"
    variables = {"id": to_global_id_or_none(checkout_with_item)}

    def count(query):
        with CaptureQueriesContext(connection) as queries:
            data = get_graphql_content(user_api_client.post_graphql(query, variables))
        return data["data"]["checkout"], len(queries)

    count(with_offers)  # caches warmed as a running shop has them

    # when
    _, queries_without = count(without)
    found, queries_with = count(with_offers)

    # then
    assert found["crmOffers"] == [{"kind": "CART_RECOVERY", "code": customer_offer.code}]
    assert queries_with - queries_without == 1
