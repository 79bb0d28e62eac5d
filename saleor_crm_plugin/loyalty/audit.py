"""Points against money: every redemption's points spent equal what its card paid.

``loyalty.ledger.audit_accounts`` checks the ledger against itself; this checks it
against Saleor. A settled redemption spent ``spent_points``; Saleor took (or, for an
order authorised through the gift-card gateway and not yet confirmed, will take)
``redemption.card_charged_values`` from its gift card. The points worth that value
(``redemption.points_for_value``, the arithmetic settling uses) must be exactly the
points spent, and the card can never have paid more than the points were worth. A
redemption still active is reserved, not spent: it is not checked. A card Saleor no
longer has (deleted by staff) cannot be checked either.
"""

import dataclasses
from decimal import Decimal

from ..config import load_channel_program
from .models import LoyaltyRedemption, RedemptionStatus
from .redemption import card_charged_values, points_for_value, points_value

BATCH_SIZE = 1000


@dataclasses.dataclass(frozen=True)
class RedemptionMismatch:
    redemption_id: int
    account_id: int
    gift_card_id: int
    charged: Decimal
    spent_points: int
    spent_value: Decimal

    @property
    def problem(self) -> str:
        return (
            f"redemption {self.redemption_id} (account {self.account_id}, gift card "
            f"{self.gift_card_id}): the card paid {self.charged}, the points spent "
            f"for it are {self.spent_points} (worth {self.spent_value})"
        )


def redemption_audit() -> tuple[int, list[RedemptionMismatch]]:
    """Check every settled redemption: how many, and those whose points spent differ
    from what their card paid (in batches: one query for the redemptions, three for
    their cards and gateway transactions)."""
    checked = 0
    mismatches = []
    configs: dict[int, object] = {}
    last_pk = 0
    while True:
        batch = list(
            LoyaltyRedemption.objects.filter(pk__gt=last_pk, gift_card_id__isnull=False)
            .exclude(status=RedemptionStatus.ACTIVE)
            .select_related("account")
            .order_by("pk")[:BATCH_SIZE]
        )
        if not batch:
            return checked, mismatches
        last_pk = batch[-1].pk
        charged = card_charged_values(item.gift_card_id for item in batch)
        for item in batch:
            if item.gift_card_id not in charged:
                continue
            checked += 1
            channel_id = item.account.channel_id
            if channel_id not in configs:
                configs[channel_id] = load_channel_program(channel_id).config
            config = configs[channel_id]
            paid = charged[item.gift_card_id]
            expected = points_for_value(
                paid, points=item.points, full_value=item.value, config=config
            )
            if paid > item.value or expected != item.spent_points:
                mismatches.append(
                    RedemptionMismatch(
                        redemption_id=item.pk,
                        account_id=item.account_id,
                        gift_card_id=item.gift_card_id,
                        charged=paid,
                        spent_points=item.spent_points,
                        spent_value=points_value(
                            item.spent_points, config=config, currency=item.currency
                        ),
                    )
                )
