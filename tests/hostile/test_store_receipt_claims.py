"""A hostile shopper and the store's receipts: refunds, claims and points must agree.

Everything the shopper does goes through Saleor's /graphql/; the store's side comes as
Stripe Terminal sends it, signed events posted over HTTP to the plugin's webhook. After
every story the shopper's balance is what the money left with them earns, and the
ledger audit is clean.
"""

from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.stores.models import StorePurchase
from tests.fixtures.loyalty import ledger_problems
from tests.fixtures.store_claims import emailed_code
from tests.graphql.stores.claim_utils import MY_LOYALTY, claim_confirm_data, claim_start_data
from tests.stores.stripe_events import SECRET, payment_intent, post_event, refunded, succeeded


def _stripe_store(claims_usd):
    claims_usd.configure(pending_period="0", stripe_webhook_secrets=SECRET)
    return claims_usd


def _bought_in_store(client, channel, amount: int):
    intent = payment_intent(amount=amount, metadata={"store": channel.store.slug})
    assert post_event(client, channel.slug, succeeded(intent)).status_code == 200
    return intent, StorePurchase.objects.get(external_id=intent["id"])


def _claim(user_api_client, channel, purchase) -> dict:
    start = claim_start_data(user_api_client, channel, purchase.receipt_code)
    assert start["errors"] == []
    code = emailed_code(channel.smtp, user_api_client.user.email)
    return claim_confirm_data(user_api_client, start["claim"]["id"], code)


def _my_balance(user_api_client, channel) -> int:
    response = user_api_client.post_graphql(MY_LOYALTY, {"channel": channel.slug})
    return get_graphql_content(response)["data"]["me"]["loyalty"]["balance"]


def test_refunded_at_the_till_then_claimed_online_earns_nothing(
    client, user_api_client, claims_usd
):
    # given the shopper bought for 80.00, then got all of it back at the till
    channel = _stripe_store(claims_usd)
    intent, purchase = _bought_in_store(client, channel, 8000)
    assert post_event(client, channel.slug, refunded(intent, 8000)).status_code == 200

    # when they claim the receipt afterwards
    data = _claim(user_api_client, channel, purchase)

    # then the earn is taken back at once: nothing is left to spend
    assert (data["errors"], data["pointsEarned"]) == ([], 0)
    assert _my_balance(user_api_client, channel) == 0
    assert ledger_problems() == []


def test_claimed_then_refunded_in_part_keeps_only_the_kept_share(
    client, user_api_client, claims_usd
):
    # given a claimed purchase of 80.00
    channel = _stripe_store(claims_usd)
    intent, purchase = _bought_in_store(client, channel, 8000)
    _claim(user_api_client, channel, purchase)

    # when 30.00 comes back, reported twice, then an older total arrives late
    for total in (3000, 3000, 1000):
        assert post_event(client, channel.slug, refunded(intent, total)).status_code == 200

    # then
    assert _my_balance(user_api_client, channel) == 50
    assert ledger_problems() == []


def test_a_replayed_purchase_event_after_the_claim_earns_nothing_more(
    client, user_api_client, claims_usd
):
    # given a claimed purchase
    channel = _stripe_store(claims_usd)
    intent, purchase = _bought_in_store(client, channel, 8000)
    _claim(user_api_client, channel, purchase)

    # when the same payment arrives again, as a replay and under a new event id
    replay = succeeded(intent)
    for stripe_event in (replay, replay, succeeded(intent)):
        assert post_event(client, channel.slug, stripe_event).status_code == 200

    # then
    assert StorePurchase.objects.count() == 1
    assert _my_balance(user_api_client, channel) == 80
    assert ledger_problems() == []


def test_claiming_the_same_receipt_again_earns_nothing_more(client, user_api_client, claims_usd):
    # given
    channel = _stripe_store(claims_usd)
    _intent, purchase = _bought_in_store(client, channel, 8000)
    _claim(user_api_client, channel, purchase)

    # when the shopper claims it a second time
    again = claim_start_data(user_api_client, channel, purchase.receipt_code)

    # then
    assert [error["code"] for error in again["errors"]] == ["ALREADY_CLAIMED"]
    assert _my_balance(user_api_client, channel) == 80
