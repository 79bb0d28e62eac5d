"""Batch loaders for the segment fields on ``User``: one query per request, not per row.

They read through ``segments.selectors`` on the request's database alias (the replica
for queries), as Saleor's own loaders do.
"""

from collections import defaultdict

from django.utils import timezone
from saleor.graphql.core.dataloaders import DataLoader

from ...segments import reports, selectors
from ...segments.models import CustomerRfm, CustomerSegment


class CustomerTagsByUserIdLoader(DataLoader[int, list[str]]):
    """A customer's tags (manual and automatic, each once), sorted."""

    context_key = "crm_customer_tags_by_user_id"

    def batch_load(self, keys):
        tags = selectors.customer_tags(user_ids=keys, using=self.database_connection_name)
        return [tags[user_id] for user_id in keys]


class SegmentsByUserIdLoader(DataLoader[int, list[CustomerSegment]]):
    """The segments a customer is a member of, by name (memberships and segments in one
    query)."""

    context_key = "crm_segments_by_user_id"

    def batch_load(self, keys):
        segments = selectors.customer_segments(user_ids=keys, using=self.database_connection_name)
        return [segments[user_id] for user_id in keys]


class CustomerRfmByUserAndChannelIdLoader(DataLoader[tuple[int, int | None], list[CustomerRfm]]):
    """RFM rows of (user id, channel id), by channel; channel id ``None``: every channel."""

    context_key = "crm_customer_rfm_by_user_and_channel_id"

    def batch_load(self, keys):
        by_user = selectors.customer_rfm(
            user_ids=list(dict.fromkeys(user_id for user_id, _channel_id in keys)),
            channel_id=None,
            using=self.database_connection_name,
        )
        return [
            [row for row in by_user[user_id] if channel_id in (None, row.channel_id)]
            for user_id, channel_id in keys
        ]


class MemberCountHistoryBySegmentIdAndDaysLoader(
    DataLoader[tuple[int, int], list[reports.DailyCount]]
):
    """Members per day of (segment id, days): one query per distinct ``days`` asked."""

    context_key = "crm_member_count_history_by_segment_id_and_days"

    def batch_load(self, keys):
        ids_per_days: dict[int, list[int]] = defaultdict(list)
        for segment_id, days in keys:
            ids_per_days[days].append(segment_id)
        today = timezone.now().date()
        histories = {
            days: reports.member_count_history(
                segment_ids=segment_ids,
                days=days,
                today=today,
                using=self.database_connection_name,
            )
            for days, segment_ids in ids_per_days.items()
        }
        return [histories[days][segment_id] for segment_id, days in keys]
