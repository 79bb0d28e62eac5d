"""Card recognition end to end through /graphql/, and storeCardRecognitionForget.

A shopper claims a receipt with ``rememberCard``; the next purchase paid with the same
card (recorded as the till or Stripe records it) links to them by itself, until they
opt out. A card two shoppers opted in with links to nobody.
"""

import pytest
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.stores.models import LinkMethod, PurchaseSource, StoreCardRecognition
from saleor_crm_plugin.stores.purchases import Actor, store_purchase_record_at_till
from tests.fixtures.loyalty import ledger_problems
from tests.fixtures.store_claims import emailed_code, till_input, till_purchase
from tests.graphql.loyalty.utils import denied_data
from tests.graphql.stores.claim_utils import (
    CARD_FORGET,
    DENIED,
    MY_LOYALTY,
    SIGNED_IN,
    claim_confirm_data,
    claim_start_data,
    errors_of,
)

CARD = "fp_1Jx9sharedvisa"


def _claim_with_card(client, channel) -> dict:
    """The shopper claims a purchase paid with CARD, asking to have it remembered."""
    purchase = till_purchase(channel, card_fingerprint=CARD)
    started = claim_start_data(client, channel, purchase.receipt_code, rememberCard=True)
    code = emailed_code(channel.smtp, client.user.email)
    return claim_confirm_data(client, started["claim"]["id"], code)


def _paid_with_card(channel, amount="25.00"):
    """Stripe records a purchase paid with CARD an hour ago, naming nobody."""
    return store_purchase_record_at_till(
        data=till_input(
            channel,
            amount=amount,
            days_ago=1 / 24,
            card_fingerprint=CARD,
            source=PurchaseSource.STRIPE,
        ),
        customer=None,
        actor=Actor(),
    ).purchase


def _forget(client, channel_slug: str):
    return client.post_graphql(CARD_FORGET, {"channel": channel_slug})


def _forget_data(client, channel_slug: str) -> dict:
    return get_graphql_content(_forget(client, channel_slug))["data"]["storeCardRecognitionForget"]


def _remembered() -> list[tuple[int, str]]:
    return sorted(StoreCardRecognition.objects.values_list("user_id", "card_fingerprint"))


def test_a_remembered_card_links_the_next_purchase_until_the_shopper_opts_out(
    user_api_client, customer_user, claims_usd
):
    # given: the shopper claimed a receipt and asked to have the card remembered
    confirmed = _claim_with_card(user_api_client, claims_usd)

    # when: they pay with the card again, opt out, and pay with it once more
    recognised = _paid_with_card(claims_usd, amount="25.00")
    forgotten = _forget_data(user_api_client, claims_usd.slug)
    after_opt_out = _paid_with_card(claims_usd, amount="30.00")

    # then
    assert (confirmed["errors"], confirmed["cardRemembered"]) == ([], True)
    recognised.refresh_from_db()
    assert recognised.user_id == customer_user.pk
    assert recognised.links.get().method == LinkMethod.CARD
    assert forgotten == {"forgotten": 1, "errors": []}
    assert after_opt_out.user_id is None
    assert _remembered() == []
    loyalty = get_graphql_content(
        user_api_client.post_graphql(MY_LOYALTY, {"channel": claims_usd.slug})
    )["data"]["me"]["loyalty"]
    assert (loyalty["balance"], loyalty["pending"]) == (0, 42 + 25)
    assert ledger_problems() == []


def test_a_card_two_shoppers_opted_in_with_links_to_nobody(
    user_api_client, user2_api_client, customer_user, customer_user2, claims_usd
):
    # given: a card the two share, remembered for both
    for client in (user_api_client, user2_api_client):
        assert _claim_with_card(client, claims_usd)["cardRemembered"] is True

    # when
    purchase = _paid_with_card(claims_usd)

    # then
    assert purchase.user_id is None
    assert not purchase.links.exists()
    assert _remembered() == sorted([(customer_user.pk, CARD), (customer_user2.pk, CARD)])


@pytest.mark.parametrize("requester", SIGNED_IN, indirect=True)
def test_a_signed_in_user_forgets_only_their_own_cards(
    requester, customer_user2, claims_usd, channel_PLN
):
    # given: their card here and in PLN, and another shopper's card here
    for user, channel in (
        (requester.user, claims_usd),
        (requester.user, channel_PLN),
        (customer_user2, claims_usd),
    ):
        StoreCardRecognition.objects.create(user=user, channel=channel, card_fingerprint=CARD)

    # when
    data = _forget_data(requester, claims_usd.slug)

    # then
    assert data == {"forgotten": 1, "errors": []}
    assert sorted(StoreCardRecognition.objects.values_list("user_id", "channel_id")) == sorted(
        [(requester.user.pk, channel_PLN.pk), (customer_user2.pk, claims_usd.pk)]
    )


def test_another_customer_forgets_nothing_of_the_customers(
    user2_api_client, customer_user, claims_usd
):
    # given
    StoreCardRecognition.objects.create(
        user=customer_user, channel=claims_usd, card_fingerprint=CARD
    )

    # when
    data = _forget_data(user2_api_client, claims_usd.slug)

    # then
    assert data == {"forgotten": 0, "errors": []}
    assert _remembered() == [(customer_user.pk, CARD)]


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_anonymous_clients_and_apps_cannot_forget_cards(requester, customer_user, claims_usd):
    # given
    StoreCardRecognition.objects.create(
        user=customer_user, channel=claims_usd, card_fingerprint=CARD
    )

    # when
    response = _forget(requester, claims_usd.slug)

    # then
    assert denied_data(response) == {"storeCardRecognitionForget": None}
    assert _remembered() == [(customer_user.pk, CARD)]


def test_an_unknown_channel_is_refused(user_api_client, customer_user, claims_usd):
    # given
    StoreCardRecognition.objects.create(
        user=customer_user, channel=claims_usd, card_fingerprint=CARD
    )

    # when
    data = _forget_data(user_api_client, "no-such-channel")

    # then
    assert (data["forgotten"], errors_of(data)) == (None, [("channel", "NOT_FOUND")])
    assert _remembered() == [(customer_user.pk, CARD)]
