"""Property: set-based membership equals a brute-force Python reading of the definition.

Hypothesis draws a random dataset (customers, addresses, orders of every status in two
channels with product lines, some collected in stores, in-store purchases with refunds,
loyalty accounts, tags, consents, RFM rows — written with Saleor's models and fixtures
to the real database) and a random definition over every
field, with dates on exact day boundaries. The segment computed in SQL must hold exactly
the customers a plain Python evaluation selects; the same query restricted to a few
customers (the event-driven refresh) must agree with it too.
"""

import datetime
from decimal import Decimal
from fractions import Fraction

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from saleor.account.models import Address
from saleor.order import OrderStatus
from saleor.order.models import Order, OrderLine
from saleor.product.models import Category, Product, ProductVariant
from saleor.warehouse.models import Warehouse

from saleor_crm_plugin.consent.actions import has_marketing_consent
from saleor_crm_plugin.consent.models import ConsentSource, MarketingConsent
from saleor_crm_plugin.global_ids import to_global_id
from saleor_crm_plugin.loyalty.models import LoyaltyAccount
from saleor_crm_plugin.segments.actions import (
    customer_segment_create,
    customer_segment_preview,
    customer_segments_refresh,
)
from saleor_crm_plugin.segments.rfm import RFM_GROUP_SLUGS
from saleor_crm_plugin.stores.visits import ShoppingMode
from saleor_crm_plugin.segments.models import (
    CustomerRfm,
    CustomerTag,
    SegmentMembership,
    TagSource,
)
from saleor_crm_plugin.stores.models import PurchaseSource, StorePurchase, StoreRefund

User = get_user_model()
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)
EXCLUDED = {
    OrderStatus.DRAFT,
    OrderStatus.UNCONFIRMED,
    OrderStatus.CANCELED,
    OrderStatus.EXPIRED,
}
STATUSES = [
    OrderStatus.UNFULFILLED,
    OrderStatus.FULFILLED,
    OrderStatus.PARTIALLY_RETURNED,
    OrderStatus.UNFULFILLED,
    OrderStatus.DRAFT,
    OrderStatus.CANCELED,
    OrderStatus.UNCONFIRMED,
]
AMOUNTS = [Decimal(0), Decimal("10.00"), Decimal("25.50"), Decimal("33.33"), Decimal("100.00")]
TAGS = ["vip", "newsletter", "b2b"]
CHURN_RISKS = [Decimal("0"), Decimal("0.25"), Decimal("0.5"), Decimal("0.6321"), Decimal("1")]
TIERS = ["", "Silver", "Gold"]
COUNTRIES = [None, "PL", "DE", "US"]
# Few distinct day counts, so that ages of orders and thresholds of conditions meet:
# ages are whole days exactly (on a boundary) or a second more or less.
DAYS = [0, 1, 30, 365]
SECOND = datetime.timedelta(seconds=1)
AGES = [
    datetime.timedelta(days=d) + extra
    for d in DAYS
    for extra in (datetime.timedelta(0), SECOND, -SECOND)
    if d or extra >= datetime.timedelta(0)
]

# --- the dataset --------------------------------------------------------------------

order_st = st.fixed_dictionaries(
    {
        "usd": st.booleans(),
        "status": st.sampled_from(STATUSES),
        "charged": st.sampled_from(AMOUNTS),
        "age": st.sampled_from(AGES),
        "products": st.lists(st.integers(0, 2), max_size=2, unique=True),
        # a store (index), a deleted store ("gone": only the name is left) or shipping
        "collect": st.sampled_from([None, None, 0, 1, 2, "gone"]),
    }
)
PURCHASE_AMOUNTS = [Decimal("5.00"), Decimal("12.50"), Decimal("40.00")]
purchase_st = st.fixed_dictionaries(
    {
        "usd": st.booleans(),
        "store": st.sampled_from([0, 1, 2, None]),  # None: the store was deleted
        "amount": st.sampled_from(PURCHASE_AMOUNTS),
        "refunded": st.sampled_from([None, Decimal("2.50"), "all"]),
        "age": st.sampled_from(AGES),
    }
)
customer_st = st.fixed_dictionaries(
    {
        "staff": st.integers(0, 9).map(lambda n: n == 0),
        "joined": st.sampled_from(AGES),
        "billing": st.sampled_from(COUNTRIES),
        "shipping": st.sampled_from(COUNTRIES),
        "orders": st.lists(order_st, max_size=4),
        "purchases": st.lists(purchase_st, max_size=3),
        "account": st.one_of(st.none(), st.tuples(st.integers(-20, 300), st.sampled_from(TIERS))),
        "tags": st.lists(st.sampled_from(TAGS), max_size=3, unique=True),
        "consent": st.sampled_from([None, "user:true", "user:false", "email:true"]),
        "rfm": st.one_of(
            st.none(),
            st.tuples(
                st.integers(1, 5),
                st.integers(1, 5),
                st.integers(1, 5),
                st.sampled_from(RFM_GROUP_SLUGS),
                # churn risk and the expected next order's distance from the run, in
                # seconds (whole days and a second either side), or not computed yet
                st.one_of(
                    st.none(),
                    st.tuples(
                        st.sampled_from(CHURN_RISKS),
                        st.sampled_from([-86401, -86400, -1, 0, 1, 86399, 86400, 2592000]),
                    ),
                ),
            ),
        ),
    }
)
dataset_st = st.lists(customer_st, min_size=1, max_size=8)


# --- the definitions ----------------------------------------------------------------


def _number_leaf(field, values, windowed=False):
    ops = st.sampled_from(["eq", "ne", "gt", "gte", "lt", "lte"])
    single = st.builds(lambda op, value: {"field": field, "op": op, "value": value}, ops, values)
    between = st.builds(
        lambda a, b: {"field": field, "op": "between", "value": sorted([a, b], key=Decimal)},
        values,
        values,
    )
    leaf = st.one_of(single, between)
    if windowed:
        leaf = st.builds(
            lambda node, days: {**node, "days": days} if days else node,
            leaf,
            st.sampled_from([None, 1, 30, 365]),
        )
    return leaf


def _choice_leaf(field, choices):
    return st.builds(
        lambda op, values: {"field": field, "op": op, "value": values if op == "in" else values[0]},
        st.sampled_from(["eq", "ne", "in"]),
        st.lists(st.sampled_from(choices), min_size=1, max_size=2, unique=True),
    )


def leaf_st(with_channel: bool, products: list[str], categories: list[str], stores: list[str]):
    money = st.sampled_from(["0", "10", "25.50", "33.33", "50", "100"])
    counts = st.sampled_from([0, 1, 2, 3])
    days = st.sampled_from(DAYS)
    leaves = [
        _number_leaf("order_count", counts, windowed=True),
        _number_leaf("days_since_last_order", days),
        _number_leaf("days_since_first_order", days),
        _number_leaf("date_joined_days", days),
        st.builds(
            lambda op, tags: {"field": "tags", "op": op, "value": tags[0] if op == "has" else tags},
            st.sampled_from(["has", "has_any", "has_all", "has_none"]),
            st.lists(st.sampled_from(TAGS + ["VIP"]), min_size=1, max_size=2),
        ),
        st.builds(
            lambda op, values: {
                "field": "country",
                "op": op,
                "value": values if op == "in" else values[0],
            },
            st.sampled_from(["eq", "ne", "in"]),
            st.lists(st.sampled_from(["PL", "de", "US", "FR"]), min_size=1, max_size=2),
        ),
        st.builds(
            lambda slugs: {"field": "channel", "op": "ordered_in", "value": slugs},
            st.lists(st.sampled_from(["main", "c-pln"]), min_size=1, max_size=2, unique=True),
        ),
        st.builds(
            lambda items: {"field": "purchased_product", "op": "any_of", "value": items},
            st.lists(st.sampled_from(products), min_size=1, max_size=2, unique=True),
        ),
        st.builds(
            lambda items: {"field": "purchased_category", "op": "any_of", "value": items},
            st.lists(st.sampled_from(categories), min_size=1, max_size=2, unique=True),
        ),
        st.builds(
            lambda value: {"field": "marketing_consent", "op": "eq", "value": value},
            st.booleans(),
        ),
        _choice_leaf("home_store", stores),
        _choice_leaf("pickup_store", stores),
        _number_leaf("in_store_orders", counts),
        _choice_leaf("shopping_mode", list(ShoppingMode.CHOICES)),
    ]
    if with_channel:
        leaves += [
            _number_leaf("total_spent", money, windowed=True),
            _number_leaf("average_order_value", money, windowed=True),
            _number_leaf("points_balance", st.sampled_from([-5, 0, 50, 150])),
            _number_leaf("in_store_spend", st.sampled_from(["0", "5", "10", "12.50", "50"])),
            _number_leaf("rfm_recency", st.integers(1, 5)),
            _number_leaf("rfm_frequency", st.integers(1, 5)),
            _number_leaf("rfm_monetary", st.integers(1, 5)),
            _number_leaf("churn_risk", st.sampled_from(["0", "0.25", "0.5", "0.6321", "1"])),
            _number_leaf("days_until_expected_order", st.sampled_from([-2, -1, 0, 1, 30])),
            st.builds(
                lambda op, values: {
                    "field": "loyalty_tier",
                    "op": op,
                    "value": values if op == "in" else values[0],
                },
                st.sampled_from(["eq", "ne", "in"]),
                st.lists(st.sampled_from(["silver", "Gold", "Bronze"]), min_size=1, max_size=2),
            ),
            st.builds(
                lambda op, values: {
                    "field": "rfm_group",
                    "op": op,
                    "value": values if op == "in" else values[0],
                },
                st.sampled_from(["eq", "ne", "in"]),
                st.lists(st.sampled_from(RFM_GROUP_SLUGS), min_size=1, max_size=2),
            ),
        ]
    return st.one_of(*leaves)


def definition_st(with_channel: bool, products, categories, stores):
    return st.recursive(
        leaf_st(with_channel, products, categories, stores),
        lambda children: st.one_of(
            st.builds(lambda items: {"all": items}, st.lists(children, min_size=1, max_size=3)),
            st.builds(lambda items: {"any": items}, st.lists(children, min_size=1, max_size=3)),
            st.builds(lambda item: {"not": item}, children),
        ),
        max_leaves=6,
    )


# --- brute force --------------------------------------------------------------------


def _compare(actual, op, value) -> bool:
    if actual is None:
        return False
    if op == "between":
        return value[0] <= actual <= value[1]
    if op == "in":
        return actual in value
    return {
        "eq": lambda: actual == value,
        "ne": lambda: actual != value,
        "gt": lambda: actual > value,
        "gte": lambda: actual >= value,
        "lt": lambda: actual < value,
        "lte": lambda: actual <= value,
    }[op]()


def _money(value):
    if isinstance(value, list):
        return [Fraction(Decimal(str(item))) for item in value]
    return Fraction(Decimal(str(value)))


def _counted(customer, context):
    channel_id = context["channel_id"]
    return [
        order
        for order in customer["orders"]
        if order.status not in EXCLUDED
        and order.total_charged_amount > 0
        and (channel_id is None or order.channel_id == channel_id)
    ]


def _windowed(node, customer, context):
    counted = _counted(customer, context)
    if not node.get("days"):
        return counted
    since = NOW - datetime.timedelta(days=node["days"])
    return [order for order in counted if order.created_at >= since]


def _total_spent(node, customer, context) -> bool:
    orders = _windowed(node, customer, context)
    spent = Fraction(sum(o.total_charged_amount for o in orders))
    return _compare(spent, node["op"], _money(node["value"]))


def _order_count(node, customer, context) -> bool:
    return _compare(len(_windowed(node, customer, context)), node["op"], node["value"])


def _average_order_value(node, customer, context) -> bool:
    orders = _windowed(node, customer, context)
    if not orders:
        return False
    average = Fraction(sum(o.total_charged_amount for o in orders)) / len(orders)
    return _compare(average, node["op"], _money(node["value"]))


def _days_since_order(pick):
    def days_since(node, customer, context) -> bool:
        counted = _counted(customer, context)
        if not counted:
            return False
        moment = pick(order.created_at for order in counted)
        return _compare((NOW - moment).days, node["op"], node["value"])

    return days_since


def _date_joined_days(node, customer, context) -> bool:
    return _compare((NOW - customer["user"].date_joined).days, node["op"], node["value"])


def _points_balance(node, customer, context) -> bool:
    account = customer["account"]
    return _compare(account.balance if account else 0, node["op"], node["value"])


def _loyalty_tier(node, customer, context) -> bool:
    op, value, account = node["op"], node["value"], customer["account"]
    tier = account.tier_name.lower() if account and account.tier_name else None
    target = [item.lower() for item in value] if op == "in" else value.lower()
    return _compare(tier, op, target)


def _tags(node, customer, context) -> bool:
    op, value, tags = node["op"], node["value"], customer["tags"]
    wanted = {item.lower() for item in ([value] if op == "has" else value)}
    return {
        "has": bool(tags & wanted),
        "has_any": bool(tags & wanted),
        "has_all": wanted <= tags,
        "has_none": not tags & wanted,
    }[op]


def _country(node, customer, context) -> bool:
    op, value = node["op"], node["value"]
    target = [item.upper() for item in value] if op == "in" else value.upper()
    return _compare(customer["country"], op, target)


def _channel(node, customer, context) -> bool:
    channel_ids = {context["channels"][slug] for slug in node["value"]}
    return any(
        order.channel_id in channel_ids
        for order in customer["orders"]
        if order.status not in EXCLUDED and order.total_charged_amount > 0
    )


def _purchased_product(node, customer, context) -> bool:
    wanted = {context["products"][slug] for slug in node["value"]}
    return any(
        wanted & context["order_products"][order.pk] for order in _counted(customer, context)
    )


def _purchased_category(node, customer, context) -> bool:
    wanted = set().union(*(context["categories"][slug] for slug in node["value"]))
    return any(
        wanted & {context["product_category"][p] for p in context["order_products"][order.pk]}
        for order in _counted(customer, context)
    )


def _marketing_consent(node, customer, context) -> bool:
    user = customer["user"]
    return has_marketing_consent(email=user.email, user_id=user.pk) == node["value"]


def _rfm(attribute: str):
    def rfm(node, customer, context) -> bool:
        row = customer["rfm"]
        return _compare(getattr(row, attribute) if row else None, node["op"], node["value"])

    return rfm


def _churn_risk(node, customer, context) -> bool:
    row = customer["rfm"]
    risk = Fraction(row.churn_risk) if row and row.churn_risk is not None else None
    return _compare(risk, node["op"], _money(node["value"]))


def _days_until_expected_order(node, customer, context) -> bool:
    row = customer["rfm"]
    if row is None or row.expected_next_order_at is None:
        return False
    days = (row.expected_next_order_at - row.computed_at) // datetime.timedelta(days=1)
    return _compare(days, node["op"], node["value"])


def _in_scope(row, context) -> bool:
    return context["channel_id"] is None or row.channel_id == context["channel_id"]


def _purchases(customer, context):
    """The customer's in-store purchases that count: not fully refunded, in scope."""
    return [
        (purchase, refunded)
        for purchase, refunded in customer["purchases"]
        if purchase.amount > refunded and _in_scope(purchase, context)
    ]


def _collected(customer, context):
    return [
        order
        for order in _counted(customer, context)
        if order.collection_point_id is not None or order.collection_point_name is not None
    ]


def _most_visited(visits) -> str | None:
    """The store of most (store, time) visits, then the latest, then the lowest id."""
    by_store = {}
    for store, at in visits:
        if store is not None:
            count, latest = by_store.get(store, (0, at))
            by_store[store] = (count + 1, max(latest, at))
    if not by_store:
        return None
    return min(
        by_store, key=lambda store: (-by_store[store][0], -by_store[store][1].timestamp(), store)
    )


def _store_leaf(pick):
    def store(node, customer, context) -> bool:
        op, value = node["op"], node["value"]
        target = (
            [context["stores"][item] for item in value] if op == "in" else context["stores"][value]
        )
        return _compare(pick(customer, context), op, target)

    return store


def _home_store(customer, context):
    visits = [
        (str(p.warehouse_id) if p.warehouse_id else None, p.purchased_at)
        for p, _r in _purchases(customer, context)
    ]
    visits += [
        (str(o.collection_point_id) if o.collection_point_id else None, o.created_at)
        for o in _collected(customer, context)
    ]
    return _most_visited(visits)


def _pickup_store(customer, context):
    return _most_visited(
        [
            (str(o.collection_point_id) if o.collection_point_id else None, o.created_at)
            for o in _collected(customer, context)
        ]
    )


def _in_store_spend(node, customer, context) -> bool:
    spent = Fraction(sum(p.amount - refunded for p, refunded in _purchases(customer, context)))
    return _compare(spent, node["op"], _money(node["value"]))


def _in_store_orders(node, customer, context) -> bool:
    return _compare(len(_purchases(customer, context)), node["op"], node["value"])


def _shopping_mode(node, customer, context) -> bool:
    online = bool(_counted(customer, context))
    in_store = bool(_purchases(customer, context) or _collected(customer, context))
    mode = (
        (ShoppingMode.BOTH if in_store else ShoppingMode.ONLINE_ONLY)
        if online
        else (ShoppingMode.IN_STORE_ONLY if in_store else None)
    )
    return _compare(mode, node["op"], node["value"])


# The plain Python reading of every field, written independently of the SQL.
BRUTE_FORCE = {
    "total_spent": _total_spent,
    "order_count": _order_count,
    "average_order_value": _average_order_value,
    "days_since_last_order": _days_since_order(max),
    "days_since_first_order": _days_since_order(min),
    "date_joined_days": _date_joined_days,
    "points_balance": _points_balance,
    "loyalty_tier": _loyalty_tier,
    "tags": _tags,
    "country": _country,
    "channel": _channel,
    "purchased_product": _purchased_product,
    "purchased_category": _purchased_category,
    "marketing_consent": _marketing_consent,
    "rfm_group": _rfm("group"),
    "rfm_recency": _rfm("recency"),
    "rfm_frequency": _rfm("frequency"),
    "rfm_monetary": _rfm("monetary"),
    "churn_risk": _churn_risk,
    "days_until_expected_order": _days_until_expected_order,
    "home_store": _store_leaf(_home_store),
    "pickup_store": _store_leaf(_pickup_store),
    "in_store_spend": _in_store_spend,
    "in_store_orders": _in_store_orders,
    "shopping_mode": _shopping_mode,
}


def evaluate(node, customer, context) -> bool:
    if "all" in node:
        return all(evaluate(child, customer, context) for child in node["all"])
    if "any" in node:
        return any(evaluate(child, customer, context) for child in node["any"])
    if "not" in node:
        return not evaluate(node["not"], customer, context)
    return BRUTE_FORCE[node["field"]](node, customer, context)


# --- the test -----------------------------------------------------------------------


def _build(dataset, context, order_generator):
    customers = []
    for index, spec in enumerate(dataset):
        billing = Address.objects.create(country=spec["billing"]) if spec["billing"] else None
        shipping = Address.objects.create(country=spec["shipping"]) if spec["shipping"] else None
        user = User.objects.create(
            email=f"shopper{index}@example.com",
            is_staff=spec["staff"],
            default_billing_address=billing,
            default_shipping_address=shipping,
        )
        User.objects.filter(pk=user.pk).update(date_joined=NOW - spec["joined"])
        user.refresh_from_db()
        orders = []
        for order_spec in spec["orders"]:
            channel = context["usd"] if order_spec["usd"] else context["pln"]
            order = order_generator(
                channel=channel,
                currency=channel.currency_code,
                user=user,
                user_email=user.email,
                status=order_spec["status"],
            )
            Order.objects.filter(pk=order.pk).update(
                created_at=NOW - order_spec["age"],
                total_charged_amount=order_spec["charged"],
                **_collection_point(order_spec["collect"], context),
            )
            order.refresh_from_db()
            variants = [context["variants"][i] for i in order_spec["products"]]
            OrderLine.objects.bulk_create(
                [
                    OrderLine(
                        order=order,
                        variant=variant,
                        product_name="p",
                        quantity=1,
                        currency=channel.currency_code,
                        is_shipping_required=False,
                        is_gift_card=False,
                        unit_price_net_amount=1,
                        unit_price_gross_amount=1,
                        total_price_net_amount=1,
                        total_price_gross_amount=1,
                    )
                    for variant in variants
                ]
            )
            context["order_products"][order.pk] = {v.product_id for v in variants}
            orders.append(order)
        purchases = _purchases_build(index, spec["purchases"], user, context)
        account = None
        if spec["account"]:
            balance, tier = spec["account"]
            account = LoyaltyAccount.objects.create(
                user=user, channel=context["usd"], balance=balance, tier_name=tier
            )
        CustomerTag.objects.bulk_create(
            [CustomerTag(user=user, tag=tag, source=TagSource.MANUAL) for tag in spec["tags"]]
        )
        if spec["consent"]:
            kind, granted = spec["consent"].split(":")
            MarketingConsent.objects.create(
                email=user.email,
                user=user if kind == "user" else None,
                granted=granted == "true",
                source=ConsentSource.STAFF,
                updated_at=NOW,
            )
        rfm = None
        if spec["rfm"]:
            recency, frequency, monetary, group, churn = spec["rfm"]
            risk, ahead = churn or (None, None)
            rfm = CustomerRfm.objects.create(
                user=user,
                channel=context["usd"],
                recency=recency,
                frequency=frequency,
                monetary=monetary,
                group=group,
                last_order_at=NOW,
                order_count=1,
                total_spent=Decimal(1),
                computed_at=NOW,
                churn_risk=risk,
                expected_next_order_at=(
                    None if ahead is None else NOW + datetime.timedelta(seconds=ahead)
                ),
            )
        customers.append(
            {
                "user": user,
                "orders": orders,
                "account": account,
                "tags": set(spec["tags"]),
                "country": spec["billing"] or spec["shipping"],
                "rfm": rfm,
                "purchases": purchases,
            }
        )
    return customers


def _collection_point(collect, context) -> dict:
    if collect is None:
        return {}
    if collect == "gone":  # the warehouse was deleted: Saleor keeps the name
        return {"collection_point": None, "collection_point_name": "Gone"}
    store = context["warehouses"][collect]
    return {"collection_point": store, "collection_point_name": store.name}


def _purchases_build(index, specs, user, context) -> list[tuple[StorePurchase, Decimal]]:
    """The customer's in-store purchases, each with what its source reports refunded."""
    purchases = []
    for number, spec in enumerate(specs):
        channel = context["usd"] if spec["usd"] else context["pln"]
        store = None if spec["store"] is None else context["warehouses"][spec["store"]]
        external_id = f"{index}-{number}"
        purchase = StorePurchase.objects.create(
            channel=channel,
            warehouse=store,
            warehouse_name=store.name if store else "Gone",
            source=PurchaseSource.API,
            external_id=external_id,
            receipt_code=f"R{index}X{number}",
            amount=spec["amount"],
            currency=channel.currency_code,
            purchased_at=NOW - spec["age"],
            user=user,
        )
        refunded = spec["amount"] if spec["refunded"] == "all" else spec["refunded"] or Decimal(0)
        if refunded:
            StoreRefund.objects.create(
                source=PurchaseSource.API,
                external_id=external_id,
                amount=refunded,
                currency=channel.currency_code,
            )
        purchases.append((purchase, refunded))
    return purchases


class _Rollback(Exception):
    pass


def test_membership_equals_brute_force_evaluation(
    channel_USD, channel_PLN, order_generator, product_type, category, customer_user, address
):
    # given: products in two categories (the second a child of the first: a condition on
    # the parent covers both)
    child = Category.objects.create(name="Child", slug="child", parent=category)
    products, variants = {}, []
    for index, product_category in enumerate([category, child, child]):
        product = Product.objects.create(
            name=f"P{index}",
            slug=f"p{index}",
            product_type=product_type,
            category=product_category,
        )
        products[product.slug] = product.pk
        variants.append(ProductVariant.objects.create(product=product, sku=f"SKU-{index}"))
    # three stores, named in definitions by global ID or slug
    warehouses = [
        Warehouse.objects.create(
            address=address.get_copy(), name=f"Store {n}", slug=f"store-{n}", email=f"s{n}@x.com"
        )
        for n in range(3)
    ]
    stores = {to_global_id("Warehouse", w.pk): str(w.pk) for w in warehouses}
    stores.update({w.slug: str(w.pk) for w in warehouses})
    # Saleor's fixture customer stays out of the comparison: make them staff.
    User.objects.filter(pk=customer_user.pk).update(is_staff=True)
    context = {
        "usd": channel_USD,
        "pln": channel_PLN,
        "channels": {channel_USD.slug: channel_USD.pk, channel_PLN.slug: channel_PLN.pk},
        "variants": variants,
        "products": products,
        "categories": {category.slug: {category.pk, child.pk}, child.slug: {child.pk}},
        "product_category": {product.pk: product.category_id for product in Product.objects.all()},
        "warehouses": warehouses,
        "stores": stores,
    }
    assert set(context["channels"]) == {"main", "c-pln"}

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(
        dataset=dataset_st,
        with_channel=st.booleans(),
        data=st.data(),
    )
    def check(dataset, with_channel, data):
        definition = data.draw(
            definition_st(with_channel, list(products), list(context["categories"]), list(stores))
        )
        try:
            with freeze_time(NOW), transaction.atomic():
                context["order_products"] = {}
                customers = _build(dataset, context, order_generator)
                context["channel_id"] = channel_USD.pk if with_channel else None

                # when
                segment = customer_segment_create(
                    name="Random", definition=definition, channel_id=context["channel_id"]
                )

                # then
                expected = sorted(
                    c["user"].pk
                    for c in customers
                    if not c["user"].is_staff and evaluate(definition, c, context)
                )
                members = sorted(
                    SegmentMembership.objects.filter(segment=segment).values_list(
                        "user_id", flat=True
                    )
                )
                assert members == expected, definition
                segment.refresh_from_db()
                assert segment.member_count == len(expected)
                # a single customer's refresh agrees: nothing to change
                for customer in customers[:3]:
                    assert (
                        customer_segments_refresh(
                            user_id=customer["user"].pk, reason="check", now=timezone.now()
                        )
                        == []
                    )
                raise _Rollback
        except _Rollback:
            pass

    check()


def test_day_boundaries_agree_with_brute_force_for_every_operator(
    channel_USD, order_generator, customer_user
):
    # given: one customer per age of their only (paid) order, on and around whole days
    User.objects.filter(pk=customer_user.pk).update(is_staff=True)
    context = {"channel_id": channel_USD.pk, "order_products": {}}
    customers = []
    with freeze_time(NOW):
        for index, age in enumerate(AGES):
            user = User.objects.create(email=f"age{index}@example.com")
            User.objects.filter(pk=user.pk).update(date_joined=NOW - age)
            user.refresh_from_db()
            order = order_generator(
                channel=channel_USD, currency="USD", user=user, user_email=user.email
            )
            Order.objects.filter(pk=order.pk).update(
                created_at=NOW - age, total_charged_amount=Decimal(10)
            )
            order.refresh_from_db()
            customers.append({"user": user, "orders": [order]})
        definitions = (
            [
                {"field": field, "op": op, "value": value}
                for field in ("days_since_last_order", "date_joined_days")
                for op in ("eq", "ne", "gt", "gte", "lt", "lte")
                for value in DAYS
            ]
            + [
                {"field": "days_since_first_order", "op": "between", "value": [low, high]}
                for low in DAYS
                for high in DAYS
                if low <= high
            ]
            + [{"field": "order_count", "op": "eq", "value": 1, "days": days} for days in DAYS[1:]]
        )

        for definition in definitions:
            # when
            preview = customer_segment_preview(
                definition=definition, channel_id=channel_USD.pk, sample_size=len(AGES)
            )

            # then
            expected = [c["user"].pk for c in customers if evaluate(definition, c, context)]
            assert preview.sample_user_ids == expected, definition
