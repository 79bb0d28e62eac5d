"""Claims under real concurrency (threads, each with its own database connection).

Confirms of one claim, or of two shoppers' claims of one receipt, link the purchase
once and earn once; starts at once cannot pass the daily limit together.
"""

import threading

import pytest
from django.db import connections

from saleor_crm_plugin.loyalty.models import LoyaltyEntry
from saleor_crm_plugin.stores.claims import (
    store_purchase_claim_confirm,
    store_purchase_claim_start,
)
from saleor_crm_plugin.stores.exceptions import ClaimRefused
from saleor_crm_plugin.stores.models import StorePurchaseClaim, StorePurchaseLink
from tests.fixtures.loyalty import ledger_problems
from tests.fixtures.store_claims import emailed_code, till_purchase

# The threads (and the tasks they run) read through Saleor's replica alias.
pytestmark = pytest.mark.usefixtures("threads_read_the_test_database")

THREADS = 6


def _at_once(calls) -> tuple[list, list[str]]:
    """Run the calls in threads released together: (results, refusal codes)."""
    start = threading.Barrier(len(calls))
    results, refused, errors = [], [], []

    def run(call):
        try:
            start.wait()
            results.append(call())
        except ClaimRefused as error:
            refused.append(error.code.value)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()  # the default and, for tasks, the replica

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results, refused


def _claim(user, channel, purchase):
    """Start a claim (committed: its task e-mails the code); return it and the code."""
    claim = store_purchase_claim_start(
        user=user, channel_id=channel.pk, receipt_code=purchase.receipt_code
    )
    return claim, emailed_code(channel.smtp, user.email)


@pytest.mark.django_db(transaction=True)
def test_confirms_of_one_claim_at_once_link_and_earn_once(claims_usd, customer_user):
    # given
    purchase = till_purchase(claims_usd)
    claim, code = _claim(customer_user, claims_usd, purchase)

    def confirm():
        return store_purchase_claim_confirm(user=customer_user, claim_id=claim.pk, code=code)

    # when
    results, refused = _at_once([confirm] * THREADS)

    # then
    assert [result.points.earned for result in results] == [42]
    assert refused == ["already_claimed"] * (THREADS - 1)
    assert StorePurchaseLink.objects.count() == 1
    assert list(LoyaltyEntry.objects.values_list("points", flat=True)) == [42]
    assert ledger_problems() == []


@pytest.mark.django_db(transaction=True)
def test_two_shoppers_confirming_one_receipt_at_once_one_has_it(
    claims_usd, customer_user, customer_user2
):
    # given: both hold the receipt and got their codes
    purchase = till_purchase(claims_usd)
    claims = [_claim(user, claims_usd, purchase) for user in (customer_user, customer_user2)]

    def confirm(user, claim, code):
        return lambda: store_purchase_claim_confirm(user=user, claim_id=claim.pk, code=code)

    # when
    results, refused = _at_once(
        [
            confirm(user, claim, code)
            for user, (claim, code) in zip((customer_user, customer_user2), claims, strict=True)
        ]
    )

    # then
    [winner] = results
    assert refused == ["already_claimed"]
    purchase.refresh_from_db()
    assert purchase.user_id == winner.purchase.user_id
    assert StorePurchaseClaim.objects.filter(confirmed_at__isnull=False).count() == 1
    assert list(LoyaltyEntry.objects.values_list("account__user_id", "points")) == [
        (winner.purchase.user_id, 42)
    ]
    assert ledger_problems() == []


@pytest.mark.django_db(transaction=True)
def test_starts_at_once_cannot_pass_the_daily_limit_together(claims_usd, customer_user):
    # given: a limit of three starts a day, six receipts
    claims_usd.configure(store_claim_daily_limit="3")
    purchases = [till_purchase(claims_usd) for _ in range(THREADS)]

    def start(purchase):
        return lambda: store_purchase_claim_start(
            user=customer_user, channel_id=claims_usd.pk, receipt_code=purchase.receipt_code
        )

    # when
    results, refused = _at_once([start(purchase) for purchase in purchases])

    # then
    assert len(results) == 3
    assert refused == ["daily_limit_reached"] * (THREADS - 3)
    assert StorePurchaseClaim.objects.count() == 3
