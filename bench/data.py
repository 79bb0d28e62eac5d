"""Data for the benchmarks, built with Saleor's own code paths.

The catalogue, channels, shipping zones and warehouses are Saleor's sample data
(``populatedb``). Customers are Saleor users; the payment app is a Saleor ``App`` with
``HANDLE_PAYMENTS`` and a real token. Every checkout is then created, addressed, given a
delivery method, paid and completed through Saleor's ``/graphql/`` view
(``bench.checkout``), exactly as a storefront and a payment app would.
"""

import dataclasses

from django.conf import settings
from django.db.models import Exists, OuterRef
from saleor.account.models import User
from saleor.account.tests.fixtures.user import dangerously_create_test_user
from saleor.app.models import App
from saleor.channel import AllocationStrategy
from saleor.channel.models import Channel
from saleor.permission.enums import PaymentPermissions
from saleor.permission.models import Permission
from saleor.product.models import ProductVariant, ProductVariantChannelListing
from saleor.shipping.models import ShippingZone
from saleor.warehouse.models import Stock

from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.models import LoyaltyAccount

BENCH_APP_NAME = "Benchmark payments"
# Stock is raised so that hundreds of bench orders never run out.
BENCH_STOCK = 1_000_000


@dataclasses.dataclass(frozen=True)
class Catalogue:
    channel: Channel
    variant_ids: list[int]
    country: str


def catalogue() -> Catalogue:
    """Variants of the sample catalogue that a US shopper can buy and have shipped."""
    channel = Channel.objects.get(slug=settings.DEFAULT_CHANNEL_SLUG)
    # Allocate from the warehouses in their fixed order, not from whichever has the
    # most stock left: otherwise orders alternate between warehouses, and Saleor's
    # query count with them, which would blur the comparison of set-ups.
    channel.allocation_strategy = AllocationStrategy.PRIORITIZE_SORTING_ORDER
    channel.save(update_fields=["allocation_strategy"])
    zones = ShippingZone.objects.filter(countries__contains="US", channels=channel)
    stocked = Stock.objects.filter(
        product_variant=OuterRef("pk"), warehouse__shipping_zones__in=zones
    )
    priced = ProductVariantChannelListing.objects.filter(
        variant=OuterRef("pk"), channel=channel, price_amount__isnull=False
    )
    variants = (
        ProductVariant.objects.filter(
            Exists(stocked),
            Exists(priced),
            product__product_type__is_shipping_required=True,
            product__channel_listings__channel=channel,
            product__channel_listings__is_published=True,
            product__channel_listings__available_for_purchase_at__isnull=False,
            is_preorder=False,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Stock.objects.filter(product_variant__in=variants).update(quantity=BENCH_STOCK)
    return Catalogue(channel=channel, variant_ids=list(variants), country="US")


def customers(count: int, *, prefix: str = "bench-customer") -> list[User]:
    """``count`` active customer accounts ``<prefix>-N@example.com``, made once."""
    existing = {user.email: user for user in User.objects.filter(email__startswith=f"{prefix}-")}
    result = []
    for number in range(count):
        email = f"{prefix}-{number}@example.com"
        user = existing.get(email)
        if user is None:
            # Saleor's own helper, as populatedb uses it for its sample customers.
            user = dangerously_create_test_user(email)
        result.append(user)
    return result


def payment_app() -> tuple[App, str]:
    """The payment app and a fresh raw token for it."""
    app, _ = App.objects.get_or_create(name=BENCH_APP_NAME, defaults={"is_active": True})
    codename = PaymentPermissions.HANDLE_PAYMENTS.codename
    app.permissions.add(Permission.objects.get(codename=codename))
    _token, raw_token = app.tokens.create(name="bench")
    return app, raw_token


def loyalty_accounts(users: list[User], channel: Channel) -> list[LoyaltyAccount]:
    return [account_get_or_create(user_id=user.pk, channel_id=channel.pk) for user in users]
