"""Tags, RFM scores and example segments for the demo, through the segments domain.

Every write is an action of ``saleor_crm_plugin.segments`` (the same ones staff's
mutations call), and each is safe to repeat: adding a tag a customer has changes nothing,
RFM is recomputed from the orders, and a segment is created only when none of that name
exists in the channel (staff may have edited it since; it is left alone).
"""

import dataclasses

from saleor.account.models import User
from saleor.channel.models import Channel

from saleor_crm_plugin.loyalty.models import LoyaltyAccount
from saleor_crm_plugin.segments.actions import (
    customer_segment_create,
    customer_tags_add,
    rfm_segments_recompute,
)
from saleor_crm_plugin.segments.models import CustomerSegment
from saleor_crm_plugin.segments.rfm import rfm_compute

TOP_SPENDER_TAG = "top-spender"


def example_segments(channel: Channel) -> list[tuple[str, dict, str]]:
    """(name, definition, automatic tag) of the demo's segments."""
    return [
        (
            "Top spenders",
            {"field": "total_spent", "op": "gte", "value": 300},
            TOP_SPENDER_TAG,
        ),
        (
            "Lapsed (no order for 90 days)",
            {"field": "days_since_last_order", "op": "gt", "value": 90},
            "",
        ),
        (
            "New this month",
            {"field": "date_joined_days", "op": "lte", "value": 30},
            "",
        ),
        (
            "VIPs: Silver or Gold, or tagged",
            {
                "any": [
                    {"field": "loyalty_tier", "op": "in", "value": ["Silver", "Gold"]},
                    {"field": "tags", "op": "has_any", "value": ["vip", TOP_SPENDER_TAG]},
                ]
            },
            "",
        ),
        (
            "Champions and loyal (RFM)",
            {"field": "rfm_group", "op": "in", "value": ["champions", "loyal"]},
            "",
        ),
        (
            f"Ordered in {channel.name} and tagged wholesale",
            {
                "all": [
                    {"field": "channel", "op": "ordered_in", "value": [channel.slug]},
                    {"field": "tags", "op": "has", "value": "wholesale"},
                ]
            },
            "",
        ),
    ]


@dataclasses.dataclass(frozen=True)
class CustomersResult:
    tagged: int
    scored: int
    created: list[str]
    members: dict[str, int]


def customers_seed(*, channel: Channel) -> CustomersResult:
    tagged = _tags_add(channel_id=channel.pk)
    scored = rfm_compute(channel_id=channel.pk)
    rfm_segments_recompute(channel_id=channel.pk)
    created = []
    for name, definition, auto_tag in example_segments(channel):
        if CustomerSegment.objects.filter(name=name, channel=channel).exists():
            continue
        customer_segment_create(
            name=name, definition=definition, channel_id=channel.pk, auto_tag=auto_tag
        )
        created.append(name)
    members = dict(
        CustomerSegment.objects.filter(channel=channel)
        .order_by("pk")
        .values_list("name", "member_count")
    )
    return CustomersResult(tagged=tagged, scored=scored, created=created, members=members)


def _tags_add(*, channel_id: int) -> int:
    """Manual tags on a few members of the programme: the biggest earners first."""
    user_ids = list(
        LoyaltyAccount.objects.filter(channel_id=channel_id, user__is_staff=False)
        .order_by("-lifetime_points", "pk")
        .values_list("user_id", flat=True)
    )
    plan = [["vip"], ["vip", "wholesale"], ["wholesale"], ["returns"], ["newsletter"]]
    users = User.objects.in_bulk(user_ids[: len(plan)])
    for user_id, tags in zip(user_ids, plan, strict=False):
        customer_tags_add(user=users[user_id], tags=tags)
    return len(users)
