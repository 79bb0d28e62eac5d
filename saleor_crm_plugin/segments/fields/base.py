"""The declaration of a segment field, and a condition on one (``Leaf``)."""

import dataclasses
from collections.abc import Callable

from ..sql import CustomerQuery, LeafSql
from ..triggers import Age, Trigger
from ..values import ValueType


@dataclasses.dataclass(frozen=True, eq=False)
class Field:
    """Everything about one field of the condition language, in one place.

    * ``value``: its value type: the operators it takes and how its value is read;
    * ``sql``: how a condition on it compiles, given the query being built;
    * ``triggers`` and ``age``: what changes its value (``triggers.py``), for the
      events and the periodic refresh;
    * ``label``: how explain names it ("total spent in the last 30 days ≥ 50").
    """

    name: str
    label: str
    value: ValueType
    sql: Callable[["Leaf", CustomerQuery], LeafSql]
    triggers: tuple[Trigger, ...]
    # The value is whole days since this moment: it flips as time passes.
    age: Age | None = None
    # Accepts ``days``: only what happened in the last N days counts, measured by this age.
    window: Age | None = None
    # Measured per channel (money, loyalty, RFM): the segment needs a channel.
    needs_channel: bool = False

    @property
    def ops(self) -> tuple[str, ...]:
        return self.value.ops

    @property
    def windowed(self) -> bool:
        return self.window is not None


@dataclasses.dataclass(frozen=True)
class Leaf:
    """A validated condition with its value in canonical form (``Field.value.parse``)."""

    path: str
    field: Field
    op: str
    value: object
    days: int | None
