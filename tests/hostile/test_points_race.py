"""Completion racing a removal of the points, as two requests on real connections.

Whichever wins, the points pay the order once or go back once, never both: the
removal settles the redemption under the card's row lock, which Saleor's completion
takes too before it charges the card.
"""

import threading
import traceback
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, connections
from saleor.giftcard.models import GiftCard
from saleor.graphql.tests.fixtures import ApiClient
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order.models import Order

from saleor_crm_plugin.loyalty.models import LoyaltyRedemption
from tests.graphql.loyalty.checkout_utils import apply_points, checkout_id
from tests.hostile.points import (
    assert_ledger_agrees_with_cards,
    checkout_total,
    complete,
    pay_by_card,
)


REMOVE = """
mutation Remove($id: ID!) {
  checkoutLoyaltyPointsRemove(id: $id) { errors { field code message } }
}
"""


def _remove(client, checkout) -> dict:
    # Only the errors: the checkout may be gone by the time the payload would render.
    response = client.post_graphql(REMOVE, {"id": checkout_id(checkout)})
    return get_graphql_content(response)["data"]["checkoutLoyaltyPointsRemove"]


def _mirror_replica_in_this_thread():
    """Point this thread's replica alias at the test database (Saleor reads from it)."""
    replica = connections[settings.DATABASE_CONNECTION_REPLICA_NAME]
    replica.settings_dict["NAME"] = connection.settings_dict["NAME"]


@pytest.mark.django_db(transaction=True)
def test_completion_racing_a_removal_of_the_points_pays_them_once(
    crm_usd, shopper_checkout, customer_user
):
    # given: 1000 points (10.00) applied, the rest paid by card
    checkout = shopper_checkout
    assert apply_points(ApiClient(user=customer_user), checkout, 1000)["errors"] == []
    pay_by_card(checkout, checkout_total(checkout))
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def run(name, request):
        try:
            _mirror_replica_in_this_thread()
            client = ApiClient(user=customer_user)
            start.wait()
            outcomes[name] = request(client, checkout)
        except BaseException as error:  # collected and asserted below
            outcomes[name] = "".join(traceback.format_exception(error))
        finally:
            connections.close_all()

    # when: the shopper sends both at once
    threads = [
        threading.Thread(target=run, args=("complete", complete)),
        threading.Thread(target=run, args=("remove", _remove)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # then: either the order took the card and the points were spent, or the removal
    # won and the card was gone before the order could take it; never both
    assert isinstance(outcomes["complete"], dict), outcomes["complete"]
    assert outcomes["remove"] == {"errors": []}
    card = GiftCard.objects.get()
    redemption = LoyaltyRedemption.objects.get()
    assert (
        redemption.status,
        redemption.spent_points,
        card.current_balance_amount,
    ) in [("spent", 1000, Decimal(0)), ("released", 0, Decimal(10))]
    if redemption.status == "spent":
        assert outcomes["complete"]["errors"] == []
        assert Order.objects.get().pk == redemption.order_id
    assert card.is_active is False
    assert_ledger_agrees_with_cards()
