"""The one statement behind ``Checkout.loyalty`` and ``Checkout.crmOffers``.

Loyalty's part (``loyalty.checkout_state``: programme, account, redemption, gift cards)
and cart recovery's (``carts.selectors.live_offer_annotations``: the live offers) are
annotations of one query on Saleor's checkout table: one round trip for both fields,
however many checkouts or lines a request shows. The ORM builds it once per database and
number of checkouts and it is kept (``kept_sql``): building it cost more than running it,
on every storefront request showing a checkout's points.
"""

import dataclasses
import functools

from django.utils import timezone
from saleor.checkout.models import Checkout
from saleor.graphql.core.dataloaders import DataLoader

from ...carts.models import CartRecoveryOffer
from ...carts.selectors import live_offer_annotations, live_offer_of
from ...kept_sql import STAND_IN_DAY, STAND_IN_MOMENT, KeptStatement, keep, stand_in_uuids
from ...loyalty.checkout_state import (
    CheckoutLoyaltyState,
    checkout_state_annotations,
    checkout_state_of,
)


@dataclasses.dataclass(frozen=True)
class CheckoutCrmRead:
    loyalty: CheckoutLoyaltyState
    live_offer: CartRecoveryOffer | None  # the recovery offer it shows, if any


class CheckoutCrmReadByTokenLoader(DataLoader):
    """``CheckoutCrmRead`` of checkouts by token (None: no such checkout), in one query."""

    context_key = "crm_checkout_read_by_token"

    def batch_load(self, keys):
        using = self.database_connection_name
        now = timezone.now()
        rows = _statement(using, len(keys)).rows(
            using, tokens=list(keys), today=now.date(), now=now
        )
        found = {
            row["token"]: CheckoutCrmRead(
                loyalty=checkout_state_of(row), live_offer=live_offer_of(row)
            )
            for row in rows
        }
        return [found.get(key) for key in keys]


@functools.lru_cache(maxsize=32)
def _statement(using: str, size: int) -> KeptStatement:
    stand_ins = {"tokens": stand_in_uuids(size), "today": STAND_IN_DAY, "now": STAND_IN_MOMENT}
    queryset = (
        Checkout.objects.using(using)
        .filter(token__in=stand_ins["tokens"])
        .values("token", "user_id")
        .annotate(**checkout_state_annotations(STAND_IN_DAY))
        .annotate(**live_offer_annotations(STAND_IN_MOMENT))
    )
    return keep(queryset, using=using, stand_ins=stand_ins)
