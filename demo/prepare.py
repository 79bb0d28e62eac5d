"""Bring the demo database to a ready state; safe to run any number of times.

Run inside Django (``python -m django shell -c "from demo.prepare import main; main()"``)
with ``DJANGO_SETTINGS_MODULE=demo.settings``:

1. apply Saleor's migrations and ours;
2. load Saleor's sample data (``populatedb --createsuperuser``) once, in one
   transaction, so an interrupted load leaves nothing half-written and the next run
   starts it again;
3. top the sample orders and customers up (``SAMPLE_ORDERS``, ``SAMPLE_CUSTOMERS``)
   with the same generator, so that the charts have months of customers to draw, and
   link the orders to the accounts of the customers whose e-mail they carry;
4. make the CRM programme active on the default channel, through the same path as
   ``pluginUpdate`` (Saleor's plugin manager, which validates the configuration);
5. fill the CRM (``demo.seed``): points history, abandoned checkouts, segments.
"""

import io
import logging
import os

import saleor
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.db import transaction
from saleor.channel.models import Channel
from saleor.core.utils.random_data import create_orders, create_users
from saleor.plugins.manager import get_plugins_manager
from saleor.plugins.models import PluginConfiguration
from saleor.account.models import User
from saleor.order.models import Order
from saleor.order.utils import match_orders_with_new_user
from saleor.product.models import Product

from saleor_crm_plugin.config import PLUGIN_ID

from .seed import crm_seed

# A programme that shows results at once: 1 point per 1.00 spent, available right
# away (no return window), worth 0.01 each, expiring after 240 days, two spend tiers;
# cart recovery on with an A/B test of the offer. No SMTP host: the CRM sends no e-mail
# itself (apps subscribed to NOTIFY_USER would).
DEMO_PROGRAMME: dict[str, str | bool] = {
    "earn_points": "1",
    "earn_amount": "1.00",
    "pending_period": "0",
    "points_expire_after": "240d",
    "point_value": "0.01",
    "tier_basis": "spend",
    "tiers": "Silver | 200 | 1.25\nGold | 1000 | 1.5",
    "signup_bonus": "50",
    "cart_recovery_enabled": True,
    "cart_experiment": "control | 1 | none\nten-off | 1 | percentage 10 items 7d",
    "storefront_checkout_url": "http://localhost:3000/checkout/{token}",
    "storefront_unsubscribe_url": "http://localhost:3000/unsubscribe?token={token}",
}
SAMPLE_ORDERS = 300
# populatedb's 20 customers all get orders; a few more registered and have not ordered.
SAMPLE_CUSTOMERS = 24


def populate_once(*, images: bool = True) -> bool:
    """Load Saleor's sample data unless the catalogue has products; return if it did."""
    if Product.objects.exists():
        return False
    # populatedb opens its placeholder images by the relative path
    # saleor/static/placeholders/…, so run it from there.
    os.chdir(os.path.dirname(os.path.dirname(saleor.__file__)))
    with transaction.atomic():
        call_command(
            "populatedb", createsuperuser=True, withoutimages=not images, stdout=io.StringIO()
        )
    return True


def orders_top_up(target: int = SAMPLE_ORDERS) -> int:
    """Add sample orders (Saleor's generator) until there are ``target``; return how many."""
    missing = max(target - Order.objects.count(), 0)
    with transaction.atomic():
        for _message in create_orders(missing):
            pass
    return missing


def customers_top_up(target: int = SAMPLE_CUSTOMERS) -> int:
    """Add customers without orders (Saleor's generator) up to ``target``; return how many."""
    customers = User.objects.filter(is_staff=False)
    before = customers.count()
    with transaction.atomic():
        for _message in create_users("password", max(target - before, 0)):
            pass
    return customers.count() - before


def orders_link_to_customers() -> int:
    """Saleor's generator gives orders the customer's e-mail but no account: link them as
    Saleor does when a shopper registers (``match_orders_with_new_user``)."""
    guest_orders = Order.objects.filter(user=None)
    before = guest_orders.count()
    for user in User.objects.filter(is_staff=False).exclude(email=""):
        match_orders_with_new_user(user)
    return before - guest_orders.count()


def activate_crm(channel_slug: str) -> str:
    """Activate the programme on ``channel_slug``; configure it the first time."""
    channel = Channel.objects.get(slug=channel_slug)
    configured = PluginConfiguration.objects.filter(identifier=PLUGIN_ID, channel=channel).exists()
    cleaned_data: dict = {"active": True}
    if not configured:
        cleaned_data["configuration"] = [
            {"name": name, "value": value} for name, value in DEMO_PROGRAMME.items()
        ]
    manager = get_plugins_manager(allow_replica=False)
    manager.save_plugin_configuration(PLUGIN_ID, channel_slug, cleaned_data)
    return "kept the existing configuration" if configured else "configured the demo programme"


def main() -> None:
    # Progress only: Saleor's info lines (a gift card paid an order…) would break it up.
    logging.getLogger("saleor").setLevel(logging.WARNING)
    print("Applying Saleor's migrations and ours...", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    # Saleor's data migrations cache the Site with their historical models, whose
    # SiteSettings lack later fields; checkout completion reads the real ones.
    Site.objects.clear_cache()
    print("Loading Saleor's sample data (once)...", flush=True)
    if populate_once():
        print("Loaded Saleor's sample data.")
    else:
        print("Sample data already loaded.")
    print(f"Topping the sample orders up to {SAMPLE_ORDERS}...", end=" ", flush=True)
    orders = orders_top_up()
    print(f"added {orders} and {customers_top_up()} customers; ", end="")
    print(f"{orders_link_to_customers()} orders linked to their customers.")
    outcome = activate_crm(settings.DEFAULT_CHANNEL_SLUG)
    print(f"CRM plugin active on {settings.DEFAULT_CHANNEL_SLUG} ({outcome}).")
    crm_seed(settings.DEFAULT_CHANNEL_SLUG)
