import graphene
from saleor.graphql.tests.utils import assert_no_permission, get_graphql_content

from saleor_crm_plugin.loyalty import bonuses
from saleor_crm_plugin.loyalty.models import CustomerProfile, LoyaltyAccount, LoyaltyEntry

# Requester fixtures (see conftest) by what they may do.
MANAGE_USERS = ["staff_manage_users", "app_manage_users"]
MANAGE_ORDERS_ONLY = ["staff_manage_orders", "app_manage_orders"]
# Saleor's own `user(id:)` already refuses these.
CANNOT_SEE_CUSTOMER = ["api_client", "user2_api_client", "staff_api_client", "app_api_client"]
WITHOUT_MANAGE_USERS = [*CANNOT_SEE_CUSTOMER, *MANAGE_ORDERS_ONLY]

UNKNOWN_USER_ID = graphene.Node.to_global_id("User", 0)

ACCOUNT_FIELDS = """
fragment AccountFields on LoyaltyAccount {
  id balance pending lifetimePoints memberCode
  tier { name multiplier }
  nextTier { name threshold }
  progressToNextTier
  pointsValue { amount currency }
}
"""


def user_id(customer) -> str:
    return graphene.Node.to_global_id("User", customer.pk)


def adjust(customer, channel, points, key, reason="goodwill"):
    """Points through the real ledger writer (a staff adjustment)."""
    return bonuses.account_points_adjust(
        user=customer,
        channel_id=channel.pk,
        points=points,
        reason=reason,
        idempotency_key=key,
    ).entry


def written_rows() -> tuple[int, int, int]:
    """Rows of every table the loyalty API could write to."""
    return (
        LoyaltyAccount.objects.count(),
        LoyaltyEntry.objects.count(),
        CustomerProfile.objects.count(),
    )


def denied_data(response, path=None) -> dict | None:
    """Assert Saleor's permission error (at ``path`` if given); return the data."""
    assert_no_permission(response)
    content = get_graphql_content(response, ignore_errors=True)
    if path is not None:
        assert content["errors"][0]["path"] == path
    return content.get("data")
