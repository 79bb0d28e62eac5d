"""Explain (which conditions hold, with values), preview (writes nothing), history, CSV."""

import csv
import io
from decimal import Decimal

from saleor.core import private_storage
from saleor.csv.models import ExportFile

from saleor_crm_plugin.segments.actions import (
    customer_segment_create,
    customer_segment_preview,
    customer_segment_update,
    customer_tags_add,
)
from saleor_crm_plugin.segments.explain import ConditionResult, customer_segments_explain
from saleor_crm_plugin.segments.export import segment_members_csv, segment_members_export_create
from saleor_crm_plugin.segments.models import (
    CustomerSegment,
    MembershipEventKind,
    SegmentMembership,
    SegmentMembershipEvent,
)
from saleor_crm_plugin.segments.selectors import segment_history_qs, segment_members_qs
from saleor_crm_plugin.segments.tasks import segment_members_export_task
from tests.fixtures.orders import THREE_LINES

DEFINITION = {
    "all": [
        {"field": "total_spent", "op": "gte", "value": 50},
        {
            "any": [
                {"field": "tags", "op": "has", "value": "vip"},
                {"not": {"field": "country", "op": "eq", "value": "PL"}},
            ]
        },
    ]
}


def test_explain_lists_each_condition_with_its_actual_value(
    crm_usd, crm_order, order_payments, customer_user
):
    # given: 73.80 spent, Polish address, no tags
    order_payments.charge(crm_order(crm_usd, THREE_LINES))
    segment = customer_segment_create(name="VIP", definition=DEFINITION, channel_id=crm_usd.pk)

    # when
    (explanation,) = customer_segments_explain(user=customer_user)

    # then
    assert explanation.segment == segment
    assert explanation.is_member is False
    assert explanation.conditions == [
        ConditionResult("", "all of 2 conditions", False, "1 of 2 hold"),
        ConditionResult("all[0]", "total spent ≥ 50", True, "73.800"),
        ConditionResult("all[1]", "any of 2 conditions", False, "0 of 2 hold"),
        ConditionResult("all[1].any[0]", "tags has vip", False, None),
        ConditionResult("all[1].any[1]", "not", False, None),
        ConditionResult("all[1].any[1].not", "country = PL", True, "PL"),
    ]

    # when: tagged vip, explained again for this segment only
    customer_tags_add(user=customer_user, tags=["VIP"])
    (explanation,) = customer_segments_explain(user=customer_user, segment_ids=[segment.pk])

    # then
    assert explanation.is_member is True
    assert explanation.conditions[0] == ConditionResult(
        "", "all of 2 conditions", True, "2 of 2 hold"
    )
    assert explanation.conditions[3] == ConditionResult(
        "all[1].any[0]", "tags has vip", True, "vip"
    )


def test_preview_counts_samples_and_diffs_without_writing(
    crm_usd, crm_order, order_payments, customer_user, customer_user2
):
    # given: customer 1 spent 73.80, customer 2 spent 12.30; segment "spent ≥ 50"
    order_payments.charge(crm_order(crm_usd, THREE_LINES), psp="one")
    order_payments.charge(
        crm_order(crm_usd, [(Decimal("10.00"), 1)], user=customer_user2), psp="two"
    )
    segment = customer_segment_create(
        name="Big",
        definition={"field": "total_spent", "op": "gte", "value": 50},
        channel_id=crm_usd.pk,
    )
    events_before = SegmentMembershipEvent.objects.count()

    # when: previewing "spent ≥ 10 but < 20"
    preview = customer_segment_preview(
        definition={"field": "total_spent", "op": "between", "value": [10, 20]},
        channel_id=crm_usd.pk,
        segment=segment,
    )

    # then
    assert (preview.count, preview.sample_user_ids, preview.entering, preview.leaving) == (
        1,
        [customer_user2.pk],
        1,
        1,
    )
    assert list(SegmentMembership.objects.values_list("user_id", flat=True)) == [customer_user.pk]
    assert SegmentMembershipEvent.objects.count() == events_before
    assert CustomerSegment.objects.get(pk=segment.pk).member_count == 1

    # when: without a segment, a sample of at most one
    fresh = customer_segment_preview(
        definition={"field": "total_spent", "op": "gt", "value": 0},
        channel_id=crm_usd.pk,
        sample_size=1,
    )

    # then
    assert (fresh.count, fresh.sample_user_ids, fresh.entering, fresh.leaving) == (
        2,
        [min(customer_user.pk, customer_user2.pk)],
        0,
        0,
    )


def test_history_records_joins_and_leaves_with_reasons(crm_usd, customer_user, customer_user2):
    # given
    customer_tags_add(user=customer_user, tags=["vip"])
    segment = customer_segment_create(
        name="VIP", definition={"field": "tags", "op": "has", "value": "vip"}, channel_id=None
    )

    # when
    customer_segment_update(
        segment=segment, definition={"field": "tags", "op": "has_none", "value": ["vip"]}
    )

    # then: newest first
    history = [
        (event.user_id, event.kind, event.reason)
        for event in segment_history_qs(segment_id=segment.pk)
    ]
    assert history[:1] == [(customer_user.pk, MembershipEventKind.LEFT, "definition changed")]
    assert sorted(history[1:]) == sorted(
        [
            (customer_user2.pk, MembershipEventKind.JOINED, "definition changed"),
            (customer_user.pk, MembershipEventKind.JOINED, "segment created"),
        ]
    )
    assert [user.pk for user in segment_members_qs(segment_id=segment.pk)] == [customer_user2.pk]


def test_members_csv_and_export_file(
    crm_usd, customer_user, customer_user2, staff_user, settings, tmp_path
):
    # given: files go to a temporary media root
    settings.MEDIA_ROOT = str(tmp_path)
    customer_tags_add(user=customer_user, tags=["vip", "b2b"])
    customer_tags_add(user=customer_user2, tags=["vip"])
    segment = customer_segment_create(
        name="VIP", definition={"field": "tags", "op": "has", "value": "vip"}, channel_id=None
    )
    stream = io.StringIO()

    # when
    count = segment_members_csv(segment_id=segment.pk, stream=stream)

    # then
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert count == 2
    assert rows[0] == ["id", "email", "first_name", "last_name", "joined_at", "tags"]
    assert [(row[0], row[1], row[5]) for row in rows[1:]] == sorted(
        [
            (str(customer_user.pk), customer_user.email, "b2b;vip"),
            (str(customer_user2.pk), customer_user2.email, "vip"),
        ]
    )

    # when: through the export job (run twice: the second run changes nothing)
    members_export = segment_members_export_create(segment=segment, user=staff_user, app=None)
    segment_members_export_task.delay(members_export.pk)
    members_export.refresh_from_db()
    first_file = members_export.content_file.name
    segment_members_export_task.delay(members_export.pk)

    # then: in Saleor's private storage, never one of Saleor's export files
    members_export.refresh_from_db()
    assert members_export.status == "success"
    assert members_export.content_file.name == first_file
    assert members_export.content_file.storage is private_storage
    assert ExportFile.objects.count() == 0
    content = members_export.content_file.read().decode()
    assert content.splitlines()[0] == "id,email,first_name,last_name,joined_at,tags"
    assert len(content.splitlines()) == 3
