"""Shared steps of the receipt-claim tests (domain and GraphQL)."""

from saleor_crm_plugin.loyalty.models import LoyaltyEntry
from saleor_crm_plugin.stores.claims import store_purchase_claim_start
from saleor_crm_plugin.stores.models import (
    StoreCardRecognition,
    StorePurchaseClaim,
    StorePurchaseClaimRefusal,
    StorePurchaseLink,
)


def claim_start(capture, user, channel, receipt_code, **kwargs) -> StorePurchaseClaim:
    """Start a claim and run what its commit schedules (the task e-mailing the code)."""
    with capture(execute=True):
        return store_purchase_claim_start(
            user=user, channel_id=channel.pk, receipt_code=receipt_code, **kwargs
        )


def written() -> dict[str, int]:
    """Rows of every table a claim could write to."""
    return {
        "claims": StorePurchaseClaim.objects.count(),
        "refusals": StorePurchaseClaimRefusal.objects.count(),
        "links": StorePurchaseLink.objects.count(),
        "entries": LoyaltyEntry.objects.count(),
        "cards": StoreCardRecognition.objects.count(),
    }


def refusal(error) -> tuple[str, str | None]:
    """(code value, field) of a domain error."""
    return error.code.value, error.field
