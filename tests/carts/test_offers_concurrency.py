"""One live offer per shopper under real concurrency (threads, own connections).

Issues for one shopper take turns: each cart gets an offer of its own, each superseding
the previous one, and one is live at the end.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from saleor.discount.models import Voucher, VoucherCode

from saleor_crm_plugin.carts import offers
from saleor_crm_plugin.carts.models import CartRecoveryOffer, OfferStatus
from saleor_crm_plugin.config import OfferSpec

THREADS = 8
FIVE_OFF = OfferSpec("fixed", Decimal(5), "order", 86400)


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_for_one_shopper_make_one_offer(channel_USD, abandoned_row):
    # given: the shopper's abandoned checkouts reach their offer stage at once
    rows = [abandoned_row(channel_USD, email="ann@example.com") for _ in range(THREADS)]
    now = timezone.now()
    start = threading.Barrier(THREADS)
    issued: list[int] = []
    errors: list[BaseException] = []

    def run(abandoned):
        try:
            start.wait()
            issued.append(
                offers.recovery_offer_issue(abandoned=abandoned, spec=FIVE_OFF, now=now).pk
            )
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(row,)) for row in rows]

    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then: every caller got an offer on its own cart; only the last one is live
    assert errors == []
    live = CartRecoveryOffer.objects.get(status=OfferStatus.LIVE)
    assert sorted(issued) == sorted(CartRecoveryOffer.objects.values_list("pk", flat=True))
    assert sorted(CartRecoveryOffer.objects.values_list("abandoned_id", flat=True)) == sorted(
        row.pk for row in rows
    )
    assert CartRecoveryOffer.objects.filter(status=OfferStatus.REVOKED).count() == THREADS - 1
    assert Voucher.objects.count() == THREADS
    assert list(VoucherCode.objects.filter(is_active=True).values_list("code", flat=True)) == [
        live.code
    ]
