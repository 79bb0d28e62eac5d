"""Helpers shared by the CRM's GraphQL packages.

Every argument that names an object is resolved here, once, so that no input a client
can send reaches the database as something it cannot compare (PostgreSQL refuses NUL
bytes; an integer key column refuses a UUID) nor turns into ``None`` downstream:

* a global ID goes through Saleor's ``from_global_id_or_error`` (so it is refused as
  Saleor refuses it: empty, not base64, not ``Type:key``, a key that is neither an
  integer nor a UUID, another type), then the key is checked against the model's own
  key field (a UUID-shaped key for an integer key, or the reverse, is malformed too);
* a channel slug must be 1 to 255 characters without NUL, as a ``Channel.slug`` can be.

Mutations get Saleor's coded errors on the argument (``graphql_error`` for a malformed
ID, ``not_found`` for one that names nothing, as ``BaseMutation.get_node_or_error``);
queries get Saleor's ``GraphQLError`` for a malformed ID and null for one that names
nothing or an object of another type, as Saleor's own ``user(id:)``.

Text arguments are Unicode before any resolver sees them (``unicode_arguments``):
graphql-core 2 decodes each ``\\uXXXX`` escape of a literal alone, so an emoji written
as its surrogate pair arrives as two lone surrogates, which neither PostgreSQL nor
UTF-8 can take; the pair is joined, a lone one refused with Saleor's ``GraphQLError``.

A domain's ``CRMError`` reaches clients through ``domain_error_to_validation_error``
only; every CRM mutation derives from ``CRMBaseMutation``, which applies it.

**Channel-restricted staff** see the CRM data of their channels only, as Saleor shows
them only their channels' orders (``saleor.graphql.order.resolvers.resolve_orders``):
``accessible_channels`` is the rule, written once; ``check_channel_access`` refuses a
field or mutation asked for another channel with Saleor's ``PermissionDenied`` ("You do
not have access to the … channel."), and ``accessible_channel_ids_filter`` leaves other
channels' rows out of lists that take no channel. Apps, customers (not staff) and staff
in at least one group without channel restriction see every channel, as in Saleor.
Saleor gives staff without any group no channel; the CRM leaves them unrestricted, so
permissions given to an account directly (Django's ``user_permissions``) keep working.
"""

import datetime
import functools
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.db.models import Model, Q, QuerySet
from graphql.error import GraphQLError
from saleor.channel.models import Channel
from saleor.account.models import Group
from saleor.core.db.connection import allow_writer_in_context
from saleor.core.exceptions import PermissionDenied
from saleor.graphql.account.types import User
from saleor.graphql.channel.dataloaders.by_self import ChannelBySlugLoader
from saleor.graphql.channel.utils import get_default_channel_slug_or_graphql_error
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import get_database_connection_name
from saleor.graphql.core.mutations import MISSING_NODE_ERROR_MESSAGE_PREFIX, BaseMutation
from saleor.graphql.core.utils import from_global_id_or_error
from saleor.permission.enums import AccountPermissions
from saleor.permission.utils import one_of_permissions_or_auth_filter_required

from ..errors import CRMError

# Codes every CRM error enum has (Saleor's own values for the same cases).
GRAPHQL_ERROR = "graphql_error"
INVALID = "invalid"
NOT_FOUND = "not_found"

MAX_SLUG_LENGTH = Channel._meta.get_field("slug").max_length

# Staff reports cover the last twelve months up to now unless a period is given.
REPORT_MONTHS = 12


def domain_error_to_validation_error(error: CRMError) -> ValidationError:
    """A domain error in Saleor's mutation format: ``errors { field code message }``.

    The one translation every mutation (and the segment preview) uses. An error with a
    ``path`` starts its message with it, so clients that only show messages still point
    at the bad node, and passes it as a parameter, which fills the ``path`` field of
    error types that have one (``CustomerSegmentError``).
    """
    if error.path:
        # Django formats a message that has params with ``%``; keep a literal ``%``.
        message = f"{error.path}: {error.message}".replace("%", "%%")
        validation_error = ValidationError(
            message, code=error.code.value, params={"path": error.path}
        )
    else:
        validation_error = ValidationError(error.message, code=error.code.value)
    if error.field:
        return ValidationError({error.field: validation_error})
    return validation_error


class CRMBaseMutation(BaseMutation):
    """Saleor's ``BaseMutation`` that reports a domain error as ``errors``.

    A mutation calls one domain function and lets its ``CRMError`` out; it is answered
    here, once for all mutations, with the mutation's error type (as a
    ``ValidationError`` raised in ``perform_mutation`` would be).
    """

    class Meta:
        abstract = True

    @classmethod
    def mutate(cls, root, info: ResolveInfo, **data):
        try:
            return super().mutate(root, info, **data)
        except CRMError as error:
            return cls.handle_errors(domain_error_to_validation_error(error))


SURROGATES = re.compile("[\ud800-\udfff]")


def unicode_text(value):
    """``value`` (an argument: text, list or input object) with its surrogate pairs
    joined; raises ``GraphQLError`` for a lone surrogate."""
    if isinstance(value, str):
        if not SURROGATES.search(value):
            return value
        try:
            return value.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError as error:
            raise GraphQLError("Text holds an unpaired surrogate: not valid Unicode.") from error
    if isinstance(value, list):
        return [unicode_text(item) for item in value]
    if isinstance(value, dict):
        # graphene's input objects are dicts with the same keys as attributes
        return type(value)({key: unicode_text(item) for key, item in value.items()})
    return value


def unicode_arguments(resolver):
    """``resolver`` receiving its arguments through ``unicode_text``."""

    @functools.wraps(resolver)
    def resolve(root, info, **arguments):
        return resolver(root, info, **unicode_text(arguments))

    return resolve


def global_id_to_pk(global_id: str, only_type):
    """The key of ``only_type``'s object named by ``global_id``.

    Raises Saleor's ``GraphQLError`` for a malformed ID, an ID of another type, or a
    key the model's key field cannot hold.
    """
    _type, pk = from_global_id_or_error(global_id, only_type, raise_error=True)
    try:
        return only_type._meta.model._meta.pk.to_python(pk)
    except ValidationError as error:
        raise GraphQLError(f"Invalid ID: {global_id}. Expected: {only_type}.") from error


def clean_global_id(global_id: str | None, *, only_type, field: str = "id"):
    """For mutations: the key named by ``global_id``, or a coded error on ``field``."""
    try:
        return global_id_to_pk(global_id or "", only_type)
    except GraphQLError as error:
        raise ValidationError({field: ValidationError(str(error), code=GRAPHQL_ERROR)}) from error


def get_node_or_error(
    info: ResolveInfo,
    global_id: str | None,
    *,
    only_type,
    field: str = "id",
    qs: QuerySet | None = None,
) -> Model:
    """For mutations: the object named by ``global_id``, never None.

    Unlike Saleor's ``BaseMutation.get_node_or_error``, an empty ID is an error (not
    None), as is a key of the wrong shape (not an internal ``ValueError``). An object of
    a channel the requester cannot access is refused (``check_channel_id_access``).
    """
    pk = clean_global_id(global_id, only_type=only_type, field=field)
    if qs is None:
        qs = only_type._meta.model.objects.using(get_database_connection_name(info.context))
    node = qs.filter(pk=pk).first()
    if node is None:
        raise ValidationError(
            {
                field: ValidationError(
                    f"{MISSING_NODE_ERROR_MESSAGE_PREFIX} {global_id}", code=NOT_FOUND
                )
            }
        )
    if accessible_channels(info) is not None:
        check_channel_id_access(info, _channel_id_of(node))
    return node


def node_or_none(global_id: str, *, only_type, info: ResolveInfo) -> Model | None:
    """For queries: the object, or None when the ID names nothing or another type, or
    an object of a channel the requester cannot access (``accessible_channels``).

    A malformed ID raises Saleor's ``GraphQLError``.
    """
    _type, pk = from_global_id_or_error(global_id, only_type)
    if pk is None:  # Saleor's answer for an ID of another type
        return None
    pk = global_id_to_pk(global_id, only_type)
    using = get_database_connection_name(info.context)
    node = only_type._meta.model.objects.using(using).filter(pk=pk).first()
    if node is None:
        return None
    if accessible_channels(info) is not None and not is_channel_id_accessible(
        info, _channel_id_of(node)
    ):
        return None
    return node


def _channel_id_of(node: Model) -> int | None:
    """The channel of a CRM object: its own, or its segment's (an export file)."""
    if hasattr(node, "channel_id"):
        return node.channel_id
    segment = getattr(node, "segment", None)
    return None if segment is None else segment.channel_id


def is_channel_slug(slug: str | None) -> bool:
    """Whether ``slug`` could be a channel's slug (else it names no channel)."""
    return bool(slug) and len(slug) <= MAX_SLUG_LENGTH and "\x00" not in slug


def load_in_channel(info: ResolveInfo, slug: str | None, load, channel_loader=None):
    """``load(channel)`` for the channel named by ``slug`` (the shop's only channel when
    omitted), through the request's channel loader (``channel_loader``, by default
    Saleor's by slug); None for an unknown channel. Refused for a channel the requester
    cannot access (``check_channel_access``)."""
    if not slug:
        # In a mutation's payload the lookup reads the writer, which Saleor allows
        # explicitly (``loyaltyPointsAdjust { account { user { loyalty } } }``).
        with allow_writer_in_context(info.context):
            slug = str(
                get_default_channel_slug_or_graphql_error(allow_replica=info.context.allow_replica)
            )
    check_channel_access(info, slug)
    if not is_channel_slug(slug):
        return None
    return (
        (channel_loader or ChannelBySlugLoader)(info.context)
        .load(str(slug))
        .then(lambda channel: None if channel is None else load(channel))
    )


def channel_or_none(slug: str | None, *, using: str) -> Channel | None:
    """For queries: the channel with ``slug``; None for an unknown or impossible slug."""
    if not is_channel_slug(slug):
        return None
    return Channel.objects.using(using).filter(slug=slug).first()


def get_channel_or_error(
    slug: str | None, *, using: str, code: str = NOT_FOUND, field: str = "channel"
) -> Channel:
    """For mutations: the channel with ``slug``, or an error on ``field``."""
    if not is_channel_slug(slug):
        raise ValidationError(
            {
                field: ValidationError(
                    f"A channel slug has 1 to {MAX_SLUG_LENGTH} characters and no NUL.",
                    code=INVALID,
                )
            }
        )
    channel = Channel.objects.using(using).filter(slug=slug).first()
    if channel is None:
        raise ValidationError(
            {field: ValidationError(f"Channel with '{slug}' slug does not exist.", code=code)}
        )
    return channel


def accessible_channels(info: ResolveInfo) -> list[Channel] | None:
    """The channels whose CRM data the requester may see; None for every channel.

    Saleor's rule for orders (module docstring), read once per request.
    """
    context = info.context
    if not hasattr(context, "crm_accessible_channels"):
        # Read where the request reads (a mutation's payload reads the writer).
        with allow_writer_in_context(context):
            context.crm_accessible_channels = _accessible_channels(info)
    return context.crm_accessible_channels


def _accessible_channels(info: ResolveInfo) -> list[Channel] | None:
    """One query for staff in no restricted group, two for restricted staff (the union
    of their groups' channels, as Saleor's ``AccessibleChannelsByUserIdLoader``)."""
    user = info.context.user
    if info.context.app is not None or user is None or not user.is_staff:
        return None
    database = get_database_connection_name(info.context)
    groups = list(
        Group.objects.using(database)
        .filter(user=user)
        .values_list("pk", "restricted_access_to_channels")
    )
    if not groups or not all(restricted for _pk, restricted in groups):
        return None
    return list(
        Channel.objects.using(database)
        .filter(group__in=[pk for pk, _restricted in groups])
        .distinct()
        .order_by("pk")
    )


def check_channel_access(info: ResolveInfo, slug: str | None) -> None:
    """Refuse, with Saleor's ``PermissionDenied``, CRM data of a channel the requester
    cannot access (any slug naming no accessible channel, as Saleor's ``orders``)."""
    channels = accessible_channels(info)
    if channels is not None and slug not in {channel.slug for channel in channels}:
        raise PermissionDenied(message=f"You do not have access to the {slug} channel.")


def is_channel_id_accessible(info: ResolveInfo, channel_id: int | None) -> bool:
    """Whether the requester may see an object of ``channel_id`` (None: of every
    channel, as a segment without a channel)."""
    channels = accessible_channels(info)
    return channels is None or channel_id is None or channel_id in {c.pk for c in channels}


def check_channel_id_access(info: ResolveInfo, channel_id: int | None) -> None:
    """``check_channel_access`` for an object named by its ID (a journey, a segment)."""
    if not is_channel_id_accessible(info, channel_id):
        raise PermissionDenied(message="You do not have access to this object's channel.")


def accessible_rows(info: ResolveInfo, rows: list, *, field: str = "channel_id") -> list:
    """``rows`` (already loaded) without those of channels the requester cannot access."""
    return [row for row in rows if is_channel_id_accessible(info, getattr(row, field))]


def accessible_channel_ids_filter(
    info: ResolveInfo, queryset: QuerySet, *, field: str = "channel_id", keep_none: bool = False
) -> QuerySet:
    """``queryset`` without the rows of channels the requester cannot access.

    ``keep_none`` keeps rows of no channel (a segment of every channel).
    """
    channels = accessible_channels(info)
    if channels is None:
        return queryset
    lookup = Q(**{f"{field}__in": [channel.pk for channel in channels]})
    if keep_none:
        lookup |= Q(**{f"{field}__isnull": True})
    return queryset.filter(lookup)


class CustomerOrStaffMutationMixin:
    """A mutation customers run on themselves, and staff or apps with MANAGE_USERS on
    anyone (named by ``customerId``). Put it before ``BaseMutation`` in the bases."""

    @classmethod
    def check_permissions(cls, context, permissions=None, **data):
        if one_of_permissions_or_auth_filter_required(context, [AccountPermissions.MANAGE_USERS]):
            return True
        user = context.user
        if user is None:
            return False
        customer_id = data["data"].get("customer_id")
        if customer_id is None:
            return True
        try:
            _type, pk = from_global_id_or_error(customer_id, User)
        except GraphQLError:
            return False  # refused as someone else's ID would be
        return pk == str(user.pk)

    @classmethod
    def get_customer(cls, info, customer_id, *, required_code: str):
        """The named customer, or the requesting customer when none is named."""
        if customer_id is not None:
            return get_node_or_error(info, customer_id, only_type=User, field="customerId")
        if info.context.user is None:
            raise ValidationError(
                {
                    "customerId": ValidationError(
                        "An app must name the customer.", code=required_code
                    )
                }
            )
        return info.context.user


def report_period(period) -> tuple[datetime.datetime, datetime.datetime]:
    """A report's ``DateTimeRangeInput``; by default the last twelve months up to now."""
    period = period or {}
    until = period.get("lte") or timezone.now()
    since = period.get("gte") or (until - datetime.timedelta(days=31 * (REPORT_MONTHS - 1)))
    if since > until:
        raise GraphQLError("The period's start (gte) is after its end (lte).")
    return since, until
