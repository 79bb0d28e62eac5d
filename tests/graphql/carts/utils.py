from saleor.graphql.tests.utils import assert_no_permission, get_graphql_content

from saleor_crm_plugin.carts.models import AbandonedCheckout, CartRecoveryOffer, CartReminder
from saleor_crm_plugin.consent.models import MarketingConsent, MarketingRecipient

# Requester fixtures (see conftest) by what they hold. "staff_api_client" and
# "app_api_client" hold no permission at all.
MANAGE_CHECKOUTS = ["staff_manage_checkouts", "app_manage_checkouts"]
WITHOUT_MANAGE_CHECKOUTS = [
    "api_client",
    "user_api_client",
    "user2_api_client",
    "staff_api_client",
    "app_api_client",
    "staff_manage_users",
]
MANAGE_USERS = ["staff_manage_users", "app_manage_users"]
EVERYONE = [
    "api_client",
    "user_api_client",
    "user2_api_client",
    "staff_api_client",
    "staff_manage_users",
    "app_api_client",
    "app_manage_users",
]


def written_rows() -> tuple[int, ...]:
    """Rows of every table the cart-recovery API could write to."""
    return (
        AbandonedCheckout.objects.count(),
        CartReminder.objects.count(),
        CartRecoveryOffer.objects.count(),
        MarketingConsent.objects.count(),
        MarketingRecipient.objects.count(),
    )


def denied_data(response) -> dict | None:
    """Assert Saleor's permission error; return the data."""
    assert_no_permission(response)
    return get_graphql_content(response, ignore_errors=True).get("data")
