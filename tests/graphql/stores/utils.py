import graphene

from saleor_crm_plugin.loyalty.models import LoyaltyEntry
from saleor_crm_plugin.stores.models import StorePurchase, StorePurchaseLink

# Requester fixtures (see tests/graphql/conftest.py) by what they may do.
MANAGE_ORDERS = ["staff_manage_orders", "app_manage_orders"]
# Staff and apps without MANAGE_ORDERS, shoppers and nobody.
WITHOUT_MANAGE_ORDERS = [
    "api_client",
    "user_api_client",
    "user2_api_client",
    "staff_api_client",
    "app_api_client",
    "staff_manage_users",
    "app_manage_users",
]


def store_id(warehouse) -> str:
    return graphene.Node.to_global_id("Warehouse", warehouse.pk)


def purchase_id(purchase) -> str:
    return graphene.Node.to_global_id("StorePurchase", purchase.pk)


def written_rows() -> tuple[int, int, int]:
    """Rows of every table the stores API could write to."""
    return (
        StorePurchase.objects.count(),
        StorePurchaseLink.objects.count(),
        LoyaltyEntry.objects.count(),
    )
