"""storePurchaseClaimConfirm through Saleor's /graphql/: the shopper's story of issue 13.

A shopper buys in a store, claims the receipt online, receives the code by e-mail,
confirms it and sees the points back-dated to the purchase; a second claim, five wrong
codes, an expired code and someone else's claim are refused with coded errors.
"""

import datetime

import graphene
import pytest
from django.utils import timezone
from freezegun import freeze_time
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.loyalty.member_codes import member_code_display
from saleor_crm_plugin.stores.models import StorePurchaseClaim
from tests.fixtures.loyalty import ledger_problems
from tests.fixtures.store_claims import emailed_code, till_purchase
from tests.graphql.loyalty.utils import denied_data
from tests.graphql.stores.claim_utils import (
    DENIED,
    MY_LOYALTY,
    SIGNED_IN,
    claim_confirm,
    claim_confirm_data,
    claim_start_data,
    errors_of,
)
from tests.stores.claim_helpers import written


def _claimed(client, channel, purchase, **variables) -> tuple[str, str]:
    """Start a claim as ``client``; (claim id, the code e-mailed to them)."""
    data = claim_start_data(client, channel, purchase.receipt_code, **variables)
    assert data["errors"] == []
    return data["claim"]["id"], emailed_code(channel.smtp, client.user.email)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_shopper_claims_receipts_online_and_sees_the_back_dated_points(
    user_api_client, customer_user, claims_usd
):
    # given: two purchases at the till, 20 and 3 days ago; points pend for 14 days
    older = till_purchase(claims_usd, amount="120.00", days_ago=20)
    recent = till_purchase(claims_usd, amount="42.50", days_ago=3)

    # when: the shopper claims each receipt with the code from the e-mail
    confirmed = []
    for purchase in (older, recent):
        claim_id, code = _claimed(user_api_client, claims_usd, purchase)
        confirmed.append(claim_confirm_data(user_api_client, claim_id, code))
    loyalty = get_graphql_content(
        user_api_client.post_graphql(MY_LOYALTY, {"channel": claims_usd.slug})
    )["data"]["me"]["loyalty"]

    # then: the older purchase's points are available at once, the recent one's pend
    # until 14 days after it was made, not after it was claimed
    assert [(data["errors"], data["pointsEarned"]) for data in confirmed] == [
        ([], 120),
        ([], 42),
    ]
    assert confirmed[1]["purchase"] == {
        "id": graphene.Node.to_global_id("StorePurchase", recent.pk),
        "receiptCode": recent.receipt_code,
        "storeName": "Example Warehouse",
        "purchasedAt": recent.purchased_at.isoformat(),
        "total": {"amount": 42.5, "currency": "USD"},
    }
    assert (loyalty["balance"], loyalty["pending"]) == (120, 42)
    entries = [edge["node"] for edge in loyalty["entries"]["edges"]]
    assert sorted((entry["points"], entry["status"]) for entry in entries) == [
        (42, "PENDING"),
        (120, "AVAILABLE"),
    ]
    pending = next(entry for entry in entries if entry["status"] == "PENDING")
    assert pending["type"] == "EARN"
    assert pending["availableAt"] == (recent.purchased_at + datetime.timedelta(days=14)).isoformat()
    assert member_code_display(recent.receipt_code) in claims_usd.smtp.messages[-1]["text"]
    assert ledger_problems() == []


def test_a_second_claim_of_a_claimed_receipt_is_refused(
    user_api_client, user2_api_client, claims_usd
):
    # given: the receipt was claimed
    purchase = till_purchase(claims_usd)
    claim_id, code = _claimed(user_api_client, claims_usd, purchase)
    assert claim_confirm_data(user_api_client, claim_id, code)["errors"] == []
    before = written()

    # when: the shopper again, another shopper, and the confirmed claim replayed
    again = claim_start_data(user_api_client, claims_usd, purchase.receipt_code)
    other = claim_start_data(user2_api_client, claims_usd, purchase.receipt_code)
    replayed = claim_confirm_data(user_api_client, claim_id, code)

    # then
    assert errors_of(again) == errors_of(other) == [("receiptCode", "ALREADY_CLAIMED")]
    assert errors_of(replayed) == [("claimId", "ALREADY_CLAIMED")]
    assert replayed["purchase"] is None
    assert written() == {**before, "refusals": 2}
    assert ledger_problems() == []


def test_five_wrong_codes_then_the_right_one_is_refused(user_api_client, claims_usd):
    # given
    purchase = till_purchase(claims_usd)
    claim_id, code = _claimed(user_api_client, claims_usd, purchase)

    # when
    answers = [claim_confirm_data(user_api_client, claim_id, _wrong(code)) for _ in range(5)]
    right = claim_confirm_data(user_api_client, claim_id, code)

    # then
    assert [errors_of(answer) for answer in answers] == [[("code", "INVALID_CODE")]] * 4 + [
        [("code", "TOO_MANY_ATTEMPTS")]
    ]
    assert errors_of(right) == [("code", "TOO_MANY_ATTEMPTS")]
    assert (right["purchase"], right["pointsEarned"], right["cardRemembered"]) == (None,) * 3
    assert StorePurchaseClaim.objects.get().attempts == 5
    purchase.refresh_from_db()
    assert purchase.user_id is None
    assert written() == {"claims": 1, "refusals": 0, "links": 0, "entries": 0, "cards": 0}


def test_an_expired_code_is_refused(user_api_client, claims_usd):
    # given
    purchase = till_purchase(claims_usd)
    claim_id, code = _claimed(user_api_client, claims_usd, purchase)

    # when: sixteen minutes later
    with freeze_time(timezone.now() + datetime.timedelta(minutes=16)):
        user_api_client.regenerate_access_token()
        data = claim_confirm_data(user_api_client, claim_id, code)

    # then
    assert errors_of(data) == [("code", "CODE_EXPIRED")]
    purchase.refresh_from_db()
    assert purchase.user_id is None


def test_out_of_the_claim_window_a_receipt_is_refused(user_api_client, claims_usd):
    # given
    purchase = till_purchase(claims_usd, days_ago=31)

    # when
    data = claim_start_data(user_api_client, claims_usd, purchase.receipt_code)

    # then
    assert errors_of(data) == [("receiptCode", "CLAIM_WINDOW_CLOSED")]


@pytest.mark.parametrize(
    "requester",
    ["user2_api_client", "staff_api_client", "staff_manage_orders", "staff_manage_users"],
    indirect=True,
)
def test_nobody_else_confirms_a_customers_claim(requester, user_api_client, claims_usd):
    # given: the customer's claim and code, in someone else's hands
    purchase = till_purchase(claims_usd)
    claim_id, code = _claimed(user_api_client, claims_usd, purchase)
    before = written()

    # when
    data = claim_confirm_data(requester, claim_id, code)

    # then: as if there were no such claim; their tries cost the customer nothing
    assert errors_of(data) == [("claimId", "NOT_FOUND")]
    assert written() == before
    assert StorePurchaseClaim.objects.get().attempts == 0


@pytest.mark.parametrize("requester", SIGNED_IN, indirect=True)
def test_any_signed_in_user_confirms_their_own_claim(requester, claims_usd):
    # given
    purchase = till_purchase(claims_usd)
    claim_id, code = _claimed(requester, claims_usd, purchase)

    # when
    data = claim_confirm_data(requester, claim_id, code)

    # then
    assert (data["errors"], data["pointsEarned"]) == ([], 42)
    purchase.refresh_from_db()
    assert purchase.user_id == requester.user.pk


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_anonymous_clients_and_apps_cannot_confirm(requester, user_api_client, claims_usd):
    # given
    purchase = till_purchase(claims_usd)
    claim_id, code = _claimed(user_api_client, claims_usd, purchase)
    before = written()

    # when
    response = claim_confirm(requester, claim_id, code)

    # then
    assert denied_data(response) == {"storePurchaseClaimConfirm": None}
    assert written() == before
    assert StorePurchaseClaim.objects.get().attempts == 0


@pytest.mark.parametrize(
    "claim_id",
    ["", "not-an-id", graphene.Node.to_global_id("StorePurchase", 1)],
)
def test_a_malformed_claim_id_is_a_coded_error(user_api_client, claims_usd, claim_id):
    # when
    data = claim_confirm_data(user_api_client, claim_id, "123456")

    # then
    assert errors_of(data) == [("claimId", "GRAPHQL_ERROR")]


def test_an_unknown_claim_id_is_not_found(user_api_client, claims_usd):
    # when
    data = claim_confirm_data(
        user_api_client, graphene.Node.to_global_id("StorePurchaseClaim", 0), "123456"
    )

    # then
    assert errors_of(data) == [("claimId", "NOT_FOUND")]
