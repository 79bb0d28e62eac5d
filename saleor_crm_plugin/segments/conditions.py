"""The condition language of segments: the tree, its validation, what it reads.

A definition is a JSON tree (docs/segments.md has the reference with examples)::

    {"all": [node, ...]} | {"any": [node, ...]} | {"not": node}
    {"field": "<name>", "op": "<operator>", "value": <value>, "days": <window, optional>}

What may be asked is the field registry (``fields/``): each field declares its value
type, SQL, triggers and label once; this module checks a tree against it. Validation
is strict and names the node at fault by its path (``all[2].any[0]``): unknown fields
and operators, values of the wrong shape, empty groups, trees deeper than
``MAX_DEPTH`` or larger than ``MAX_NODES``, and money or loyalty conditions in a
segment without a channel are refused with a coded ``SegmentError``. References
(products, categories, channels) must exist: they are looked up on the database alias
given as ``using`` (the replica for GraphQL reads such as the preview; the writer, by
default, when a segment is saved or refreshed).

Every leaf is two-valued: a customer lacking the data (no orders, no loyalty account,
no RFM score) fails it, and ``not`` of a failing leaf holds.
"""

import datetime
from collections.abc import Iterator

from django.conf import settings

from .error_codes import CustomerSegmentErrorCode
from .fields import FIELDS, Leaf
from .triggers import Age, Trigger
from .values import Tags, definition_error, invalid, is_int

__all__ = [
    "FIELDS",
    "Leaf",
    "boundaries",
    "iter_leaves",
    "join_path",
    "parse_leaf",
    "referenced_tags",
    "tag_conditions",
    "triggers_read",
    "validate_definition",
]

MAX_DEPTH = 8
MAX_NODES = 100
MAX_DAYS = 3650


def join_path(parent: str, child: str) -> str:
    return f"{parent}.{child}" if parent else child


def validate_definition(
    definition,
    *,
    channel_id: int | None,
    using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME,
) -> None:
    """Check ``definition`` fully (shape, fields, values, references); raise SegmentError."""
    if not isinstance(definition, dict) or not definition:
        raise definition_error(
            CustomerSegmentErrorCode.INVALID, "A definition must be a JSON object.", ""
        )
    count = 0
    for path, node, _depth in _walk(definition, "", 1):
        count += 1
        if count > MAX_NODES:
            raise definition_error(
                CustomerSegmentErrorCode.TOO_LARGE,
                f"A definition may have at most {MAX_NODES} conditions and groups.",
                path,
            )
        if "field" in node:
            leaf = parse_leaf(node, path, using=using)
            if leaf.field.needs_channel and channel_id is None:
                raise definition_error(
                    CustomerSegmentErrorCode.CHANNEL_REQUIRED,
                    f"'{leaf.field.name}' is measured per channel: the segment needs a channel.",
                    path,
                )


def _walk(node, path: str, depth: int) -> Iterator[tuple[str, dict, int]]:
    """Yield (path, node, depth) in document order, checking the shape of groups."""
    if not isinstance(node, dict):
        raise definition_error(
            CustomerSegmentErrorCode.INVALID, "A condition must be an object.", path
        )
    yield path, node, depth
    if "field" in node:
        return
    keys = set(node)
    if len(keys) != 1 or not keys <= {"all", "any", "not"}:
        raise definition_error(
            CustomerSegmentErrorCode.INVALID,
            "A node is either a condition with 'field' or a group with exactly one of "
            "'all', 'any', 'not'.",
            path,
        )
    (key,) = keys
    if depth >= MAX_DEPTH:
        raise definition_error(
            CustomerSegmentErrorCode.TOO_DEEP,
            f"A definition may nest at most {MAX_DEPTH} levels.",
            path,
        )
    if key == "not":
        yield from _walk(node["not"], join_path(path, "not"), depth + 1)
        return
    children = node[key]
    if not isinstance(children, list):
        raise definition_error(CustomerSegmentErrorCode.INVALID, f"'{key}' takes a list.", path)
    if not children:
        raise definition_error(
            CustomerSegmentErrorCode.EMPTY_GROUP, f"'{key}' needs at least one condition.", path
        )
    if len(children) > MAX_NODES:
        raise definition_error(
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
        raise definition_error(
            CustomerSegmentErrorCode.INVALID,
            f"Unknown key(s) {', '.join(sorted(map(str, unknown_keys)))} in a condition.",
            path,
        )
    name = node.get("field")
    spec = FIELDS.get(name) if isinstance(name, str) else None
    if spec is None:
        raise definition_error(
            CustomerSegmentErrorCode.UNKNOWN_FIELD,
            f"Unknown field {name!r}; known: {', '.join(FIELDS)}.",
            path,
        )
    op = node.get("op")
    if op not in spec.ops:
        raise definition_error(
            CustomerSegmentErrorCode.INVALID_OPERATOR,
            f"Operator {op!r} does not apply to '{name}'; use one of {', '.join(spec.ops)}.",
            path,
        )
    days = node.get("days")
    if days is not None:
        if not spec.windowed:
            raise invalid(f"'{name}' takes no 'days' window.", path)
        if not is_int(days) or not 1 <= days <= MAX_DAYS:
            raise invalid(f"'days' must be a whole number from 1 to {MAX_DAYS}.", path)
    if "value" not in node:
        raise definition_error(
            CustomerSegmentErrorCode.REQUIRED, "The condition needs a 'value'.", path
        )
    value = spec.value.parse(op, node["value"], path, using=using)
    return Leaf(path=path, field=spec, op=op, value=value, days=days)


def _day_boundaries(leaf: Leaf) -> set[datetime.timedelta]:
    # floor(age in days) compared with N changes truth when the age passes N or N + 1 days.
    values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
    return {datetime.timedelta(days=value + extra) for value in values for extra in (0, 1)}


def boundaries(definition: dict) -> dict[Age, set[datetime.timedelta]]:
    """Per moment (an order placed, the customer joined): the ages at which it can flip
    a condition of ``definition``.

    A windowed condition (``days: D``) flips when the moment turns D days old; a
    "days since" condition compared with N when it turns N or N + 1 days old.
    """
    found: dict[Age, set[datetime.timedelta]] = {}
    for leaf in iter_leaves(definition):
        if leaf.days:
            found.setdefault(leaf.field.window, set()).add(datetime.timedelta(days=leaf.days))
        if leaf.field.age is not None:
            found.setdefault(leaf.field.age, set()).update(_day_boundaries(leaf))
    return found


def triggers_read(definition: dict) -> set[Trigger]:
    """The kinds of change that can move a condition of ``definition``."""
    return {trigger for leaf in iter_leaves(definition) for trigger in leaf.field.triggers}


def tag_conditions(definition: dict) -> Iterator[tuple[str, str]]:
    """(path, tag) of every tag a condition of ``definition`` reads, in document order."""
    for leaf in iter_leaves(definition):
        if isinstance(leaf.field.value, Tags):
            for tag in leaf.value:
                yield leaf.path, tag


def referenced_tags(definition: dict) -> set[str]:
    return {tag for _path, tag in tag_conditions(definition)}
