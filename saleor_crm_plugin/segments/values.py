"""The value types of conditions: which operators each takes and how its value is read.

A field of the registry (``fields/``) names its value type; the type gives the
operators the field accepts and turns the JSON ``value`` into its canonical form, or
refuses it with ``SegmentError(INVALID_VALUE)`` naming the node. Bounds keep every
value within Python's datetime arithmetic and PostgreSQL's types: a definition is
validated here once, and nowhere else. References (channels, products, categories,
stores) are looked up on the database alias given as ``using``.
"""

import uuid
from decimal import Decimal, InvalidOperation

from django_countries import countries
from saleor.channel.models import Channel
from saleor.product.models import Category, Product
from saleor.warehouse.models import Warehouse

from ..global_ids import from_global_id
from .error_codes import CustomerSegmentErrorCode
from .exceptions import SegmentError
from .tags import normalize_tag

MAX_LIST = 100
MAX_AGE_DAYS = 36500  # "days since" / "days since joined": a century
MAX_COUNT = 10**9
MAX_POINTS = 10**15
MAX_AMOUNT = Decimal("1e15")  # exclusive
AMOUNT_PLACES = Decimal("0.001")  # Saleor keeps money with 3 decimal places
SHARE_PLACES = Decimal("0.0001")  # churn risk is stored with 4

NUMBER_OPS = ("eq", "ne", "gt", "gte", "lt", "lte", "between")
STRING_OPS = ("eq", "ne", "in")
TAG_OPS = ("has", "has_any", "has_all", "has_none")

# How explain writes each operator ("total spent ≥ 50").
OPERATORS = {
    "eq": "=",
    "ne": "≠",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "between": "between",
    "in": "in",
    "has": "has",
    "has_any": "has any of",
    "has_all": "has all of",
    "has_none": "has none of",
    "ordered_in": "ordered in",
    "any_of": "any of",
}


def definition_error(code, message: str, path: str) -> SegmentError:
    return SegmentError(message, code=code, field="definition", path=path or None)


def invalid(message: str, path: str) -> SegmentError:
    return definition_error(CustomerSegmentErrorCode.INVALID_VALUE, message, path)


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def string(value, path: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 255:
        raise invalid("The value must be a non-empty string.", path)
    if "\x00" in value:  # PostgreSQL text cannot hold NUL
        raise invalid("The value must not contain NUL characters.", path)
    return value.strip()


def string_list(value, path: str) -> list[str]:
    if not isinstance(value, list) or not value or len(value) > MAX_LIST:
        raise invalid(f"The value must be a list of 1 to {MAX_LIST} strings.", path)
    return [string(item, path) for item in value]


class ValueType:
    """Operators of a value and its reading; ``parse`` returns the canonical value."""

    ops: tuple[str, ...] = ()

    def parse(self, op: str, value, path: str, *, using: str):
        raise NotImplementedError


class Number(ValueType):
    """A number, or ``[low, high]`` for ``between``; ``number`` reads one."""

    ops = NUMBER_OPS

    def parse(self, op: str, value, path: str, *, using: str):
        if op != "between":
            return self.number(value, path)
        if not isinstance(value, list) or len(value) != 2:
            raise invalid("'between' takes a list of two numbers [low, high].", path)
        low, high = (self.number(item, path) for item in value)
        if low > high:
            raise invalid("'between' needs low <= high.", path)
        return (low, high)

    def number(self, value, path: str):
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            raise invalid("The value must be a number.", path)
        return self.read(value, path)

    def read(self, value, path: str):
        raise NotImplementedError


class Integer(Number):
    """A whole number from ``low`` to ``high``."""

    def __init__(self, low: int, high: int, out_of_range: str):
        self.low, self.high, self.out_of_range = low, high, out_of_range

    def read(self, value, path: str) -> int:
        if not is_int(value):
            raise invalid("The value must be a whole number.", path)
        if not self.low <= value <= self.high:
            raise invalid(self.out_of_range, path)
        return value


class Money(Number):
    """An amount from 0 to 10^15 (exclusive), with at most 3 decimal places."""

    def read(self, value, path: str) -> Decimal:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise invalid("The value must be a number.", path) from None
        if not number.is_finite() or not 0 <= number < MAX_AMOUNT:
            raise invalid("An amount must be from 0 to 10^15.", path)
        if number != number.quantize(AMOUNT_PLACES):
            raise invalid("An amount has at most 3 decimal places.", path)
        return number


class Share(Number):
    """A number from 0 to 1 with at most 4 decimal places (a churn risk)."""

    def read(self, value, path: str) -> Decimal:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise invalid("The value must be a number.", path) from None
        if not number.is_finite() or not 0 <= number <= 1:
            raise invalid("The value must be from 0 to 1.", path)
        if number != number.quantize(SHARE_PLACES):
            raise invalid("The value has at most 4 decimal places.", path)
        return number


class Text(ValueType):
    """One string (``eq`` / ``ne``) or a list of them (``in``), checked by ``check``."""

    ops = STRING_OPS

    def parse(self, op: str, value, path: str, *, using: str):
        values = string_list(value, path) if op == "in" else [string(value, path)]
        values = self.check(values, path)
        return tuple(values) if op == "in" else values[0]

    def check(self, values: list[str], path: str) -> list[str]:
        return values


class Choice(Text):
    """One of ``choices`` (``what`` names them in the error)."""

    def __init__(self, choices: tuple[str, ...], what: str):
        self.choices, self.what = choices, what

    def check(self, values: list[str], path: str) -> list[str]:
        bad = [item for item in values if item not in self.choices]
        if bad:
            raise invalid(
                f"Unknown {self.what} {bad[0]!r}; known: {', '.join(self.choices)}.", path
            )
        return values


class Country(Text):
    """ISO 3166-1 alpha-2 codes, any case; canonical upper case."""

    def check(self, values: list[str], path: str) -> list[str]:
        values = [item.upper() for item in values]
        bad = [item for item in values if item not in countries]
        if bad:
            raise invalid(f"{bad[0]!r} is not an ISO 3166-1 alpha-2 country code.", path)
        return values


class Boolean(ValueType):
    ops = ("eq",)

    def parse(self, op: str, value, path: str, *, using: str) -> bool:
        if not isinstance(value, bool):
            raise invalid("The value must be true or false.", path)
        return value


class Tags(ValueType):
    """One tag (``has``) or a list; normalised, each once."""

    ops = TAG_OPS

    def parse(self, op: str, value, path: str, *, using: str) -> tuple[str, ...]:
        values = [string(value, path)] if op == "has" else string_list(value, path)
        try:
            return tuple(dict.fromkeys(normalize_tag(item) for item in values))
        except SegmentError as error:
            raise definition_error(
                CustomerSegmentErrorCode.INVALID_TAG, error.message, path
            ) from None


class Channels(ValueType):
    """Channel slugs (one or a list), all existing; canonical sorted ids."""

    ops = ("ordered_in",)

    def parse(self, op: str, value, path: str, *, using: str) -> tuple[int, ...]:
        slugs = string_list(value, path) if isinstance(value, list) else [string(value, path)]
        found = dict(Channel.objects.using(using).filter(slug__in=slugs).values_list("slug", "pk"))
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise invalid(f"Unknown channel {missing[0]!r}.", path)
        return tuple(sorted(set(found.values())))


def _existing(model, type_name: str, keys: set, slugs: set, path: str, *, using: str) -> set:
    """The keys of ``model``'s objects named by ``keys`` and ``slugs``; all must exist."""
    objects = model.objects.using(using)
    by_slug = dict(objects.filter(slug__in=slugs).values_list("slug", "pk"))
    existing = set(objects.filter(pk__in=keys).values_list("pk", flat=True))
    missing = [str(slug) for slug in slugs if slug not in by_slug]
    missing += [str(pk) for pk in keys if pk not in existing]
    if missing:
        raise invalid(f"Unknown {type_name.lower()} {sorted(missing)[0]!r}.", path)
    return existing | set(by_slug.values())


class References(ValueType):
    """Objects of ``model`` by global id, slug or numeric id, all existing; sorted ids."""

    ops = ("any_of",)

    def __init__(self, model, type_name: str):
        self.model, self.type_name = model, type_name

    def parse(self, op: str, value, path: str, *, using: str) -> tuple[int, ...]:
        if not isinstance(value, list) or not value or len(value) > MAX_LIST:
            raise invalid(f"The value must be a list of 1 to {MAX_LIST} ids or slugs.", path)
        ids, slugs = set(), set()
        for item in value:
            if is_int(item):
                ids.add(item)
                continue
            text = string(item, path)
            pk = _global_id_key(text, self.type_name)
            if pk is not None:
                ids.add(pk)
            else:
                slugs.add(text)
        return tuple(sorted(_existing(self.model, self.type_name, ids, slugs, path, using=using)))


class Stores(ValueType):
    """Stores (Saleor warehouses) by global ID or slug: one (``eq`` / ``ne``) or a list
    (``in``), all existing; canonical: the warehouse's UUID as text (a sorted tuple)."""

    ops = STRING_OPS

    def parse(self, op: str, value, path: str, *, using: str):
        items = string_list(value, path) if op == "in" else [string(value, path)]
        keys, slugs = set(), set()
        for item in items:
            key = _global_id_uuid(item, "Warehouse")
            if key is not None:
                keys.add(key)
            else:
                slugs.add(item)
        found = sorted(
            str(pk) for pk in _existing(Warehouse, "Store", keys, slugs, path, using=using)
        )
        return tuple(found) if op == "in" else found[0]


class Categories(References):
    """Categories as ``References``, with all their descendants."""

    def __init__(self):
        super().__init__(Category, "Category")

    def parse(self, op: str, value, path: str, *, using: str) -> tuple[int, ...]:
        ids = super().parse(op, value, path, using=using)
        categories = Category.objects.using(using).filter(pk__in=ids)
        # The manager bound to ``using``: mptt builds the result from the manager.
        with_descendants = Category.tree.db_manager(using).get_queryset_descendants(
            categories, include_self=True
        )
        return tuple(sorted(with_descendants.values_list("pk", flat=True)))


def _global_id_uuid(text: str, type_name: str) -> uuid.UUID | None:
    """The UUID key of a global ID of ``type_name`` (``Warehouse:<uuid>``); None otherwise."""
    found = from_global_id(text)
    if found is None or found[0] != type_name:
        return None
    try:
        return uuid.UUID(found[1])
    except ValueError:
        return None


def _global_id_key(text: str, type_name: str) -> int | None:
    """The key of a global ID of ``type_name`` (``Product:12``); None for anything else.

    Keys are integers in ASCII digits: ``str.isdigit`` also accepts ``²``, which
    ``int`` refuses, and a UUID-shaped key names no product or category.
    """
    found = from_global_id(text)
    if found is None:
        return None
    found_type, found_id = found
    if found_type != type_name or not (found_id.isascii() and found_id.isdigit()):
        return None
    return int(found_id)


MONEY = Money()
COUNT = Integer(0, MAX_COUNT, "The value must be from 0 to 10^9.")
DAYS = Integer(0, MAX_AGE_DAYS, f"A number of days must be from 0 to {MAX_AGE_DAYS}.")
POINTS = Integer(-MAX_POINTS, MAX_POINTS, "The value must be from -10^15 to 10^15.")
SCORE = Integer(1, 5, "An RFM score is from 1 to 5.")
SHARE = Share()
DAYS_AHEAD = Integer(
    -MAX_AGE_DAYS, MAX_AGE_DAYS, f"A number of days must be from -{MAX_AGE_DAYS} to {MAX_AGE_DAYS}."
)
TEXT = Text()
COUNTRY = Country()
BOOLEAN = Boolean()
TAGS = Tags()
CHANNELS = Channels()
PRODUCTS = References(Product, "Product")
CATEGORIES = Categories()
STORES = Stores()
