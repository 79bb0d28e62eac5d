"""The condition language of segments: its fields, operators and validation.

A definition is a JSON tree (docs/segments.md has the reference with examples)::

    {"all": [node, ...]} | {"any": [node, ...]} | {"not": node}
    {"field": "<name>", "op": "<operator>", "value": <value>, "days": <window, optional>}

``FIELDS`` is the single registry of what may be asked: the validator checks a tree
against it, the compiler (``compiler.py``) turns each field into SQL and explain
describes it. Validation is strict and names the node at fault by its path
(``all[2].any[0]``): unknown fields and operators, values of the wrong shape, empty
groups, trees deeper than ``MAX_DEPTH`` or larger than ``MAX_NODES``, and money or
loyalty conditions in a segment without a channel are refused with a coded
``SegmentError``. References (products, categories, channels) must exist: they are
looked up on the database alias given as ``using`` (the replica for GraphQL reads such
as the preview; the writer, by default, when a segment is saved or refreshed).

Every leaf is two-valued: a customer lacking the data (no orders, no loyalty account,
no RFM score) fails it, and ``not`` of a failing leaf holds.
"""

import dataclasses
import datetime
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django_countries import countries
from saleor.channel.models import Channel
from saleor.product.models import Category, Product

from ..global_ids import from_global_id
from .error_codes import CustomerSegmentErrorCode
from .exceptions import SegmentError
from .tags import normalize_tag

MAX_DEPTH = 8
MAX_NODES = 100
MAX_DAYS = 3650
MAX_LIST = 100
# Bounds of values, so that every value fits Python's datetime arithmetic and
# PostgreSQL's types (a definition is validated here once, and nowhere else):
MAX_AGE_DAYS = 36500  # "days since" / "days since joined": a century
MAX_COUNT = 10**9
MAX_POINTS = 10**15
MAX_AMOUNT = Decimal("1e15")  # exclusive
AMOUNT_PLACES = Decimal("0.001")  # Saleor keeps money with 3 decimal places

NUMBER_OPS = ("eq", "ne", "gt", "gte", "lt", "lte", "between")
STRING_OPS = ("eq", "ne", "in")
TAG_OPS = ("has", "has_any", "has_all", "has_none")
RFM_GROUP_SLUGS = (
    "champions",
    "loyal",
    "potential_loyalist",
    "new",
    "promising",
    "needs_attention",
    "about_to_sleep",
    "at_risk",
    "cannot_lose_them",
    "hibernating",
    "lost",
)


class Kind:
    MONEY = "money"  # Decimal >= 0, channel currency
    COUNT = "count"  # integer >= 0
    DAYS = "days"  # whole days 0 .. MAX_AGE_DAYS
    SCORE = "score"  # integer 1..5
    POINTS = "points"  # integer (may be negative)
    STRING = "string"
    TAGS = "tags"
    COUNTRY = "country"
    CHANNEL = "channel"
    PRODUCTS = "products"
    CATEGORIES = "categories"
    BOOLEAN = "boolean"
    RFM_GROUP = "rfm_group"


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str
    ops: tuple[str, ...]
    label: str
    needs_channel: bool = False
    windowed: bool = False  # accepts "days": only orders of the last N days count
    # A day count relative to now: the condition may flip as time passes.
    time_relative: bool = False


FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in [
        FieldSpec("total_spent", Kind.MONEY, NUMBER_OPS, "total spent", True, True),
        FieldSpec("order_count", Kind.COUNT, NUMBER_OPS, "number of orders", False, True),
        FieldSpec("average_order_value", Kind.MONEY, NUMBER_OPS, "average order value", True, True),
        FieldSpec(
            "days_since_last_order",
            Kind.DAYS,
            NUMBER_OPS,
            "days since the last order",
            time_relative=True,
        ),
        FieldSpec(
            "days_since_first_order",
            Kind.DAYS,
            NUMBER_OPS,
            "days since the first order",
            time_relative=True,
        ),
        FieldSpec(
            "date_joined_days",
            Kind.DAYS,
            NUMBER_OPS,
            "days since the customer joined",
            time_relative=True,
        ),
        FieldSpec("points_balance", Kind.POINTS, NUMBER_OPS, "points balance", True),
        FieldSpec("loyalty_tier", Kind.STRING, STRING_OPS, "loyalty tier", True),
        FieldSpec("tags", Kind.TAGS, TAG_OPS, "tags"),
        FieldSpec("country", Kind.COUNTRY, STRING_OPS, "country"),
        FieldSpec("channel", Kind.CHANNEL, ("ordered_in",), "customer"),
        FieldSpec("purchased_product", Kind.PRODUCTS, ("any_of",), "purchased product"),
        FieldSpec("purchased_category", Kind.CATEGORIES, ("any_of",), "purchased category"),
        FieldSpec("marketing_consent", Kind.BOOLEAN, ("eq",), "marketing consent"),
        FieldSpec("rfm_group", Kind.RFM_GROUP, ("eq", "ne", "in"), "RFM group", True),
        FieldSpec("rfm_recency", Kind.SCORE, NUMBER_OPS, "RFM recency score", True),
        FieldSpec("rfm_frequency", Kind.SCORE, NUMBER_OPS, "RFM frequency score", True),
        FieldSpec("rfm_monetary", Kind.SCORE, NUMBER_OPS, "RFM monetary score", True),
    ]
}

RFM_FIELDS = frozenset({"rfm_group", "rfm_recency", "rfm_frequency", "rfm_monetary"})
ORDER_FIELDS = frozenset(
    {
        "total_spent",
        "order_count",
        "average_order_value",
        "days_since_last_order",
        "days_since_first_order",
        "channel",
        "purchased_product",
        "purchased_category",
    }
)


@dataclasses.dataclass(frozen=True)
class Leaf:
    """A validated condition with its value in canonical form (see ``leaf_value``)."""

    path: str
    field: FieldSpec
    op: str
    value: object
    days: int | None


def join_path(parent: str, child: str) -> str:
    return f"{parent}.{child}" if parent else child


def _error(code, message: str, path: str) -> SegmentError:
    return SegmentError(message, code=code, field="definition", path=path or None)


def _invalid(message: str, path: str) -> SegmentError:
    return _error(CustomerSegmentErrorCode.INVALID_VALUE, message, path)


def validate_definition(
    definition,
    *,
    channel_id: int | None,
    using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME,
) -> None:
    """Check ``definition`` fully (shape, fields, values, references); raise SegmentError."""
    if not isinstance(definition, dict) or not definition:
        raise _error(CustomerSegmentErrorCode.INVALID, "A definition must be a JSON object.", "")
    count = 0
    for path, node, _depth in _walk(definition, "", 1):
        count += 1
        if count > MAX_NODES:
            raise _error(
                CustomerSegmentErrorCode.TOO_LARGE,
                f"A definition may have at most {MAX_NODES} conditions and groups.",
                path,
            )
        if "field" in node:
            leaf = parse_leaf(node, path, using=using)
            if leaf.field.needs_channel and channel_id is None:
                raise _error(
                    CustomerSegmentErrorCode.CHANNEL_REQUIRED,
                    f"'{leaf.field.name}' is measured per channel: the segment needs a channel.",
                    path,
                )


def _walk(node, path: str, depth: int) -> Iterator[tuple[str, dict, int]]:
    """Yield (path, node, depth) in document order, checking the shape of groups."""
    if not isinstance(node, dict):
        raise _error(CustomerSegmentErrorCode.INVALID, "A condition must be an object.", path)
    yield path, node, depth
    if "field" in node:
        return
    keys = set(node)
    if len(keys) != 1 or not keys <= {"all", "any", "not"}:
        raise _error(
            CustomerSegmentErrorCode.INVALID,
            "A node is either a condition with 'field' or a group with exactly one of "
            "'all', 'any', 'not'.",
            path,
        )
    (key,) = keys
    if depth >= MAX_DEPTH:
        raise _error(
            CustomerSegmentErrorCode.TOO_DEEP,
            f"A definition may nest at most {MAX_DEPTH} levels.",
            path,
        )
    if key == "not":
        yield from _walk(node["not"], join_path(path, "not"), depth + 1)
        return
    children = node[key]
    if not isinstance(children, list):
        raise _error(CustomerSegmentErrorCode.INVALID, f"'{key}' takes a list.", path)
    if not children:
        raise _error(
            CustomerSegmentErrorCode.EMPTY_GROUP, f"'{key}' needs at least one condition.", path
        )
    if len(children) > MAX_NODES:
        raise _error(
            CustomerSegmentErrorCode.TOO_LARGE,
            f"A definition may have at most {MAX_NODES} conditions and groups.",
            path,
        )
    for index, child in enumerate(children):
        yield from _walk(child, join_path(path, f"{key}[{index}]"), depth + 1)


def iter_leaves(
    definition: dict, path: str = "", *, using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME
) -> Iterator[Leaf]:
    """The leaves of a validated definition, parsed, in document order."""
    if "field" in definition:
        yield parse_leaf(definition, path, using=using)
        return
    (key,) = definition
    if key == "not":
        yield from iter_leaves(definition["not"], join_path(path, "not"), using=using)
        return
    for index, child in enumerate(definition[key]):
        yield from iter_leaves(child, join_path(path, f"{key}[{index}]"), using=using)


def parse_leaf(
    node: dict, path: str, *, using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME
) -> Leaf:
    """Validate one condition and return it with its value in canonical form."""
    unknown_keys = set(node) - {"field", "op", "value", "days"}
    if unknown_keys:
        raise _error(
            CustomerSegmentErrorCode.INVALID,
            f"Unknown key(s) {', '.join(sorted(map(str, unknown_keys)))} in a condition.",
            path,
        )
    name = node.get("field")
    spec = FIELDS.get(name) if isinstance(name, str) else None
    if spec is None:
        raise _error(
            CustomerSegmentErrorCode.UNKNOWN_FIELD,
            f"Unknown field {name!r}; known: {', '.join(FIELDS)}.",
            path,
        )
    op = node.get("op")
    if op not in spec.ops:
        raise _error(
            CustomerSegmentErrorCode.INVALID_OPERATOR,
            f"Operator {op!r} does not apply to '{name}'; use one of {', '.join(spec.ops)}.",
            path,
        )
    days = node.get("days")
    if days is not None:
        if not spec.windowed:
            raise _invalid(f"'{name}' takes no 'days' window.", path)
        if not _is_int(days) or not 1 <= days <= MAX_DAYS:
            raise _invalid(f"'days' must be a whole number from 1 to {MAX_DAYS}.", path)
    if "value" not in node:
        raise _error(CustomerSegmentErrorCode.REQUIRED, "The condition needs a 'value'.", path)
    value = _parse_value(spec, op, node["value"], path, using=using)
    return Leaf(path=path, field=spec, op=op, value=value, days=days)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_value(spec: FieldSpec, op: str, value, path: str, *, using: str):
    if spec.kind in (Kind.MONEY, Kind.COUNT, Kind.DAYS, Kind.SCORE, Kind.POINTS):
        if op == "between":
            if not isinstance(value, list) or len(value) != 2:
                raise _invalid("'between' takes a list of two numbers [low, high].", path)
            low, high = (_parse_number(spec, item, path) for item in value)
            if low > high:
                raise _invalid("'between' needs low <= high.", path)
            return (low, high)
        return _parse_number(spec, value, path)
    if spec.kind == Kind.BOOLEAN:
        if not isinstance(value, bool):
            raise _invalid("The value must be true or false.", path)
        return value
    if spec.kind in (Kind.STRING, Kind.RFM_GROUP, Kind.COUNTRY):
        values = _string_list(value, path) if op == "in" else [_string(value, path)]
        if spec.kind == Kind.RFM_GROUP:
            bad = [item for item in values if item not in RFM_GROUP_SLUGS]
            if bad:
                raise _invalid(
                    f"Unknown RFM group {bad[0]!r}; known: {', '.join(RFM_GROUP_SLUGS)}.", path
                )
        if spec.kind == Kind.COUNTRY:
            values = [item.upper() for item in values]
            bad = [item for item in values if item not in countries]
            if bad:
                raise _invalid(f"{bad[0]!r} is not an ISO 3166-1 alpha-2 country code.", path)
        return tuple(values) if op == "in" else values[0]
    if spec.kind == Kind.TAGS:
        values = [_string(value, path)] if op == "has" else _string_list(value, path)
        try:
            tags = tuple(dict.fromkeys(normalize_tag(item) for item in values))
        except SegmentError as error:
            raise _error(CustomerSegmentErrorCode.INVALID_TAG, error.message, path) from None
        return tags
    if spec.kind == Kind.CHANNEL:
        slugs = _string_list(value, path) if isinstance(value, list) else [_string(value, path)]
        found = dict(Channel.objects.using(using).filter(slug__in=slugs).values_list("slug", "pk"))
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise _invalid(f"Unknown channel {missing[0]!r}.", path)
        return tuple(sorted(set(found.values())))
    if spec.kind == Kind.PRODUCTS:
        return _resolve_references(Product, "Product", value, path, using=using)
    if spec.kind == Kind.CATEGORIES:
        ids = _resolve_references(Category, "Category", value, path, using=using)
        categories = Category.objects.using(using).filter(pk__in=ids)
        # The manager bound to ``using``: mptt builds the result from the manager.
        with_descendants = Category.tree.db_manager(using).get_queryset_descendants(
            categories, include_self=True
        )
        return tuple(sorted(with_descendants.values_list("pk", flat=True)))
    raise AssertionError(spec.kind)  # pragma: no cover - every kind is handled above


def _parse_number(spec: FieldSpec, value, path: str):
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise _invalid("The value must be a number.", path)
    if spec.kind == Kind.MONEY:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise _invalid("The value must be a number.", path) from None
        if not number.is_finite() or not 0 <= number < MAX_AMOUNT:
            raise _invalid("An amount must be from 0 to 10^15.", path)
        if number != number.quantize(AMOUNT_PLACES):
            raise _invalid("An amount has at most 3 decimal places.", path)
        return number
    if not _is_int(value):
        raise _invalid("The value must be a whole number.", path)
    if spec.kind == Kind.SCORE and not 1 <= value <= 5:
        raise _invalid("An RFM score is from 1 to 5.", path)
    if spec.kind == Kind.COUNT and not 0 <= value <= MAX_COUNT:
        raise _invalid("The value must be from 0 to 10^9.", path)
    if spec.kind == Kind.DAYS and not 0 <= value <= MAX_AGE_DAYS:
        raise _invalid(f"A number of days must be from 0 to {MAX_AGE_DAYS}.", path)
    if spec.kind == Kind.POINTS and abs(value) > MAX_POINTS:
        raise _invalid("The value must be from -10^15 to 10^15.", path)
    return value


def _string(value, path: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 255:
        raise _invalid("The value must be a non-empty string.", path)
    if "\x00" in value:  # PostgreSQL text cannot hold NUL
        raise _invalid("The value must not contain NUL characters.", path)
    return value.strip()


def _string_list(value, path: str) -> list[str]:
    if not isinstance(value, list) or not value or len(value) > MAX_LIST:
        raise _invalid(f"The value must be a list of 1 to {MAX_LIST} strings.", path)
    return [_string(item, path) for item in value]


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


def _resolve_references(model, type_name: str, value, path: str, *, using: str) -> tuple[int, ...]:
    """Ids of ``model`` from global ids, slugs or numeric ids; all must exist."""
    if not isinstance(value, list) or not value or len(value) > MAX_LIST:
        raise _invalid(f"The value must be a list of 1 to {MAX_LIST} ids or slugs.", path)
    ids, slugs = set(), set()
    for item in value:
        if _is_int(item):
            ids.add(item)
            continue
        text = _string(item, path)
        pk = _global_id_key(text, type_name)
        if pk is not None:
            ids.add(pk)
        else:
            slugs.add(text)
    by_slug = dict(model.objects.using(using).filter(slug__in=slugs).values_list("slug", "pk"))
    existing = set(model.objects.using(using).filter(pk__in=ids).values_list("pk", flat=True))
    missing = [str(slug) for slug in slugs if slug not in by_slug]
    missing += [str(pk) for pk in ids if pk not in existing]
    if missing:
        raise _invalid(f"Unknown {type_name.lower()} {sorted(missing)[0]!r}.", path)
    return tuple(sorted(existing | set(by_slug.values())))


def _day_boundaries(leaf: Leaf) -> set[datetime.timedelta]:
    # floor(age in days) compared with N changes truth when the age passes N or N + 1 days.
    values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
    return {datetime.timedelta(days=value + extra) for value in values for extra in (0, 1)}


def order_windows(definition: dict) -> set[datetime.timedelta]:
    """Ages at which an order can flip a condition of ``definition``.

    A windowed condition (``days: D``) flips when one of its orders turns D days old; a
    days-since-order condition compared with N when the order turns N or N + 1 days old.
    """
    windows: set[datetime.timedelta] = set()
    for leaf in iter_leaves(definition):
        if leaf.days:
            windows.add(datetime.timedelta(days=leaf.days))
        if leaf.field.time_relative and leaf.field.name != "date_joined_days":
            windows |= _day_boundaries(leaf)
    return windows


def join_windows(definition: dict) -> set[datetime.timedelta]:
    """Ages of the account at which ``date_joined_days`` conditions can flip."""
    windows: set[datetime.timedelta] = set()
    for leaf in iter_leaves(definition):
        if leaf.field.name == "date_joined_days":
            windows |= _day_boundaries(leaf)
    return windows


def uses_rfm(definition: dict) -> bool:
    return any(leaf.field.name in RFM_FIELDS for leaf in iter_leaves(definition))


def referenced_tags(definition: dict) -> set[str]:
    tags: set[str] = set()
    for leaf in iter_leaves(definition):
        if leaf.field.kind == Kind.TAGS:
            tags.update(leaf.value)
    return tags
