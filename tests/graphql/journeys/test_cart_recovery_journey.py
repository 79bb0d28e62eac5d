"""Cart recovery listed among the journeys: its row follows the configuration, its
figures are cart recovery's own, and it is edited on the Plugins page only."""

import datetime

from freezegun import freeze_time
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.journeys.models import Journey, JourneyKind
from tests.fixtures.carts import sweep
from tests.fixtures.journeys import journeys_sweep_at
from .utils import journey_id

START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
JOURNEYS = """
query($channel: String!) {
  journeys(channel: $channel) {
    kind name enabled stages { number delaySeconds subject }
    stats { entered sent converted stages { stage sent skipped } uplift { difference } }
  }
}
"""
JOURNEY_UPDATE = """
mutation($id: ID!) {
  journeyUpdate(id: $id, input: {enabled: false}) { errors { field code } }
}
"""


def test_cart_recovery_is_listed_with_its_stages_and_figures(
    cart_recovery, shopper_checkout, staff_manage_users
):
    # given: a cart left, its first reminder sent by the cart sweep
    with freeze_time(START) as frozen:
        shopper_checkout(cart_recovery)
        frozen.move_to(START + datetime.timedelta(hours=1, minutes=5))
        sent = sweep()
        journeys_sweep_at()

    # when
    response = staff_manage_users.post_graphql(JOURNEYS, {"channel": cart_recovery.slug})

    # then
    assert sent.sent == 1
    [journey] = get_graphql_content(response)["data"]["journeys"]
    assert (journey["kind"], journey["name"], journey["enabled"]) == (
        "CART_RECOVERY",
        "Abandoned cart recovery",
        True,
    )
    assert [(s["number"], s["delaySeconds"]) for s in journey["stages"]] == [
        (1, 3600),
        (2, 86400),
        (3, 259200),
    ]
    assert journey["stages"][0]["subject"] == "You left something in your cart"
    stats = journey["stats"]
    assert (stats["entered"], stats["sent"], stats["converted"], stats["uplift"]) == (
        1,
        1,
        0,
        None,
    )
    assert stats["stages"] == [{"stage": 1, "sent": 1, "skipped": 0}]


def test_the_row_follows_the_configuration_and_is_not_editable(cart_recovery, staff_manage_users):
    # given: listed while on
    journeys_sweep_at()
    journey = Journey.objects.get(kind=JourneyKind.CART_RECOVERY)

    # when: staff switch cart recovery off on the Plugins page; someone tries the API
    cart_recovery.configure(cart_recovery_enabled=False)
    journeys_sweep_at()
    response = staff_manage_users.post_graphql(JOURNEY_UPDATE, {"id": journey_id(journey)})

    # then
    journey.refresh_from_db()
    assert journey.enabled is False
    errors = get_graphql_content(response)["data"]["journeyUpdate"]["errors"]
    assert errors == [{"field": "kind", "code": "NOT_EDITABLE"}]
    assert Journey.objects.count() == 1


def test_no_row_for_a_channel_that_never_had_cart_recovery(journeys_channel):
    journeys_sweep_at()
    assert not Journey.objects.exists()
