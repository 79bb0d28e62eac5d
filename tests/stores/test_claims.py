"""Receipt claims in the domain: start, the e-mailed code, confirm, and every refusal."""

import datetime

import pytest
from django.utils import timezone

from saleor_crm_plugin.loyalty.models import EntryStatus, EntryType, LoyaltyEntry
from saleor_crm_plugin.stores.claim_codes import claim_code_hash
from saleor_crm_plugin.stores.claims import (
    store_purchase_claim_confirm,
    store_purchase_claim_start,
)
from saleor_crm_plugin.stores.exceptions import ClaimRefused
from saleor_crm_plugin.stores.models import (
    LinkAction,
    LinkMethod,
    StorePurchaseClaim,
    StorePurchaseClaimRefusal,
    StorePurchaseLink,
)
from saleor_crm_plugin.stores.purchases import Actor, store_purchase_link
from tests.fixtures.loyalty import ledger_problems
from tests.fixtures.plugin import configure_crm
from tests.fixtures.store_claims import emailed_code, till_purchase
from tests.stores.claim_helpers import claim_start, refusal, written

UNKNOWN = "No purchase in this channel has this receipt code: check your receipt."
NOTHING = {"claims": 0, "refusals": 0, "links": 0, "entries": 0, "cards": 0}


def _start(user, channel, receipt_code, **kwargs):
    """Start without running what the commit schedules (for refusals: nothing is)."""
    return store_purchase_claim_start(
        user=user, channel_id=channel.pk, receipt_code=receipt_code, **kwargs
    )


def _confirm(user, claim, code, **kwargs):
    return store_purchase_claim_confirm(user=user, claim_id=claim.pk, code=code, **kwargs)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.fixture
def started(claims_usd, customer_user, django_capture_on_commit_callbacks):
    """customer_user's claim of a purchase three days old, and the code e-mailed."""
    purchase = till_purchase(claims_usd)
    claim = claim_start(
        django_capture_on_commit_callbacks, customer_user, claims_usd, purchase.receipt_code
    )
    return claim, emailed_code(claims_usd.smtp, customer_user.email)


def test_start_e_mails_a_code_to_the_account_and_keeps_only_its_hash(
    claims_usd, customer_user, django_capture_on_commit_callbacks
):
    # given
    purchase = till_purchase(claims_usd)
    code = purchase.receipt_code
    now = timezone.now()

    # when: typed in lower case, with the dash
    claim = claim_start(
        django_capture_on_commit_callbacks,
        customer_user,
        claims_usd,
        f"{code[:5].lower()}-{code[5:].lower()}",
        now=now,
    )

    # then
    [message] = claims_usd.smtp.messages
    sent = emailed_code(claims_usd.smtp, customer_user.email)
    claim.refresh_from_db()
    assert message["to"] == [customer_user.email]
    assert message["subject"] == "Your code to claim your purchase at Example Warehouse"
    assert f"Receipt {code[:5]}-{code[5:]}" in message["text"]
    assert "$42.50" in message["text"]
    assert (claim.purchase_id, claim.user_id, claim.attempts, claim.confirmed_at) == (
        purchase.pk,
        customer_user.pk,
        0,
        None,
    )
    assert claim.expires_at == now + datetime.timedelta(minutes=15)
    assert claim.code_hash == claim_code_hash(claim_id=claim.pk, code=sent)
    assert written() == {**NOTHING, "claims": 1}


def test_the_same_code_hashes_differently_under_another_claim():
    # when
    hashes = {claim_code_hash(claim_id=claim_id, code="123456") for claim_id in (1, 2)}

    # then
    assert len(hashes) == 2
    assert {len(value) for value in hashes} == {64}


def test_confirm_links_the_purchase_with_points_back_dated_to_it(
    claims_usd, customer_user, started
):
    # given: bought three days ago; points are pending for 14 days from the purchase
    claim, code = started
    purchase = claim.purchase

    # when
    confirmed = _confirm(customer_user, claim, code)

    # then
    assert (confirmed.purchase.pk, confirmed.purchase.user_id) == (purchase.pk, customer_user.pk)
    assert (confirmed.points.earned, confirmed.card_remembered) == (42, False)
    earn = LoyaltyEntry.objects.get()
    assert (earn.type, earn.points, earn.status) == (EntryType.EARN, 42, EntryStatus.PENDING)
    assert earn.occurred_at == purchase.purchased_at
    assert earn.available_at == purchase.purchased_at + datetime.timedelta(days=14)
    assert earn.actor_user_id == customer_user.pk
    link = StorePurchaseLink.objects.get()
    assert (link.action, link.method, link.user_id, link.actor_user_id) == (
        LinkAction.LINK,
        LinkMethod.CLAIM,
        customer_user.pk,
        customer_user.pk,
    )
    claim.refresh_from_db()
    assert claim.confirmed_at is not None
    assert ledger_problems() == []


def test_a_malformed_receipt_code_is_refused_without_a_lookup(
    claims_usd, customer_user, django_assert_num_queries
):
    # given: one character mistyped (the check character catches it)
    code = till_purchase(claims_usd).receipt_code
    typo = code[:3] + ("1" if code[3] != "1" else "2") + code[4:]

    # when
    with django_assert_num_queries(0), pytest.raises(ClaimRefused) as refused:
        _start(customer_user, claims_usd, typo)

    # then
    assert refusal(refused.value) == ("invalid_receipt_code", "receiptCode")
    assert refused.value.message == UNKNOWN
    assert written() == NOTHING


@pytest.mark.parametrize("raw", ["", "K7QMD", "\x00" * 10, "K7QMD-2XD94" * 100])
def test_junk_receipt_codes_are_refused_without_a_lookup(
    claims_usd, customer_user, django_assert_num_queries, raw
):
    # when
    with django_assert_num_queries(0), pytest.raises(ClaimRefused) as refused:
        _start(customer_user, claims_usd, raw)

    # then
    assert refusal(refused.value) == ("invalid_receipt_code", "receiptCode")
    assert written() == NOTHING


def test_an_unknown_code_and_another_channels_code_are_refused_as_a_typo_is(
    claims_usd, channel_PLN, customer_user
):
    # given: a valid code of no purchase, and a purchase of channel_USD claimed in PLN
    purchase = till_purchase(claims_usd)
    configure_crm(channel_PLN)
    unknown = "0000000000"

    # when
    refusals = []
    for channel, code in ((claims_usd, unknown), (channel_PLN, purchase.receipt_code)):
        with pytest.raises(ClaimRefused) as refused:
            _start(customer_user, channel, code)
        refusals.append((*refusal(refused.value), refused.value.message))

    # then: told apart from nothing; each counts towards the daily limit
    assert refusals == [("invalid_receipt_code", "receiptCode", UNKNOWN)] * 2
    assert (
        list(StorePurchaseClaimRefusal.objects.values_list("user_id", "reason"))
        == [(customer_user.pk, "invalid_receipt_code")] * 2
    )
    assert written() == {**NOTHING, "refusals": 2}


def test_a_purchase_older_than_the_claim_window_is_refused(claims_usd, customer_user):
    # given: a 30-day window; one purchase inside it by a day, one outside by a minute
    now = timezone.now()
    inside = till_purchase(claims_usd, days_ago=29, now=now)
    outside = till_purchase(claims_usd, days_ago=30 + 1 / 1440, now=now)

    # when
    with pytest.raises(ClaimRefused) as refused:
        _start(customer_user, claims_usd, outside.receipt_code, now=now)
    claim = _start(customer_user, claims_usd, inside.receipt_code, now=now)

    # then
    assert refusal(refused.value) == ("claim_window_closed", "receiptCode")
    assert (
        refused.value.message == "Purchases can be claimed online for 30 days: this one is older."
    )
    assert claim.purchase_id == inside.pk
    assert written() == {**NOTHING, "claims": 1, "refusals": 1}


def test_a_purchase_linked_already_is_refused(claims_usd, customer_user, customer_user2):
    # given: one purchase linked to the shopper at the till, one to someone else
    mine, theirs = till_purchase(claims_usd), till_purchase(claims_usd)
    for purchase, user in ((mine, customer_user), (theirs, customer_user2)):
        store_purchase_link(
            purchase_id=purchase.pk, user_id=user.pk, method=LinkMethod.STAFF, actor=Actor()
        )
    before = written()

    # when
    refusals = []
    for purchase in (mine, theirs):
        with pytest.raises(ClaimRefused) as refused:
            _start(customer_user, claims_usd, purchase.receipt_code)
        refusals.append((*refusal(refused.value), refused.value.message))

    # then
    assert refusals == [
        ("already_claimed", "receiptCode", "This purchase is in your account already."),
        (
            "already_claimed",
            "receiptCode",
            "This purchase is linked to another account: if it is yours, ask the store.",
        ),
    ]
    assert written() == {**before, "refusals": 2}


def test_an_inactive_programme_takes_no_claims(claims_usd, customer_user):
    # given
    purchase = till_purchase(claims_usd)
    claims_usd.configure(active=False)

    # when
    with pytest.raises(ClaimRefused) as refused:
        _start(customer_user, claims_usd, purchase.receipt_code)

    # then
    assert refusal(refused.value) == ("channel_inactive", "channel")
    assert written() == NOTHING


def test_the_daily_limit_counts_claims_and_refused_lookups(claims_usd, customer_user):
    # given: three claims and two unknown codes in the last day, one claim the day before
    now = timezone.now()
    purchases = [till_purchase(claims_usd, now=now) for _ in range(5)]
    _start(
        customer_user, claims_usd, purchases[0].receipt_code, now=now - datetime.timedelta(hours=25)
    )
    for purchase in purchases[:3]:
        _start(
            customer_user, claims_usd, purchase.receipt_code, now=now - datetime.timedelta(hours=2)
        )
    for _ in range(2):
        with pytest.raises(ClaimRefused):
            _start(customer_user, claims_usd, "0000000000", now=now - datetime.timedelta(hours=1))
    before = written()

    # when: a sixth start within the day, then one once the first of them is a day old
    with pytest.raises(ClaimRefused) as refused:
        _start(customer_user, claims_usd, purchases[3].receipt_code, now=now)
    later = _start(
        customer_user,
        claims_usd,
        purchases[3].receipt_code,
        now=now + datetime.timedelta(hours=22, seconds=1),
    )

    # then
    assert refusal(refused.value) == ("daily_limit_reached", "receiptCode")
    assert refused.value.message == "You can claim at most 5 receipts a day: try again tomorrow."
    assert before == {**NOTHING, "claims": 4, "refusals": 2}
    assert later.purchase_id == purchases[3].pk
    assert written() == {**NOTHING, "claims": 5, "refusals": 2}


def test_the_daily_limit_is_the_channels_and_per_shopper(claims_usd, customer_user, customer_user2):
    # given: one start a day
    claims_usd.configure(store_claim_daily_limit="1")
    purchase = till_purchase(claims_usd)
    _start(customer_user, claims_usd, purchase.receipt_code)

    # when
    with pytest.raises(ClaimRefused) as refused:
        _start(customer_user, claims_usd, purchase.receipt_code)
    other = _start(customer_user2, claims_usd, purchase.receipt_code)

    # then
    assert refusal(refused.value) == ("daily_limit_reached", "receiptCode")
    assert other.user_id == customer_user2.pk


def test_a_new_start_expires_the_open_claim_of_the_same_receipt(
    claims_usd, customer_user, django_capture_on_commit_callbacks
):
    # given
    purchase = till_purchase(claims_usd)
    first = claim_start(
        django_capture_on_commit_callbacks, customer_user, claims_usd, purchase.receipt_code
    )
    first_code = emailed_code(claims_usd.smtp, customer_user.email)

    # when
    second = claim_start(
        django_capture_on_commit_callbacks, customer_user, claims_usd, purchase.receipt_code
    )
    second_code = emailed_code(claims_usd.smtp, customer_user.email)
    with pytest.raises(ClaimRefused) as refused:
        _confirm(customer_user, first, first_code)
    confirmed = _confirm(customer_user, second, second_code)

    # then
    assert refusal(refused.value) == ("code_expired", "code")
    assert confirmed.purchase.user_id == customer_user.pk
    assert len(claims_usd.smtp.messages) == 2
    assert ledger_problems() == []


def test_five_wrong_codes_lock_the_claim_even_for_the_right_code(customer_user, started):
    # given
    claim, code = started

    # when
    answers = []
    for _ in range(5):
        with pytest.raises(ClaimRefused) as refused:
            _confirm(customer_user, claim, _wrong(code))
        answers.append((refused.value.code.value, refused.value.message))
    with pytest.raises(ClaimRefused) as right_too_late:
        _confirm(customer_user, claim, code)

    # then: each wrong attempt was kept although the call failed; nothing else was written
    assert answers == [
        ("invalid_code", "Wrong code: 4 attempts left."),
        ("invalid_code", "Wrong code: 3 attempts left."),
        ("invalid_code", "Wrong code: 2 attempts left."),
        ("invalid_code", "Wrong code: 1 attempt left."),
        ("too_many_attempts", "Wrong code, and too many: start the claim again for a new code."),
    ]
    assert refusal(right_too_late.value) == ("too_many_attempts", "code")
    claim.refresh_from_db()
    assert (claim.attempts, claim.confirmed_at) == (5, None)
    assert written() == {**NOTHING, "claims": 1}


def test_a_code_that_is_not_six_digits_costs_no_attempt(customer_user, started):
    # given
    claim, _code = started

    # when
    with pytest.raises(ClaimRefused) as refused:
        _confirm(customer_user, claim, "12345")

    # then
    assert refusal(refused.value) == ("invalid_code", "code")
    claim.refresh_from_db()
    assert claim.attempts == 0


def test_an_expired_code_is_refused(customer_user, started):
    # given
    claim, code = started

    # when: the right code, a second after 15 minutes
    with pytest.raises(ClaimRefused) as refused:
        _confirm(customer_user, claim, code, now=claim.expires_at + datetime.timedelta(seconds=1))

    # then
    assert refusal(refused.value) == ("code_expired", "code")
    claim.refresh_from_db()
    assert (claim.attempts, claim.confirmed_at) == (0, None)
    assert written() == {**NOTHING, "claims": 1}


def test_another_customer_cannot_confirm_or_spend_the_attempts_of_a_claim(
    customer_user, customer_user2, started
):
    # given
    claim, code = started

    # when
    refusals = []
    for guess in (code, _wrong(code)):
        with pytest.raises(ClaimRefused) as refused:
            _confirm(customer_user2, claim, guess)
        refusals.append((*refusal(refused.value), refused.value.message))

    # then
    assert refusals == [("not_found", "claimId", "No such claim.")] * 2
    claim.refresh_from_db()
    assert (claim.attempts, claim.confirmed_at) == (0, None)
    assert written() == {**NOTHING, "claims": 1}


def test_a_claim_confirmed_twice_earns_once(customer_user, started):
    # given
    claim, code = started
    _confirm(customer_user, claim, code)
    before = written()

    # when
    with pytest.raises(ClaimRefused) as refused:
        _confirm(customer_user, claim, code)

    # then
    assert refusal(refused.value) == ("already_claimed", "claimId")
    assert written() == before == {**NOTHING, "claims": 1, "links": 1, "entries": 1}
    assert ledger_problems() == []


def test_of_two_shoppers_claiming_a_receipt_the_first_to_confirm_has_it(
    claims_usd, customer_user, customer_user2, django_capture_on_commit_callbacks
):
    # given: both hold the receipt and got their codes
    purchase = till_purchase(claims_usd)
    claims = {
        user.pk: claim_start(
            django_capture_on_commit_callbacks, user, claims_usd, purchase.receipt_code
        )
        for user in (customer_user, customer_user2)
    }
    codes = {
        user.pk: emailed_code(claims_usd.smtp, user.email)
        for user in (customer_user, customer_user2)
    }
    _confirm(customer_user2, claims[customer_user2.pk], codes[customer_user2.pk])

    # when
    with pytest.raises(ClaimRefused) as refused:
        _confirm(customer_user, claims[customer_user.pk], codes[customer_user.pk])

    # then
    assert (*refusal(refused.value), refused.value.message) == (
        "already_claimed",
        "claimId",
        "This purchase is linked to another account: if it is yours, ask the store.",
    )
    purchase.refresh_from_db()
    assert purchase.user_id == customer_user2.pk
    assert StorePurchaseClaim.objects.get(user=customer_user).confirmed_at is None
    assert list(LoyaltyEntry.objects.values_list("account__user_id", "points")) == [
        (customer_user2.pk, 42)
    ]
    assert ledger_problems() == []


def test_a_purchase_linked_at_the_till_meanwhile_refuses_the_claim(
    claims_usd, customer_user, staff_user, started
):
    # given: staff link the purchase to the shopper after the claim started
    claim, code = started
    store_purchase_link(
        purchase_id=claim.purchase_id,
        user_id=customer_user.pk,
        method=LinkMethod.STAFF,
        actor=Actor(user_id=staff_user.pk),
    )
    before = written()

    # when
    with pytest.raises(ClaimRefused) as refused:
        _confirm(customer_user, claim, code)

    # then
    assert (*refusal(refused.value), refused.value.message) == (
        "already_claimed",
        "claimId",
        "This purchase is in your account already.",
    )
    assert written() == before
    claim.refresh_from_db()
    assert claim.confirmed_at is None
