"""Shared helpers of the segment API tests.

Rows are made through the domain's own writers (``customer_tags_add``,
``customer_segment_create``), so members, tags and history are what the API would make.
"""

import json

import graphene
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.segments import actions
from saleor_crm_plugin.segments.models import (
    CustomerSegment,
    CustomerTag,
    SegmentMembership,
    SegmentMembershipEvent,
)

from ..loyalty.utils import (  # noqa: F401
    CANNOT_SEE_CUSTOMER,
    MANAGE_ORDERS_ONLY,
    MANAGE_USERS,
    UNKNOWN_USER_ID,
    WITHOUT_MANAGE_USERS,
    denied_data,
    user_id,
)

# Everyone who may not use the segment API: anonymous, customers, staff and apps
# without MANAGE_USERS.
DENIED = ["user_api_client", *WITHOUT_MANAGE_USERS]

VIP = {"field": "tags", "op": "has", "value": "vip"}


def segment_id(segment) -> str:
    return graphene.Node.to_global_id("CustomerSegment", segment.pk)


def as_json(definition) -> str:
    return json.dumps(definition)


def tag(customer, *tags):
    return actions.customer_tags_add(user=customer, tags=list(tags))


def create_segment(name="VIPs", definition=None, channel=None, auto_tag=""):
    return actions.customer_segment_create(
        name=name,
        definition=definition or {"all": [VIP]},
        channel_id=channel.pk if channel else None,
        auto_tag=auto_tag,
    )


def written_rows() -> tuple[int, int, int, int]:
    """Rows of every table the segment API could write to."""
    return (
        CustomerSegment.objects.count(),
        SegmentMembership.objects.count(),
        SegmentMembershipEvent.objects.count(),
        CustomerTag.objects.count(),
    )


def mutation_data(response, name: str) -> dict:
    return get_graphql_content(response)["data"][name]
