"""Two checkouts of one customer racing for the same points, on real connections."""

import threading
import traceback

import pytest
from django.conf import settings
from django.db import connection, connections
from saleor.checkout.fetch import fetch_checkout_info
from saleor.checkout.models import Checkout
from saleor.checkout.tests.utils import add_variant_to_checkout
from saleor.giftcard.models import GiftCard
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.loyalty.exceptions import InsufficientPoints
from saleor_crm_plugin.loyalty.models import LoyaltyAccount, LoyaltyRedemption
from saleor_crm_plugin.loyalty.checkout_points import checkout_points_apply
from tests.fixtures.loyalty import ledger_problems
from tests.fixtures.plugin import configure_crm
from tests.graphql.loyalty.checkout_utils import customer_checkout


def _mirror_replica_in_this_thread():
    """Point this thread's replica alias at the test database, as the main thread's is.

    Django sets up a test mirror on the main thread's connection only; Saleor reads
    promotions from the replica while it recalculates a checkout.
    """
    replica = connections[settings.DATABASE_CONNECTION_REPLICA_NAME]
    replica.settings_dict["NAME"] = connection.settings_dict["NAME"]


@pytest.mark.django_db(transaction=True)
def test_two_checkouts_applying_the_whole_balance_concurrently(
    channel_USD, checkout_with_item, customer_user, product
):
    # given: 1000 points, two checkouts of 30.00 each
    configure_crm(channel_USD, pending_period="0")
    first = customer_checkout(checkout_with_item, customer_user, points=1000)
    second = Checkout.objects.create(
        user=customer_user, email=customer_user.email, channel=channel_USD, currency="USD"
    )
    manager = get_plugins_manager(allow_replica=False)
    add_variant_to_checkout(fetch_checkout_info(second, [], manager), product.variants.get(), 3)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(checkout):
        try:
            _mirror_replica_in_this_thread()
            checkout = Checkout.objects.get(pk=checkout.pk)
            start.wait()
            checkout_points_apply(
                checkout=checkout,
                points=1000,
                manager=get_plugins_manager(allow_replica=False),
            )
            outcomes[str(checkout.pk)] = "applied"
        except InsufficientPoints as error:
            outcomes[str(checkout.pk)] = error.code.value
        except BaseException as error:  # collected and asserted below
            outcomes[str(checkout.pk)] = "".join(traceback.format_exception(error))
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=run, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # then: one got the points, the other was told there are none left
    assert sorted(outcomes.values()) == ["applied", "insufficient_points"]
    account = LoyaltyAccount.objects.get(user=customer_user, channel=channel_USD)
    assert account.balance == 0
    assert LoyaltyRedemption.objects.filter(status="active").count() == 1
    assert GiftCard.objects.count() == 1
    assert ledger_problems() == []
