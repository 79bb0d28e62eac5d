"""A saved definition can never break other segments (issue 10, items 12 and 14).

Every value is bounded to what Python and PostgreSQL accept when the definition is
validated; creating or updating a segment is atomic with its first computation; and
every refresh loop isolates segments from each other: one segment that fails (here a
row corrupted directly in the database) is logged and skipped, the others go on.
"""

import datetime
import logging

import psycopg
import pytest
from django.db import connection
from freezegun import freeze_time

from saleor_crm_plugin.segments import membership
from saleor_crm_plugin.segments.actions import (
    customer_segment_create,
    customer_segment_preview,
    customer_segment_update,
    customer_segments_refresh,
    customer_tags_add,
    rfm_segments_recompute,
)
from saleor_crm_plugin.segments.error_codes import CustomerSegmentErrorCode
from saleor_crm_plugin.segments.exceptions import SegmentError
from saleor_crm_plugin.segments.models import (
    CustomerSegment,
    SegmentMembership,
)
from saleor_crm_plugin.segments.refresh import segments_time_refresh
from tests.graphql.segments.utils import written_rows

Code = CustomerSegmentErrorCode
VIP = {"field": "tags", "op": "has", "value": "vip"}


def _members(segment) -> list[int]:
    return sorted(
        SegmentMembership.objects.filter(segment=segment).values_list("user_id", flat=True)
    )


@pytest.mark.parametrize(
    "leaf",
    [
        {"field": "days_since_last_order", "op": "gt", "value": 10**9},
        {"field": "days_since_first_order", "op": "between", "value": [0, 10**9]},
        {"field": "date_joined_days", "op": "lte", "value": 10**6},
        {"field": "total_spent", "op": "gt", "value": "1e-20000"},
        {"field": "average_order_value", "op": "lt", "value": "0.0001"},
        {"field": "total_spent", "op": "between", "value": [0, "1E+999999"]},
        {"field": "total_spent", "op": "gt", "value": "NaN"},
        {"field": "loyalty_tier", "op": "eq", "value": "Gold\x00"},
        {"field": "loyalty_tier", "op": "in", "value": ["Gold", "Sil\x00ver"]},
        {"field": "country", "op": "eq", "value": "P\x00"},
        {"field": "channel", "op": "ordered_in", "value": ["default\x00"]},
        {"field": "purchased_product", "op": "any_of", "value": ["shoe\x00"]},
        {"field": "purchased_category", "op": "any_of", "value": ["\x00"]},
        {"field": "tags", "op": "has_any", "value": ["vip\x00"]},
    ],
)
def test_values_python_or_postgresql_cannot_take_are_refused_and_nothing_saved(
    channel_USD, customer_user, leaf
):
    # given
    customer_tags_add(user=customer_user, tags=["vip"])
    before = written_rows()
    definition = {"all": [VIP, leaf]}

    # when
    with pytest.raises(SegmentError) as error:
        customer_segment_create(name="Bad", definition=definition, channel_id=channel_USD.pk)

    # then
    assert error.value.code in (Code.INVALID_VALUE, Code.INVALID_TAG)
    assert (error.value.field, error.value.path) == ("definition", "all[1]")
    assert written_rows() == before


def test_largest_accepted_values_compute(channel_USD, customer_user):
    # given: the bounds themselves
    definition = {
        "any": [
            {"field": "days_since_last_order", "op": "between", "value": [0, 36500]},
            {"field": "date_joined_days", "op": "gte", "value": 36500},
            {"field": "total_spent", "op": "lt", "value": "999999999999999.999"},
            {"field": "average_order_value", "op": "gte", "value": "0.001"},
            {"field": "order_count", "op": "gte", "value": 10**9},
            {"field": "points_balance", "op": "gte", "value": -(10**15)},
        ]
    }

    # when
    segment = customer_segment_create(name="Edge", definition=definition, channel_id=channel_USD.pk)

    # then: everyone has a balance of 0 >= -10^15
    assert _members(segment) == [customer_user.pk]


def test_name_with_a_nul_character_is_refused(channel_USD):
    # when
    with pytest.raises(SegmentError) as error:
        customer_segment_create(name="Big\x00", definition=VIP, channel_id=channel_USD.pk)

    # then
    assert (error.value.code, error.value.field) == (Code.INVALID, "name")
    assert written_rows() == (0, 0, 0, 0)


def test_update_with_an_unbounded_value_changes_nothing(channel_USD, customer_user):
    # given
    customer_tags_add(user=customer_user, tags=["vip"])
    segment = customer_segment_create(name="VIP", definition=VIP, channel_id=channel_USD.pk)
    before = written_rows()

    # when
    with pytest.raises(SegmentError) as error:
        customer_segment_update(
            segment=segment,
            name="Renamed",
            definition={"field": "days_since_last_order", "op": "gt", "value": 10**9},
        )

    # then
    assert (error.value.code, error.value.path) == (Code.INVALID_VALUE, None)
    segment.refresh_from_db()
    assert (segment.name, segment.definition) == ("VIP", VIP)
    assert written_rows() == before


def _lock_members_table():
    """Another session holding the members table: the next membership write must wait.

    Call it before this test's transaction reads the table (it would wait for us).
    """
    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
    )
    other.execute("SET lock_timeout = '10s'")
    other.execute(f"LOCK TABLE {SegmentMembership._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    return other


def test_a_recompute_over_the_statement_timeout_saves_nothing(settings, channel_USD, customer_user):
    # given: membership cannot be written until the statement timeout cuts the wait
    settings.CRM_SEGMENTS_STATEMENT_TIMEOUT_MS = 200
    other = _lock_members_table()
    customer_tags_add(user=customer_user, tags=["vip"])

    # when
    try:
        with pytest.raises(SegmentError) as error:
            customer_segment_create(name="VIP", definition=VIP, channel_id=channel_USD.pk)
    finally:
        other.close()

    # then: a coded error, and the segment row went with the failed computation
    assert (error.value.code, error.value.field) == (Code.TIMEOUT, "definition")
    assert written_rows() == (0, 0, 0, 1)


def test_statement_timeout_is_local_to_the_computation(settings, channel_USD, customer_user):
    # given
    settings.CRM_SEGMENTS_STATEMENT_TIMEOUT_MS = 1234
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (outside,) = cursor.fetchone()
    seen = []

    def record(execute, sql, params, many, context):
        if "WITH matched AS" in sql:
            with connection.cursor() as cursor:
                cursor.execute("SHOW statement_timeout")
                seen.append(cursor.fetchone()[0])
        return execute(sql, params, many, context)

    # when: a recompute and a preview
    with connection.execute_wrapper(record):
        customer_segment_create(name="VIP", definition=VIP, channel_id=channel_USD.pk)
        customer_segment_preview(definition=VIP, channel_id=channel_USD.pk)

    # then: both ran under the timeout, which does not outlive them
    assert seen == ["1234ms", "1234ms"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == (outside,)


# --- isolation ------------------------------------------------------------------------

BROKEN_DEFINITIONS = [
    {"field": "days_since_last_order", "op": "gt", "value": 10**9},
    {"field": "total_spent", "op": "gt", "value": "1e-20000"},
    {"field": "no_such_field", "op": "eq", "value": 1},
]


def _logged_segments(caplog) -> list[int]:
    return [record.segment_id for record in caplog.records if record.name == membership.logger.name]


def _corrupt(segment, definition):
    """Write ``definition`` straight into the row, past every validation."""
    CustomerSegment.objects.filter(pk=segment.pk).update(definition=definition)


@pytest.mark.parametrize("broken", BROKEN_DEFINITIONS)
def test_customer_refresh_skips_a_broken_segment_and_goes_on(
    channel_USD, customer_user, caplog, broken
):
    # given: the broken segment comes first
    bad = customer_segment_create(name="Bad", definition=VIP, channel_id=channel_USD.pk)
    good = customer_segment_create(name="Good", definition=VIP, channel_id=channel_USD.pk)
    _corrupt(bad, broken)

    # when
    with caplog.at_level(logging.ERROR, logger=membership.logger.name):
        customer_tags_add(user=customer_user, tags=["vip"])

    # then
    assert _members(good) == [customer_user.pk]
    assert _members(bad) == []
    assert _logged_segments(caplog) == [bad.pk]


@pytest.mark.parametrize("broken", BROKEN_DEFINITIONS)
def test_time_refresh_skips_a_broken_segment_and_goes_on(
    channel_USD, customer_user, customer_user2, caplog, broken
):
    t0 = datetime.datetime(2027, 1, 1, 12, 0, tzinfo=datetime.UTC)
    with freeze_time(t0) as frozen:
        # given: two "members for a week" segments, the first corrupted
        week = {"field": "date_joined_days", "op": "gte", "value": 7}
        customer_user.date_joined = t0
        customer_user.save(update_fields=["date_joined"])
        customer_user2.date_joined = t0
        customer_user2.save(update_fields=["date_joined"])
        bad = customer_segment_create(name="Bad", definition=week, channel_id=None)
        good = customer_segment_create(name="Good", definition=week, channel_id=None)
        _corrupt(bad, {"all": [week, broken]})

        # when
        frozen.move_to(t0 + datetime.timedelta(days=8))
        with caplog.at_level(logging.ERROR, logger=membership.logger.name):
            results = segments_time_refresh(now=t0 + datetime.timedelta(days=8))

        # then: the good segment was refreshed, the bad one logged and left alone
        assert [result.segment_id for result in results] == [good.pk]
        assert _members(good) == [customer_user.pk, customer_user2.pk]
        assert _logged_segments(caplog) == [bad.pk]
        bad.refresh_from_db()
        assert bad.boundaries_checked_at == t0


def test_tag_readers_and_rfm_recompute_skip_a_broken_segment(channel_USD, customer_user, caplog):
    # given: two segments read the tag "gold", the first corrupted
    customer_tags_add(user=customer_user, tags=["vip"])
    gold = {"field": "tags", "op": "has", "value": "gold"}
    rfm = {"field": "rfm_group", "op": "in", "value": ["champions"]}
    bad = customer_segment_create(name="Bad", definition=gold, channel_id=channel_USD.pk)
    good = customer_segment_create(
        name="Good", definition={"any": [gold, rfm]}, channel_id=channel_USD.pk
    )
    _corrupt(bad, {"all": [gold, rfm, BROKEN_DEFINITIONS[0]]})

    # when: a new segment sets "gold" (its readers follow), then RFM segments recompute
    with caplog.at_level(logging.ERROR, logger=membership.logger.name):
        customer_segment_create(name="VIP", definition=VIP, channel_id=None, auto_tag="gold")
        changes = rfm_segments_recompute(channel_id=channel_USD.pk)

    # then
    assert _members(good) == [customer_user.pk]
    assert [change.segment_id for change in changes] == [good.pk]
    assert _logged_segments(caplog) == [bad.pk, bad.pk]


def test_refresh_of_a_customer_survives_every_segment_failing(channel_USD, customer_user):
    # given
    bad = customer_segment_create(name="Bad", definition=VIP, channel_id=channel_USD.pk)
    _corrupt(bad, BROKEN_DEFINITIONS[2])

    # when
    changes = customer_segments_refresh(user_id=customer_user.pk, reason="test")

    # then
    assert changes == []
