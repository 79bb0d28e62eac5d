"""Rows of the scale databases of issues 5 and 6: customers, orders, checkouts.

``bench.scale_db`` streams these rows into Saleor's own tables with ``COPY``; this
module only decides what the rows are. Everything is derived from a seeded random
generator per block of ``BLOCK`` customers, so block N is the same whether a database
is grown to 100,000 customers or to 1,000,000, and growing adds blocks, never rewrites.

Per customer number ``n`` (e-mail ``scale-<n>@example.com``):

- an ``account_user`` joined at a random time in the three years before the anchor;
- for 60 %, a default billing address (``account_address`` + ``account_user_addresses``)
  in one of ``COUNTRIES`` (weighted);
- for 40 %, a ``saleor_crm_loyaltyaccount`` on the first channel with a balance, lifetime
  points, the tier those lifetime points give and a member code spelling its id (valid
  and unique, not random like real ones; no ledger entries are written: these
  accounts exist for segment conditions, not for the ledger's invariants);
- on average exactly ``ORDERS_PER_CUSTOMER`` orders: a block's orders are dealt to its
  customers by log-normal weights (a fifth of customers get none), so spend is skewed
  as in a real shop. Orders fall between the customer's joining and the anchor; 90 % are
  in the first channel, 10 % in the second (its currency, amounts × 4); statuses follow
  ``STATUSES``; 95 % carry ``user_id``, the rest are guest orders with the customer's
  e-mail. ``total_charged_amount`` is the gross total for paid statuses (3 % of them
  partially refunded), 0 for draft / unconfirmed / canceled / expired. One order in
  ``ORDER_LINE_EVERY`` gets one ``order_orderline`` (a real variant of the catalogue),
  enough for "purchased product / category" conditions at a fifth of the cost of lines
  for every order;
- one checkout (``checkout_checkout``, lines in ``checkout_checkoutline``) whose kind
  follows ``n % 1000`` (exact shares): 1 % due for a reminder (e-mail, 1–3 lines, no
  completion started, last change between 1 h and 72 h before the anchor), 0.2 % like
  those but with ``completing_started_at`` set, 43.8 % changed within the last hour,
  30 % anonymous (no e-mail) over the last 30 days, 25 % empty within the last 6 hours.

The anchor ("now" of the data set) is fixed when the database is first grown and kept,
so the due checkouts stay due whenever the benchmark runs: the harness passes it as
``now``.
"""

import dataclasses
import datetime
import itertools
import math
import random
import uuid
from collections.abc import Iterator

from saleor_crm_plugin.loyalty.member_codes import (
    ALPHABET,
    LENGTH,
    member_code_check_character,
)

BLOCK = 10_000
SEED = 20261123
ORDERS_PER_CUSTOMER = 5
ORDER_LINE_EVERY = 5
YEARS = 3
COUNTRIES = {"US": 40, "DE": 15, "GB": 10, "FR": 10, "PL": 10, "CA": 5, "NL": 5, "ES": 5}
# Saleor's OrderStatus values (note the space in "partially fulfilled").
STATUSES = {
    "fulfilled": 58,
    "unfulfilled": 20,
    "partially fulfilled": 3,
    "returned": 2,
    "partially_returned": 1,
    "canceled": 8,
    "draft": 4,
    "unconfirmed": 3,
    "expired": 1,
}
UNPAID = {"draft", "unconfirmed", "canceled", "expired"}
TIERS = ((1000, "Gold"), (200, "Silver"), (0, ""))
FIRST_NAMES = ("Ada", "Bo", "Chen", "Dana", "Eli", "Femi", "Gia", "Hugo", "Ines", "Jon")
LAST_NAMES = ("Kowalski", "Lee", "Martin", "Novak", "Okafor", "Petit", "Quinn", "Rossi")
CITIES = {
    "US": "Austin",
    "DE": "Berlin",
    "GB": "Leeds",
    "FR": "Lyon",
    "PL": "Kraków",
    "CA": "Ottawa",
    "NL": "Utrecht",
    "ES": "Sevilla",
}
# Checkout kinds by ``n % 1000``: (upper bound, kind).
CHECKOUT_KINDS = (
    (10, "due"),
    (12, "completing"),
    (450, "recent"),
    (750, "anonymous"),
    (1000, "empty"),
)
DUE_WINDOW = (datetime.timedelta(hours=1), datetime.timedelta(hours=72))
NULL = "\\N"
# order_order's constant columns from tracking_client_id to use_old_id (see COLUMNS).
ORDER_CONSTANTS = "\t".join(("", "en", "t", "", "0", "", "{}", "{}", "", "f"))


@dataclasses.dataclass(frozen=True)
class Channel:
    id: int
    currency: str
    # Amounts in this channel are the first channel's × factor (PLN ≈ 4 × USD).
    factor: int


@dataclasses.dataclass(frozen=True)
class Variant:
    id: int
    sku: str
    name: str
    product_name: str
    product_type_id: int
    is_shipping_required: bool


@dataclasses.dataclass(frozen=True)
class World:
    """What the rows refer to: real channels and variants of the database."""

    channels: tuple[Channel, Channel]
    variants: tuple[Variant, ...]
    anchor: datetime.datetime


@dataclasses.dataclass
class Ids:
    """The next id of each table; only the generator writes to a scale database, so
    ids are counted here and the sequences moved past them after the load."""

    user: int
    address: int
    user_address: int
    loyalty: int
    order_number: int


@dataclasses.dataclass
class Block:
    """COPY text (one string per row) for each table, and counts for the state."""

    rows: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    def add(self, table: str, *values: object) -> None:
        self.rows.setdefault(table, []).append("\t".join(map(_text, values)))

    def add_line(self, table: str, line: str) -> None:
        """A row already in COPY text (the hot paths build theirs with one f-string)."""
        self.rows.setdefault(table, []).append(line)

    def count(self, table: str) -> int:
        return len(self.rows.get(table, ()))


# The columns each table is loaded with (every NOT NULL column without a default,
# plus the ones the benchmarks read); the order matches ``Block.add`` calls below.
COLUMNS = {
    "account_address": (
        "id first_name last_name company_name street_address_1 street_address_2 city "
        "postal_code country country_area phone city_area metadata private_metadata "
        "validation_skipped"
    ),
    "account_user": (
        "id is_superuser email is_staff is_active password date_joined "
        "default_billing_address_id first_name last_name private_metadata metadata "
        "jwt_token_key language_code search_document updated_at uuid is_confirmed "
        "number_of_orders"
    ),
    "account_user_addresses": "id user_id address_id",
    "saleor_crm_loyaltyaccount": (
        "id balance pending lifetime_points tier_name tier_changed_at created_at updated_at "
        "channel_id user_id member_code"
    ),
    "order_order": (
        "id number created_at updated_at status origin user_id user_email channel_id currency "
        "tracking_client_id language_code display_gross_prices customer_note weight "
        "checkout_token metadata private_metadata search_document use_old_id "
        "total_net_amount total_gross_amount undiscounted_total_net_amount "
        "undiscounted_total_gross_amount subtotal_net_amount subtotal_gross_amount "
        "shipping_price_net_amount shipping_price_gross_amount base_shipping_price_amount "
        "undiscounted_base_shipping_price_amount total_charged_amount "
        "total_authorized_amount authorize_status charge_status should_refresh_prices "
        "tax_exemption shipping_tax_class_metadata shipping_tax_class_private_metadata "
        "lines_count"
    ),
    "order_orderline": (
        "id order_id created_at product_name translated_product_name variant_name "
        "translated_variant_name product_sku product_variant_id variant_id product_type_id "
        "is_shipping_required is_gift_card is_gift quantity quantity_fulfilled currency "
        "unit_price_net_amount unit_price_gross_amount total_price_net_amount "
        "total_price_gross_amount undiscounted_unit_price_net_amount "
        "undiscounted_unit_price_gross_amount undiscounted_total_price_net_amount "
        "undiscounted_total_price_gross_amount base_unit_price_amount "
        "undiscounted_base_unit_price_amount unit_discount_amount unit_discount_value "
        "tax_rate metadata private_metadata tax_class_metadata tax_class_private_metadata"
    ),
    "checkout_checkout": (
        "token created_at last_change email user_id channel_id currency country language_code "
        "note discount_amount price_expiration discount_expiration "
        "shipping_price_gross_amount shipping_price_net_amount shipping_tax_rate "
        "subtotal_gross_amount subtotal_net_amount total_gross_amount total_net_amount "
        "base_subtotal_amount base_total_amount undiscounted_base_shipping_price_amount "
        "authorize_status charge_status completing_started_at metadata private_metadata "
        "search_index_dirty"
    ),
    "checkout_checkoutline": (
        "id checkout_id variant_id quantity created_at currency tax_rate "
        "total_price_gross_amount total_price_net_amount undiscounted_unit_price_amount "
        "metadata private_metadata"
    ),
}
# Load order: referenced tables first (the foreign keys are verified afterwards).
TABLES = tuple(COLUMNS)


def _text(value: object) -> str:
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _money(value: float) -> str:
    return f"{value:.2f}"


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(tuple(weights), weights=tuple(weights.values()))[0]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def bench_member_code(loyalty_id: int) -> str:
    """A valid, unique member code spelling the account id (real ones are random)."""
    body = ""
    for _ in range(LENGTH - 1):
        loyalty_id, digit = divmod(loyalty_id, len(ALPHABET))
        body = ALPHABET[digit] + body
    return body + member_code_check_character(body)


def block_seed(number: int) -> int:
    return SEED * 1_000_003 + number


@dataclasses.dataclass
class _Customer:
    number: int
    user_id: int
    email: str
    joined: datetime.datetime
    user_row: tuple
    orders: int = 0


def generate_block(world: World, number: int, ids: Ids) -> Block:
    """Rows of customers ``number * BLOCK`` to ``(number + 1) * BLOCK - 1``."""
    rng = random.Random(block_seed(number))
    block = Block()
    customers = _customers(world, rng, block, number, ids)
    _orders(world, rng, block, customers, ids)
    # Users are written once their orders are dealt: Saleor keeps number_of_orders.
    for customer in customers:
        block.add("account_user", *customer.user_row, customer.orders)
    _checkouts(world, rng, block, customers)
    return block


def _customers(
    world: World, rng: random.Random, block: Block, number: int, ids: Ids
) -> list[_Customer]:
    span = YEARS * 365 * 86400
    customers = []
    address_id, link_id, loyalty_id = ids.address, ids.user_address, ids.loyalty
    first_channel = world.channels[0]
    for offset in range(BLOCK):
        n = number * BLOCK + offset
        user_id = ids.user + offset
        email = f"scale-{n}@example.com"
        joined = world.anchor - datetime.timedelta(seconds=rng.randrange(86400, span))
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        billing_id = None
        if rng.random() < 0.6:
            billing_id = address_id
            country = _weighted(rng, COUNTRIES)
            block.add(
                "account_address",
                address_id,
                first,
                last,
                "",
                f"{rng.randrange(1, 999)} Main St",
                "",
                CITIES[country],
                f"{rng.randrange(10000, 99999)}",
                country,
                "",
                "",
                "",
                "{}",
                "{}",
                False,
            )
            block.add("account_user_addresses", link_id, user_id, address_id)
            address_id += 1
            link_id += 1
        if rng.random() < 0.4:
            lifetime = int(rng.lognormvariate(math.log(300), 1.0))
            tier = next(name for floor, name in TIERS if lifetime >= floor)
            block.add(
                "saleor_crm_loyaltyaccount",
                loyalty_id,
                rng.randrange(0, lifetime + 1),
                0,
                lifetime,
                tier,
                joined if tier else None,
                joined,
                joined,
                first_channel.id,
                user_id,
                bench_member_code(loyalty_id),
            )
            loyalty_id += 1
        user_row = (
            user_id,
            False,
            email,
            False,
            True,
            "!",
            joined,
            billing_id,
            first,
            last,
            "{}",
            "{}",
            rng.getrandbits(48).to_bytes(6).hex(),
            "en",
            f"{email} {first.lower()} {last.lower()}",
            joined,
            _uuid(rng),
            True,
        )
        customers.append(_Customer(n, user_id, email, joined, user_row))
    ids.address, ids.user_address, ids.loyalty = address_id, link_id, loyalty_id
    ids.user += BLOCK
    return customers


def _orders(
    world: World, rng: random.Random, block: Block, customers: list[_Customer], ids: Ids
) -> None:
    weights = [0.0 if rng.random() < 0.2 else rng.lognormvariate(0, 1.0) for _ in customers]
    cumulative = list(itertools.accumulate(weights))
    owners = rng.choices(customers, cum_weights=cumulative, k=BLOCK * ORDERS_PER_CUSTOMER)
    status_names, status_weights = tuple(STATUSES), tuple(STATUSES.values())
    statuses = rng.choices(status_names, weights=status_weights, k=len(owners))
    number = ids.order_number
    for index, (customer, status) in enumerate(zip(owners, statuses, strict=True)):
        channel = world.channels[0] if rng.random() < 0.9 else world.channels[1]
        age = (world.anchor - customer.joined).total_seconds()
        created = world.anchor - datetime.timedelta(seconds=rng.random() * age)
        gross = min(rng.lognormvariate(math.log(60), 0.8), 2000.0) * channel.factor
        shipping = 5.0 * channel.factor
        net = gross / 1.1
        charged = 0.0
        charge_status = "none"
        if status not in UNPAID:
            charged, charge_status = gross, "full"
            if rng.random() < 0.03:
                charged, charge_status = round(gross * rng.uniform(0.2, 0.9), 2), "partial"
        with_user = rng.random() < 0.95
        order_id = _uuid(rng)
        has_line = index % ORDER_LINE_EVERY == 0
        created_text = created.isoformat(sep=" ")
        user = customer.user_id if with_user else NULL
        origin = "draft" if status == "draft" else "checkout"
        subtotal_net, shipping_net = net - shipping / 1.1, shipping / 1.1
        block.add_line(
            "order_order",
            f"{order_id}\t{number}\t{created_text}\t{created_text}\t{status}\t{origin}\t"
            f"{user}\t{customer.email}\t{channel.id}\t{channel.currency}\t{ORDER_CONSTANTS}\t"
            f"{net:.2f}\t{gross:.2f}\t{net:.2f}\t{gross:.2f}\t{subtotal_net:.2f}\t"
            f"{gross - shipping:.2f}\t{shipping_net:.2f}\t{shipping:.2f}\t{shipping:.2f}\t"
            f"{shipping:.2f}\t{charged:.2f}\t0\tnone\t{charge_status}\tf\tf\t{{}}\t{{}}\t"
            f"{1 if has_line else 0}",
        )
        number += 1
        if with_user and status != "draft":
            customer.orders += 1
        if has_line:
            _order_line(rng, block, world, order_id, created_text, channel, gross - shipping)
    ids.order_number = number


def _order_line(
    rng: random.Random,
    block: Block,
    world: World,
    order_id: uuid.UUID,
    created: str,
    channel: Channel,
    subtotal: float,
) -> None:
    variant = rng.choice(world.variants)
    quantity = rng.randrange(1, 3)
    unit = subtotal / quantity
    unit_net = unit / 1.1
    block.add(
        "order_orderline",
        _uuid(rng),
        order_id,
        created,
        variant.product_name,
        "",
        variant.name,
        "",
        variant.sku,
        variant.id,
        variant.id,
        variant.product_type_id,
        variant.is_shipping_required,
        False,
        False,
        quantity,
        quantity,
        channel.currency,
        _money(unit_net),
        _money(unit),
        _money(unit_net * quantity),
        _money(unit * quantity),
        _money(unit_net),
        _money(unit),
        _money(unit_net * quantity),
        _money(unit * quantity),
        _money(unit),
        _money(unit),
        "0",
        "0",
        "0.1",
        "{}",
        "{}",
        "{}",
        "{}",
    )


def checkout_kind(n: int) -> str:
    remainder = n % 1000
    return next(kind for bound, kind in CHECKOUT_KINDS if remainder < bound)


def _checkouts(world: World, rng: random.Random, block: Block, customers: list[_Customer]) -> None:
    hour = 3600
    for customer in customers:
        kind = checkout_kind(customer.number)
        user_id, email, lines = None, None, rng.randrange(1, 4)
        if kind in ("due", "completing"):
            low, high = (delta.total_seconds() for delta in DUE_WINDOW)
            age = rng.uniform(low, high)
            email = customer.email
        elif kind == "recent":
            age = rng.uniform(0, hour)
            email = customer.email if rng.random() < 0.7 else None
            lines = lines if rng.random() < 0.85 else 0
        elif kind == "anonymous":
            age = rng.uniform(0, 30 * 24 * hour)
        else:
            age = rng.uniform(0, 6 * hour)
            email = customer.email if rng.random() < 0.5 else None
            lines = 0
        if email is not None and rng.random() < 0.5:
            user_id = customer.user_id
        elif email is not None:
            email = f"guest-{customer.number}@example.net"
        channel = world.channels[0]
        last_change = world.anchor - datetime.timedelta(seconds=age)
        created = last_change - datetime.timedelta(seconds=rng.uniform(0, 2 * hour))
        completing = last_change if kind == "completing" else None
        token = _uuid(rng)
        subtotal = 0.0
        for _ in range(lines):
            variant = rng.choice(world.variants)
            quantity = rng.randrange(1, 3)
            unit = round(rng.uniform(5, 120), 2)
            subtotal += unit * quantity
            block.add(
                "checkout_checkoutline",
                _uuid(rng),
                token,
                variant.id,
                quantity,
                created,
                channel.currency,
                "0",
                _money(unit * quantity),
                _money(unit * quantity),
                _money(unit),
                "{}",
                "{}",
            )
        expiry = last_change + datetime.timedelta(hours=1)
        block.add(
            "checkout_checkout",
            token,
            created,
            last_change,
            email,
            user_id,
            channel.id,
            channel.currency,
            "US",
            "en",
            "",
            "0",
            expiry,
            expiry,
            "0",
            "0",
            "0",
            _money(subtotal),
            _money(subtotal),
            _money(subtotal),
            _money(subtotal),
            _money(subtotal),
            _money(subtotal),
            "0",
            "none",
            "none",
            completing,
            "{}",
            "{}",
            False,
        )


def copy_text(rows: list[str]) -> Iterator[bytes]:
    """The rows as COPY text, in chunks of about a megabyte."""
    for start in range(0, len(rows), 5000):
        yield ("\n".join(rows[start : start + 5000]) + "\n").encode()
