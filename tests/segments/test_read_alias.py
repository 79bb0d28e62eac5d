"""GraphQL's reads (preview, explain, value report, selectors) run on the alias given.

Each read is run under a statement recorder that refuses the writer as Saleor's
``restrict_writer_middleware`` does (its own ``restrict_writer``): every statement must
go to the replica alias, none may write, and no row may change.
"""

import contextlib
import re
from decimal import Decimal

import graphene
import pytest
from django.conf import settings
from django.db import connections
from saleor.core.db.connection import UnsafeWriterAccessError, restrict_writer

from saleor_crm_plugin.segments import selectors
from saleor_crm_plugin.segments.actions import (
    customer_segment_create,
    customer_segment_preview,
    customer_tags_add,
)
from saleor_crm_plugin.segments.explain import customer_segments_explain
from saleor_crm_plugin.segments.models import (
    CustomerSegment,
    CustomerTag,
    SegmentMembership,
    SegmentMembershipEvent,
)
from saleor_crm_plugin.segments.rfm import customer_value_report, rfm_compute
from tests.fixtures.orders import THREE_LINES

WRITER = settings.DATABASE_CONNECTION_DEFAULT_NAME
REPLICA = settings.DATABASE_CONNECTION_REPLICA_NAME
WRITE = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE)\b", re.IGNORECASE)


@contextlib.contextmanager
def statements():
    """Yield the list of (alias, sql) run inside; a statement on the writer raises."""
    executed: list[tuple[str, str]] = []

    def record(execute, sql, params, many, context):
        executed.append((context["connection"].alias, sql))
        return restrict_writer(execute, sql, params, many, context)

    with connections[WRITER].execute_wrapper(record), connections[REPLICA].execute_wrapper(record):
        yield executed


def stored_rows() -> tuple:
    """Everything a segment read could change if it wrote."""
    return (
        list(
            CustomerSegment.objects.order_by("pk").values_list(
                "pk", "member_count", "computed_at", "updated_at"
            )
        ),
        list(SegmentMembership.objects.order_by("pk").values_list("pk", "user_id", "joined_at")),
        SegmentMembershipEvent.objects.count(),
        list(CustomerTag.objects.order_by("pk").values_list("pk", "tag")),
    )


def assert_read_only_on_replica(executed: list[tuple[str, str]]) -> None:
    assert executed
    assert {alias for alias, _sql in executed} == {REPLICA}
    assert [sql for _alias, sql in executed if WRITE.search(sql)] == []


@pytest.fixture
def references(crm_usd, crm_order, order_payments, customer_user, customer_user2):
    """customer_user spent 73.80, customer_user2 12.30 in channel_USD; a definition that
    names the channel, the first order's product and its category (by global id)."""
    order = crm_order(crm_usd, THREE_LINES)
    order_payments.charge(order, psp="one")
    order_payments.charge(
        crm_order(crm_usd, [(Decimal("10.00"), 1)], user=customer_user2), psp="two"
    )
    product = order.lines.first().variant.product
    return {
        "all": [
            {"field": "channel", "op": "ordered_in", "value": [crm_usd.slug]},
            {"field": "purchased_product", "op": "any_of", "value": [product.slug]},
            {
                "field": "purchased_category",
                "op": "any_of",
                "value": [graphene.Node.to_global_id("Category", product.category_id)],
            },
            {"field": "total_spent", "op": "gte", "value": 50},
        ]
    }


def test_preview_reads_only_the_given_alias_and_writes_nothing(references, crm_usd, customer_user):
    # given: a segment of both spenders
    segment = customer_segment_create(
        name="Spenders",
        definition={"field": "total_spent", "op": "gte", "value": 10},
        channel_id=crm_usd.pk,
    )
    before = stored_rows()

    # when
    with statements() as executed:
        preview = customer_segment_preview(
            definition=references, channel_id=crm_usd.pk, segment=segment, using=REPLICA
        )

    # then
    assert (preview.count, preview.sample_user_ids, preview.entering, preview.leaving) == (
        1,
        [customer_user.pk],
        0,
        1,
    )
    assert_read_only_on_replica(executed)
    assert stored_rows() == before


def test_explain_reads_only_the_given_alias_and_writes_nothing(references, crm_usd, customer_user):
    # given
    segment = customer_segment_create(
        name="Big buyers", definition=references, channel_id=crm_usd.pk
    )
    before = stored_rows()

    # when
    with statements() as executed:
        (explanation,) = customer_segments_explain(
            user=customer_user, segment_ids=[segment.pk], using=REPLICA
        )

    # then
    assert explanation.is_member is True
    assert [(result.path, result.holds) for result in explanation.conditions] == [
        ("", True),
        ("all[0]", True),
        ("all[1]", True),
        ("all[2]", True),
        ("all[3]", True),
    ]
    assert_read_only_on_replica(executed)
    assert stored_rows() == before


def test_value_report_reads_only_the_given_alias(references, crm_usd, customer_user):
    # given
    before = stored_rows()

    # when
    with statements() as executed:
        report = customer_value_report(
            channel_id=crm_usd.pk, top_percent=Decimal(50), using=REPLICA
        )

    # then
    assert (report.customer_count, report.top_customer_count) == (2, 1)
    assert [customer.user_id for customer in report.top_customers] == [customer_user.pk]
    assert_read_only_on_replica(executed)
    assert stored_rows() == before


def test_selectors_read_only_the_given_alias(references, crm_usd, customer_user, customer_user2):
    # given: customer_user is a tagged member with RFM scores
    customer_tags_add(user=customer_user, tags=["vip"])
    segment = customer_segment_create(
        name="VIP", definition={"field": "tags", "op": "has", "value": "vip"}, channel_id=None
    )
    rfm_compute(channel_id=crm_usd.pk)
    users = [customer_user.pk, customer_user2.pk]

    # when
    with statements() as executed:
        tags = selectors.customer_tags(user_ids=users, using=REPLICA)
        segment_ids = selectors.customer_segment_ids(user_ids=users, using=REPLICA)
        rfm = selectors.customer_rfm(user_ids=users, channel_id=crm_usd.pk, using=REPLICA)
        members = list(selectors.segment_members_qs(segment_id=segment.pk, using=REPLICA))
        history = list(selectors.segment_history_qs(segment_id=segment.pk, using=REPLICA))
        tagged = list(selectors.users_with_tags_qs(tags=["vip"], using=REPLICA))

    # then
    assert tags == {customer_user.pk: ["vip"], customer_user2.pk: []}
    assert segment_ids == {customer_user.pk: [segment.pk], customer_user2.pk: []}
    assert {user_id: len(rows) for user_id, rows in rfm.items()} == {
        customer_user.pk: 1,
        customer_user2.pk: 1,
    }
    assert [user.pk for user in members] == [customer_user.pk]
    assert [event.user_id for event in history] == [customer_user.pk]
    assert tagged == [customer_user]
    assert_read_only_on_replica(executed)


def test_without_an_alias_the_writer_is_read(references, crm_usd):
    # given: callers outside a request (tasks, actions) read the writer by default;
    # the recorder refuses it, as Saleor's middleware refuses it in a query

    # when / then
    with statements(), pytest.raises(UnsafeWriterAccessError):
        customer_segment_preview(definition=references, channel_id=crm_usd.pk)
