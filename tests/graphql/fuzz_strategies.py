"""Hypothesis strategies for GraphQL documents over the CRM's fields, read from the schema
Saleor serves.

Why not hypothesis-graphql: it needs graphql-core 3, and Saleor 3.23 runs on graphql-core
2.3.2 with graphene 2; installing both into one interpreter breaks Saleor's import of
``graphql``. What it does for us fits in this module, over the graphql-core 2 schema
objects (``saleor.graphql.api.schema``), which also lets the values be *hostile* and
*informed*: real global IDs of the test's objects next to wrong ones, segment definitions
built from the field registry next to garbage.

A document is one CRM field (a root query, a root mutation, or a field we add to
Saleor's ``User`` / ``Checkout`` / ``Order``, reached through ``me``, ``user(id:)``,
``checkout(id:)`` and ``order(id:)``) with

* every required argument and a random subset of the optional ones, each given either
  as a variable (coerced by ``parse_value``) or as an inline literal (``parse_literal``),
  now and then ``null`` for a non-null one or an unknown enum value (Saleor must answer
  its coded ``GraphQLError``);
* values by type: IDs of every kind (real, of another type, unknown, malformed, huge
  keys), strings (empty, NUL, unicode, 5,000 characters), extreme ints and floats,
  decimals (negative, ``NaN``, ``1e1000``), dates and times (naive, year 1 / 9999,
  garbage), JSON (definitions over the real fields and operators, random trees, text);
* a random selection set of the result: our own types to a depth of three, Saleor's
  types (``User``, ``Money``, …) with a few of their scalar fields; a mutation always
  (and the segment preview) selects ``errors { field code message }``.
"""

import datetime
import json
from dataclasses import dataclass

import graphene
from graphene.utils.str_converters import to_camel_case
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
)
from hypothesis import strategies as st
from saleor.graphql.api import schema

from saleor_crm_plugin.graphql.schema import (
    TYPE_EXTENSIONS,
    CRMMutations,
    CRMQueries,
    _class_members,
)
from saleor_crm_plugin.segments.conditions import FIELDS

MAX_DEPTH = 3
ERRORS_SELECTION = "errors { field code message }"

# How a field we add to a Saleor type is reached: (prefix, suffix, the owner's ID type).
OWNERS = {
    "User": [("me {", "}", None), ("user(id: $owner) {", "}", "User")],
    "Checkout": [("checkout(id: $owner) {", "}", "Checkout")],
    "Order": [("order(id: $owner) {", "}", "Order")],
}


@dataclass(frozen=True)
class Target:
    """One CRM field: ``parent`` is Query, Mutation or the Saleor type it extends."""

    parent: str
    name: str

    @property
    def field(self):
        root = {"Query": schema.get_query_type(), "Mutation": schema.get_mutation_type()}
        graphql_type = root.get(self.parent) or schema.get_type(self.parent)
        return graphql_type.fields[self.name]

    def __str__(self):
        return f"{self.parent}.{self.name}"


def crm_targets() -> list[Target]:
    """Every CRM query, mutation and added field, in the schema Saleor serves."""
    targets = []
    for parent, root in (("Query", CRMQueries), ("Mutation", CRMMutations)):
        targets += [
            Target(parent, to_camel_case(member))
            for member in _class_members(root)
            if not member.startswith("resolve_")
        ]
    targets += [
        Target(saleor_type._meta.name, to_camel_case(member))
        for saleor_type, member, _field in TYPE_EXTENSIONS
    ]
    return targets


@dataclass(frozen=True)
class Pools:
    """Real values from the test's database, for the fuzzer to mix with hostile ones."""

    ids: dict[str, list[str]]  # type name -> global IDs of real objects
    channels: list[str]
    strings: list[str]  # receipt codes, tags, emails, member codes of real objects


def hostile_ids(pools: Pools) -> st.SearchStrategy[str]:
    type_names = sorted(pools.ids) + ["Channel", "Product", "NoSuchType"]
    crafted = st.builds(
        lambda type_name, key: graphene.Node.to_global_id(type_name, key),
        st.sampled_from(type_names),
        st.one_of(
            st.integers(min_value=-(2**70), max_value=2**70),
            st.uuids().map(str),
            st.sampled_from(["", "²", "1.5", "0x10", " 1", "None", "\x00"]),
        ),
    )
    return st.one_of(
        st.sampled_from(["", "\x00", "null", "VXNlcjo=", "VXNlcjrCsg==", "not base64!"]),
        st.uuids().map(str),
        crafted,
        st.text(max_size=40),
    )


def id_values(pools: Pools) -> st.SearchStrategy[str]:
    real = [value for values in pools.ids.values() for value in values]
    return st.one_of(st.sampled_from(real), hostile_ids(pools))


def hostile_strings() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["", " ", "\x00", "a\x00b", "💥", "Ⅻ", "%", "_", "'--", "\\"]),
        st.text(max_size=30),
        st.integers(min_value=1, max_value=5000).map(lambda size: "x" * size),
    )


def string_values(pools: Pools, argument: str) -> st.SearchStrategy[str]:
    known = pools.channels if argument == "channel" else pools.strings
    if argument == "currency":
        known = ["USD", "PLN", "usd", "XXX"]
    return st.one_of(st.sampled_from(known), hostile_strings())


INT_EDGES = [0, -1, 1, 100, 101, 2**31 - 1, -(2**31), 2**31, 10**20, -(10**20)]


def int_values() -> st.SearchStrategy[int]:
    return st.one_of(st.integers(min_value=-1000, max_value=1000), st.sampled_from(INT_EDGES))


def float_values():
    return st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(min_value=-1000, max_value=1000),
    )


def decimal_values():
    return st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
        st.sampled_from(["0", "-1", "0.001", "1e1000", "-1e-1000", "NaN", "Infinity", "", "x"]),
        float_values(),
    )


def datetime_values():
    aware = st.datetimes(
        min_value=datetime.datetime(1, 1, 2),
        max_value=datetime.datetime(9999, 12, 30),
        timezones=st.just(datetime.UTC),
    )
    return st.one_of(
        aware.map(datetime.datetime.isoformat),
        st.datetimes().map(datetime.datetime.isoformat),  # naive
        st.sampled_from(["", "garbage", "2026-13-01T00:00:00", "2026-01-01", "0", "now"]),
    )


def date_values():
    return st.one_of(
        st.dates().map(datetime.date.isoformat),
        st.sampled_from(["", "garbage", "2026-02-30", "0000-01-01", "2026-01-01T00:00:00"]),
    )


JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    int_values(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)


def segment_definitions(pools: Pools) -> st.SearchStrategy:
    """Definitions over the real fields and operators, with values of any shape."""
    value = st.one_of(
        JSON_LEAVES,
        st.sampled_from(pools.strings + [v for vs in pools.ids.values() for v in vs]),
        st.lists(JSON_LEAVES, max_size=3),
        st.dictionaries(st.sampled_from(["gte", "lte", "min", "max"]), JSON_LEAVES, max_size=2),
        date_values(),
    )

    @st.composite
    def leaf(draw):
        name = draw(st.sampled_from(sorted(FIELDS)))
        node = {
            "field": name,
            "op": draw(st.sampled_from([*FIELDS[name].ops, "eq", "nope"])),
            "value": draw(value),
        }
        if draw(st.booleans()):
            node["days"] = draw(st.one_of(int_values(), JSON_LEAVES))
        return node

    return st.recursive(
        leaf(),
        lambda children: st.one_of(
            st.builds(lambda nodes: {"all": nodes}, st.lists(children, max_size=3)),
            st.builds(lambda nodes: {"any": nodes}, st.lists(children, max_size=3)),
            st.builds(lambda node: {"not": node}, children),
        ),
        max_leaves=6,
    )


def json_values(pools: Pools):
    anything = st.recursive(
        JSON_LEAVES,
        lambda children: st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=8), children, max_size=3),
        max_leaves=8,
    )
    return st.one_of(
        segment_definitions(pools).map(json.dumps),
        anything.map(json.dumps),
        st.sampled_from(["", "{", "null", "[]", "{}", '{"all": []}', "1e999999"]),
    )


def scalar_values(name: str, pools: Pools, argument: str):
    by_type = {
        "ID": lambda: id_values(pools),
        "String": lambda: string_values(pools, argument),
        "Int": int_values,
        "Float": float_values,
        "Boolean": st.booleans,
        "PositiveDecimal": decimal_values,
        "Decimal": decimal_values,
        "DateTime": datetime_values,
        "Date": date_values,
        "JSONString": lambda: json_values(pools),
        "UUID": lambda: st.one_of(st.uuids().map(str), hostile_strings()),
    }
    return by_type.get(name, hostile_strings)()


@dataclass(frozen=True)
class Enum:
    """An enum value, printed bare in a literal (a string in a variable)."""

    name: str


def mostly(usual, rare, one_in: int = 10):
    """``usual``, and ``rare`` once in ``one_in`` draws."""
    return st.integers(min_value=1, max_value=one_in).flatmap(
        lambda draw: rare if draw == 1 else usual
    )


def _values(graphql_type, pools: Pools, argument: str, depth: int = 0):
    """Values for an argument of ``graphql_type``: mostly valid in shape, sometimes not
    (null for a non-null argument, an unknown enum value)."""
    if isinstance(graphql_type, GraphQLNonNull):
        inner = _values(graphql_type.of_type, pools, argument, depth)
        return mostly(inner, st.none()) if depth == 0 else inner
    if isinstance(graphql_type, GraphQLList):
        item = _values(graphql_type.of_type, pools, argument, depth + 1)
        values = st.one_of(st.lists(item, max_size=3), item)
    elif isinstance(graphql_type, GraphQLEnumType):
        names = [value.name for value in graphql_type.values]
        values = mostly(st.sampled_from(names).map(Enum), st.just(Enum("NOT_A_VALUE")))
    elif isinstance(graphql_type, GraphQLInputObjectType):
        values = _input_objects(graphql_type, pools, depth)
    else:
        values = scalar_values(graphql_type.name, pools, argument)
    return mostly(values, st.none())


def _input_objects(graphql_type, pools: Pools, depth: int):
    fields = graphql_type.fields
    required = {
        name: _values(field.type, pools, name, depth + 1)
        for name, field in fields.items()
        if isinstance(field.type, GraphQLNonNull)
    }
    optional = {
        name: _values(field.type, pools, name, depth + 1)
        for name, field in fields.items()
        if name not in required
    }
    return st.fixed_dictionaries(required, optional=optional)


def literal(value) -> str:
    """``value`` as a GraphQL literal. graphql-core 2 cannot parse ``null``: a null
    item or field is left out (a null argument is sent as a variable instead)."""
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value if item is not None) + "]"
    items = [f"{key}: {literal(item)}" for key, item in value.items() if item is not None]
    return "{" + ", ".join(items) + "}"


def variable_value(value):
    """``value`` as JSON for the request's variables."""
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, list):
        return [variable_value(item) for item in value]
    if isinstance(value, dict):
        return {key: variable_value(item) for key, item in value.items()}
    return value


@dataclass
class Document:
    query: str
    variables: dict

    def __repr__(self):
        return f"Document(\n{self.query}\nvariables={self.variables!r})"


@st.composite
def arguments(draw, field, pools: Pools, variables: dict | None):
    """``(name: value, ...)`` for ``field``: required ones and some optional ones; given
    as variables into ``variables`` (when not None) or as literals."""
    parts = []
    for name, argument in sorted(field.args.items()):
        if not isinstance(argument.type, GraphQLNonNull) and draw(st.booleans()):
            continue
        value = draw(_values(argument.type, pools, name))
        if value is None and variables is None:
            continue
        if variables is not None and (value is None or draw(st.booleans())):
            variable = f"v{len(variables)}"
            variables[variable] = (str(argument.type), variable_value(value))
            parts.append(f"{name}: ${variable}")
        else:
            parts.append(f"{name}: {literal(value)}")
    return f"({', '.join(parts)})" if parts else ""


def _unwrap(graphql_type):
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    return graphql_type


def _is_ours(graphql_type) -> bool:
    graphene_type = getattr(graphql_type, "graphene_type", None)
    module = getattr(graphene_type, "__module__", "")
    if module.startswith("saleor_crm_plugin."):
        return True
    node = getattr(getattr(graphene_type, "_meta", None), "node", None)  # an edge
    return getattr(node, "__module__", "").startswith("saleor_crm_plugin.")


def _is_leaf(graphql_type) -> bool:
    return not isinstance(
        _unwrap(graphql_type), GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
    )


@st.composite
def selections(draw, graphql_type, pools: Pools, depth: int = 1):
    """A selection set of ``graphql_type`` (``{ ... }``), or "" for a leaf type."""
    graphql_type = _unwrap(graphql_type)
    if _is_leaf(graphql_type):
        return ""
    if isinstance(graphql_type, GraphQLUnionType):
        return "{ __typename }"
    fields = graphql_type.fields
    ours = _is_ours(graphql_type)
    names = sorted(
        name
        for name, field in fields.items()
        if (ours and depth < MAX_DEPTH) or _is_leaf(field.type)
        if ours or not any(isinstance(a.type, GraphQLNonNull) for a in field.args.values())
    )
    chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=6)) if names else []
    parts = ["__typename"]
    if ours and "errors" in fields:  # a mutation's, or the segment preview's
        parts.append(ERRORS_SELECTION)
        chosen = [name for name in chosen if name != "errors"]
    for name in chosen:
        field = fields[name]
        args = draw(arguments(field, pools, None)) if ours else ""
        sub = draw(selections(field.type, pools, depth + 1))
        parts.append(f"{name}{args} {sub}".strip())
    return "{ " + " ".join(parts) + " }"


@st.composite
def documents(draw, target: Target, pools: Pools) -> Document:
    """A document asking for ``target`` with generated arguments and selection."""
    field = target.field
    variables: dict[str, tuple[str, object]] = {}
    args = draw(arguments(field, pools, variables))
    mutation = target.parent == "Mutation"
    selection = draw(selections(field.type, pools))
    body = f"{target.name}{args} {selection}".strip()
    if target.parent in OWNERS:
        prefix, suffix, owner_type = draw(st.sampled_from(OWNERS[target.parent]))
        if owner_type:
            # Saleor's own field: only real owners (its checkout(id:) fails on an
            # integer key, which is Saleor's to fix, not ours)
            variables["owner"] = ("ID!", draw(st.sampled_from(pools.ids[owner_type])))
        body = f"{prefix} {body} {suffix}"
    declared = ", ".join(f"${name}: {graphql}" for name, (graphql, _v) in variables.items())
    operation = "mutation" if mutation else "query"
    header = f"{operation} Fuzz({declared})" if declared else f"{operation} Fuzz"
    return Document(
        query=f"{header} {{ {body} }}",
        variables={name: value for name, (_graphql, value) in variables.items()},
    )


__all__ = ["Document", "Pools", "Target", "crm_targets", "documents"]
