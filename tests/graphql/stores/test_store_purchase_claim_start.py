"""storePurchaseClaimStart through Saleor's /graphql/: a signed-in user claims a receipt."""

import pytest
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.loyalty.member_codes import member_code_display
from saleor_crm_plugin.stores.models import LinkMethod, StorePurchaseClaim
from saleor_crm_plugin.stores.purchases import Actor, store_purchase_link
from tests.fixtures.store_claims import emailed_code, till_purchase
from tests.graphql.loyalty.utils import denied_data
from tests.graphql.stores.claim_utils import (
    CLAIM_START,
    DENIED,
    SIGNED_IN,
    claim_global_id,
    claim_start,
    claim_start_data,
    errors_of,
)
from tests.stores.claim_helpers import written

NOTHING = {"claims": 0, "refusals": 0, "links": 0, "entries": 0, "cards": 0}


def test_a_customer_starts_a_claim_and_the_code_goes_to_their_e_mail(
    user_api_client, customer_user, claims_usd
):
    # given
    purchase = till_purchase(claims_usd, amount="42.50", days_ago=3)

    # when: the code as printed, typed in lower case
    data = claim_start_data(
        user_api_client,
        claims_usd,
        member_code_display(purchase.receipt_code).lower(),
        rememberCard=True,
    )

    # then
    claim = StorePurchaseClaim.objects.get()
    assert data == {
        "claim": {
            "id": claim_global_id(claim),
            "expiresAt": claim.expires_at.isoformat(),
            "rememberCard": True,
            "storeName": "Example Warehouse",
            "purchasedAt": purchase.purchased_at.isoformat(),
            "total": {"amount": 42.5, "currency": "USD"},
        },
        "errors": [],
    }
    assert (claim.user_id, claim.purchase_id) == (customer_user.pk, purchase.pk)
    assert [message["to"] for message in claims_usd.smtp.messages] == [[customer_user.email]]
    assert len(emailed_code(claims_usd.smtp, customer_user.email)) == 6


def test_remember_card_is_false_where_the_channel_does_not_offer_it(user_api_client, claims_usd):
    # given
    claims_usd.configure(store_card_recognition=False)
    purchase = till_purchase(claims_usd)

    # when
    data = claim_start_data(user_api_client, claims_usd, purchase.receipt_code, rememberCard=True)

    # then
    assert data["errors"] == []
    assert data["claim"]["rememberCard"] is False


def _linked(purchase, user):
    store_purchase_link(
        purchase_id=purchase.pk, user_id=user.pk, method=LinkMethod.STAFF, actor=Actor()
    )
    return purchase.receipt_code


REFUSALS = [
    # (what the receipt code is, the error, whether the lookup counts towards the limit)
    ("mistyped", ("receiptCode", "INVALID_RECEIPT_CODE"), 0),
    ("unknown", ("receiptCode", "INVALID_RECEIPT_CODE"), 1),
    ("too_old", ("receiptCode", "CLAIM_WINDOW_CLOSED"), 1),
    ("linked", ("receiptCode", "ALREADY_CLAIMED"), 1),
]


@pytest.mark.parametrize(("case", "error", "refusals"), REFUSALS)
def test_refused_receipts_are_coded_errors_with_nothing_claimed(
    user_api_client, customer_user2, claims_usd, case, error, refusals
):
    # given
    code = till_purchase(claims_usd).receipt_code
    receipt_code = {
        "mistyped": code[:-1] + ("0" if code[-1] != "0" else "1"),
        "unknown": "0000000000",
        "too_old": lambda: till_purchase(claims_usd, days_ago=31).receipt_code,
        "linked": lambda: _linked(till_purchase(claims_usd), customer_user2),
    }[case]
    receipt_code = receipt_code() if callable(receipt_code) else receipt_code
    before = written()

    # when
    data = claim_start_data(user_api_client, claims_usd, receipt_code)

    # then
    assert data["claim"] is None
    assert errors_of(data) == [error]
    assert written() == {**before, "refusals": refusals}
    assert claims_usd.smtp.messages == []


def test_the_same_message_for_a_mistyped_and_an_unknown_code(user_api_client, claims_usd):
    # given
    code = till_purchase(claims_usd).receipt_code

    # when
    messages = {
        claim_start_data(user_api_client, claims_usd, receipt_code)["errors"][0]["message"]
        for receipt_code in (code[::-1], "0000000000")
    }

    # then
    assert messages == {"No purchase in this channel has this receipt code: check your receipt."}


def test_past_the_daily_limit_a_start_is_refused(user_api_client, claims_usd):
    # given: one start a day
    claims_usd.configure(store_claim_daily_limit="1")
    first, second = till_purchase(claims_usd), till_purchase(claims_usd)
    assert claim_start_data(user_api_client, claims_usd, first.receipt_code)["errors"] == []
    before = written()

    # when
    data = claim_start_data(user_api_client, claims_usd, second.receipt_code)

    # then
    assert errors_of(data) == [("receiptCode", "DAILY_LIMIT_REACHED")]
    assert written() == before
    assert len(claims_usd.smtp.messages) == 1


@pytest.mark.parametrize(
    ("channel", "error"),
    [("no-such-channel", ("channel", "NOT_FOUND")), ("\x00", ("channel", "INVALID"))],
)
def test_an_unknown_channel_is_refused(user_api_client, claims_usd, channel, error):
    # given
    purchase = till_purchase(claims_usd)

    # when
    response = user_api_client.post_graphql(
        CLAIM_START, {"channel": channel, "receiptCode": purchase.receipt_code}
    )

    # then
    data = get_graphql_content(response)["data"]["storePurchaseClaimStart"]
    assert errors_of(data) == [error]
    assert written() == NOTHING


def test_an_inactive_programme_is_refused(user_api_client, claims_usd):
    # given
    purchase = till_purchase(claims_usd)
    claims_usd.configure(active=False)

    # when
    data = claim_start_data(user_api_client, claims_usd, purchase.receipt_code)

    # then
    assert errors_of(data) == [("channel", "CHANNEL_INACTIVE")]
    assert written() == NOTHING


@pytest.mark.parametrize("requester", SIGNED_IN, indirect=True)
def test_any_signed_in_user_claims_for_themself(requester, claims_usd):
    # given: staff too, for their own account, whatever their permissions
    purchase = till_purchase(claims_usd)

    # when
    data = claim_start_data(requester, claims_usd, purchase.receipt_code)

    # then
    assert data["errors"] == []
    assert StorePurchaseClaim.objects.get().user_id == requester.user.pk
    assert [message["to"] for message in claims_usd.smtp.messages] == [[requester.user.email]]


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_anonymous_clients_and_apps_cannot_start_a_claim(requester, claims_usd):
    # given: an app has no account of its own to claim for
    purchase = till_purchase(claims_usd)

    # when
    response = claim_start(requester, claims_usd, purchase.receipt_code)

    # then
    assert denied_data(response) == {"storePurchaseClaimStart": None}
    assert written() == NOTHING
    assert claims_usd.smtp.messages == []


def test_the_window_is_the_channels(user_api_client, claims_usd):
    # given: a 7-day window; a purchase 8 days old
    claims_usd.configure(store_claim_window="7d")
    purchase = till_purchase(claims_usd, days_ago=8)

    # when
    data = claim_start_data(user_api_client, claims_usd, purchase.receipt_code)

    # then
    assert data["errors"] == [
        {
            "field": "receiptCode",
            "code": "CLAIM_WINDOW_CLOSED",
            "message": "Purchases can be claimed online for 7 days: this one is older.",
        }
    ]
