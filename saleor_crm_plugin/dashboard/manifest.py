"""The App manifest Saleor installs the dashboard extension from.

No ``tokenTargetUrl``: the extension has no backend, Saleor posts no app token anywhere.
The Dashboard mints each extension a short-lived token whose permissions are the
extension's intersected with the staff member's, and the extension calls ``/graphql/``
with it, so a view a staff member may not use is refused by the API itself.
"""

from typing import Any

from saleor.core.utils import build_absolute_uri

from .. import __version__
from ..config import PLUGIN_ID

APP_ID = "saleor.crm.dashboard"
APP_NAME = "CRM"
MOUNT_PATH = "dashboard"
MANIFEST_FILE = "manifest.json"

# What the views read and write: customers, segments and points (MANAGE_USERS), the
# order widget (MANAGE_ORDERS), abandoned checkouts (MANAGE_CHECKOUTS), the programme's
# settings through Saleor's pluginUpdate (MANAGE_PLUGINS).
APP_PERMISSIONS = ("MANAGE_USERS", "MANAGE_ORDERS", "MANAGE_CHECKOUTS", "MANAGE_PLUGINS")

EXTENSIONS: tuple[dict[str, Any], ...] = (
    {
        "identifier": "crm-customer-widget",
        "label": "Loyalty & segments",
        "mount": "CUSTOMER_DETAILS_WIDGETS",
        "target": "WIDGET",
        "path": "widgets/customer",
        "permissions": ["MANAGE_USERS"],
    },
    {
        "identifier": "crm-order-widget",
        "label": "Loyalty points",
        "mount": "ORDER_DETAILS_WIDGETS",
        "target": "WIDGET",
        "path": "widgets/order",
        # the order's points are read from the customer's ledger (MANAGE_USERS)
        "permissions": ["MANAGE_ORDERS", "MANAGE_USERS"],
    },
    {
        "identifier": "crm-app-page",
        "label": "CRM",
        "mount": "NAVIGATION_CUSTOMERS",
        "target": "APP_PAGE",
        "path": "app",
        "permissions": ["MANAGE_USERS"],
    },
)


def extension_base_url() -> str:
    """Where the extension is served: ``<PUBLIC_URL>/plugins/saleor.crm/dashboard``.

    No trailing slash: the Dashboard joins ``appUrl`` and an app page's path
    (``/app``) as they are.
    """
    return build_absolute_uri(f"/plugins/{PLUGIN_ID}/{MOUNT_PATH}")


def manifest_url() -> str:
    return f"{extension_base_url()}/{MANIFEST_FILE}"


def _extension(extension: dict[str, Any], *, base_url: str) -> dict[str, Any]:
    # An APP_PAGE url is a path inside the app (the Dashboard joins it to appUrl);
    # widgets load their own absolute URL.
    is_page = extension["target"] == "APP_PAGE"
    url = "/" + extension["path"] if is_page else f"{base_url}/{extension['path']}"
    entry = {key: value for key, value in extension.items() if key != "path"}
    entry["url"] = url
    if extension["target"] == "WIDGET":
        entry["options"] = {"widgetTarget": {"method": "GET"}}
    return entry


def app_manifest() -> dict[str, Any]:
    base_url = extension_base_url()
    return {
        "id": APP_ID,
        "name": APP_NAME,
        "version": __version__,
        "about": (
            "Loyalty points, customer segments and cart recovery for this shop: "
            "customer and order widgets and a CRM page under Customers."
        ),
        "author": "saleor-crm-plugin",
        "permissions": list(APP_PERMISSIONS),
        "appUrl": base_url,
        "homepageUrl": "https://github.com/saleor-crm/saleor-crm-plugin",
        "supportUrl": "https://github.com/saleor-crm/saleor-crm-plugin/issues",
        "dataPrivacy": "The extension stores nothing of its own: it reads and writes "
        "through this Saleor's /graphql/ with the staff member's permissions.",
        "requiredSaleorVersion": ">=3.23.0 <3.24.0",
        "extensions": [_extension(extension, base_url=base_url) for extension in EXTENSIONS],
        "webhooks": [],
    }
