"""How the CRM's GraphQL joins Saleor's own schema (docs/architecture.md, "GraphQL").

Saleor builds its schema once, when ``saleor.graphql.api`` is first imported; the app's
``ready()`` runs before that and calls ``extend_saleor_schema``, which

* copies the fields and resolvers of our ``CRMQueries`` / ``CRMMutations`` onto one of
  Saleor's query / mutation mixins, which Saleor's ``Query`` / ``Mutation`` inherit, and
* adds fields to Saleor's existing object types (``User``, ``Checkout``, …) through
  their ``_meta.fields``, each with its own resolver.

Every resolver copied or added takes its text arguments through
``utils.unicode_arguments`` (surrogate pairs joined, a lone surrogate refused).

So storefronts and staff use the one ``/graphql/`` endpoint, the same tokens and the
same permissions; introspection shows our types among Saleor's.
"""

import graphene
from graphene.types.unmountedtype import UnmountedType
from saleor.graphql.core.schema import CoreMutations, CoreQueries

from .carts.schema import TYPE_EXTENSIONS as CART_TYPE_EXTENSIONS
from .carts.schema import CartRecoveryMutations, CartRecoveryQueries
from .consent.schema import TYPE_EXTENSIONS as CONSENT_TYPE_EXTENSIONS
from .journeys.schema import JourneyMutations, JourneyQueries
from .consent.schema import ConsentMutations
from .loyalty.reports import LoyaltyReportQueries
from .loyalty.schema import (
    LoyaltyMutations,
    LoyaltyQueries,
    TYPE_EXTENSIONS as LOYALTY_TYPE_EXTENSIONS,
)
from .segments.reports import SegmentReportQueries
from .segments.schema import TYPE_EXTENSIONS as SEGMENT_TYPE_EXTENSIONS
from .segments.schema import SegmentMutations, SegmentQueries
from .stores.schema import TYPE_EXTENSIONS as STORE_TYPE_EXTENSIONS
from .stores.schema import StoreMutations, StoreQueries
from .stores.activity import TYPE_EXTENSIONS as STORE_ACTIVITY_TYPE_EXTENSIONS
from .stores.reports import StoreReportQueries
from .privacy.schema import TYPE_EXTENSIONS as PRIVACY_TYPE_EXTENSIONS
from .privacy.schema import PrivacyMutations
from .utils import unicode_arguments


class CRMQueries(
    LoyaltyQueries,
    LoyaltyReportQueries,
    SegmentQueries,
    SegmentReportQueries,
    CartRecoveryQueries,
    StoreQueries,
    StoreReportQueries,
    JourneyQueries,
):
    pass


class CRMMutations(
    LoyaltyMutations,
    SegmentMutations,
    CartRecoveryMutations,
    StoreMutations,
    JourneyMutations,
    ConsentMutations,
    PrivacyMutations,
):
    pass


# (Saleor type, field name, mounted graphene Field with its own resolver)
TYPE_EXTENSIONS = [
    *LOYALTY_TYPE_EXTENSIONS,
    *SEGMENT_TYPE_EXTENSIONS,
    *CART_TYPE_EXTENSIONS,
    *CONSENT_TYPE_EXTENSIONS,
    *STORE_TYPE_EXTENSIONS,
    *STORE_ACTIVITY_TYPE_EXTENSIONS,
    *PRIVACY_TYPE_EXTENSIONS,
]

_extended = False


def _class_members(root: type) -> dict[str, object]:
    """Fields and resolvers declared on ``root`` and its CRM bases (not graphene's)."""
    members: dict[str, object] = {}
    for klass in reversed(root.__mro__):
        if not klass.__module__.startswith("saleor_crm_plugin."):
            continue
        for name, value in vars(klass).items():
            if name.startswith("resolve_") or isinstance(value, graphene.Field | UnmountedType):
                members[name] = value
    return members


def _with_unicode_arguments(member):
    """``member`` (a field or a ``resolve_`` function) whose resolver takes its
    arguments through ``unicode_arguments``."""
    if isinstance(member, staticmethod):
        return staticmethod(unicode_arguments(member.__func__))
    if callable(member) and not isinstance(member, UnmountedType):
        return unicode_arguments(member)
    if getattr(member, "resolver", None) is not None:
        member.resolver = unicode_arguments(member.resolver)
    return member


def _copy_members(source: type, target: type) -> None:
    for name, value in _class_members(source).items():
        if name in vars(target):
            raise RuntimeError(f"saleor_crm_plugin: {target.__name__}.{name} already exists")
        setattr(target, name, _with_unicode_arguments(value))


def extend_saleor_schema() -> None:
    global _extended  # noqa: PLW0603
    if _extended:
        return
    _copy_members(CRMQueries, CoreQueries)
    _copy_members(CRMMutations, CoreMutations)
    for saleor_type, name, field in TYPE_EXTENSIONS:
        if name in saleor_type._meta.fields:
            raise RuntimeError(f"saleor_crm_plugin: {saleor_type.__name__}.{name} already exists")
        saleor_type._meta.fields[name] = _with_unicode_arguments(field)
    _extended = True
