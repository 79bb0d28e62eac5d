"""The registry of segment fields: each field is declared once, in one module here.

A declaration (``base.Field``) holds all there is to know about a field: its value
type (operators, parsing, bounds: ``values.py``), the SQL a condition on it compiles
to, what changes it (``triggers.py``: the events and the periodic refresh use it) and
how explain names it. Validation (``conditions.py``), the compiler, explain and the
refresh read ``FIELDS`` and nothing else about fields. To add a field, declare it in
the module of the data it reads (or a new module listed below); docs/segments.md says
how.
"""

from . import customer, loyalty, orders, rfm, stores
from .base import Field, Leaf

__all__ = ["FIELDS", "Field", "Leaf"]

FIELDS: dict[str, Field] = {
    field.name: field
    for group in (orders.FIELDS, customer.FIELDS, loyalty.FIELDS, rfm.FIELDS, stores.FIELDS)
    for field in group
}
