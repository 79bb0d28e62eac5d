"""A segment may not read its own automatic tag, directly or through other segments.

Such a rule flaps: the customer joins, gets the tag, the rule re-reads it and the
customer leaves (then joins again) on one event. Refused at validation, with the path
of the condition that closes the cycle; nothing is written.
"""

import pytest

from saleor_crm_plugin.segments.actions import (
    customer_segment_create,
    customer_segment_update,
    customer_tags_add,
)
from saleor_crm_plugin.segments.error_codes import CustomerSegmentErrorCode
from saleor_crm_plugin.segments.exceptions import SegmentError
from saleor_crm_plugin.segments.models import (
    SegmentMembership,
)
from tests.graphql.segments.utils import written_rows


def _has(tag: str) -> dict:
    return {"field": "tags", "op": "has", "value": tag}


@pytest.mark.parametrize(
    "definition",
    [
        {"not": _has("outsider")},
        {"all": [_has("vip"), {"field": "tags", "op": "has_none", "value": ["Outsider"]}]},
    ],
)
def test_a_segment_reading_its_own_automatic_tag_is_refused(customer_user, definition):
    # given
    customer_tags_add(user=customer_user, tags=["vip"])
    before = written_rows()

    # when
    with pytest.raises(SegmentError) as error:
        customer_segment_create(
            name="Outsiders", definition=definition, channel_id=None, auto_tag="outsider"
        )

    # then
    path = "not" if "not" in definition else "all[1]"
    assert (error.value.code, error.value.field, error.value.path) == (
        CustomerSegmentErrorCode.TAG_CYCLE,
        "definition",
        path,
    )
    assert written_rows() == before


def test_a_cycle_through_other_segments_is_refused_on_create_and_update(customer_user):
    # given: A sets "a" when "b" is absent; B sets "b" from "vip"
    customer_tags_add(user=customer_user, tags=["vip"])
    first = customer_segment_create(
        name="A", definition={"not": _has("b")}, channel_id=None, auto_tag="a"
    )
    second = customer_segment_create(
        name="B", definition=_has("vip"), channel_id=None, auto_tag="b"
    )
    before = written_rows()

    # when: B would read "a" (B -> A -> B)
    with pytest.raises(SegmentError) as on_update:
        customer_segment_update(segment=second, definition={"any": [_has("vip"), _has("a")]})
    # when: a third segment C sets "vip"... read by B, and reads "a"
    with pytest.raises(SegmentError) as on_create:
        customer_segment_create(
            name="C", definition={"all": [_has("a")]}, channel_id=None, auto_tag="vip"
        )

    # then
    assert (on_update.value.code, on_update.value.path) == (
        CustomerSegmentErrorCode.TAG_CYCLE,
        "any[1]",
    )
    assert (on_create.value.code, on_create.value.path) == (
        CustomerSegmentErrorCode.TAG_CYCLE,
        "all[0]",
    )
    assert written_rows() == before
    second.refresh_from_db()
    assert second.definition == _has("vip")
    assert first.auto_tag == "a"


def test_changing_only_the_automatic_tag_can_close_a_cycle(customer_user):
    # given: a segment reading "club", not yet setting it
    segment = customer_segment_create(
        name="Club", definition={"not": _has("club")}, channel_id=None
    )
    before = written_rows()

    # when
    with pytest.raises(SegmentError) as error:
        customer_segment_update(segment=segment, auto_tag="Club")

    # then
    assert (error.value.code, error.value.field, error.value.path) == (
        CustomerSegmentErrorCode.TAG_CYCLE,
        "definition",
        "not",
    )
    segment.refresh_from_db()
    assert segment.auto_tag == ""
    assert written_rows() == before


def test_chains_without_a_cycle_are_accepted(customer_user):
    # given: vip -> gold -> platinum
    customer_tags_add(user=customer_user, tags=["vip"])
    customer_segment_create(name="Gold", definition=_has("vip"), channel_id=None, auto_tag="gold")

    # when
    platinum = customer_segment_create(
        name="Platinum", definition=_has("gold"), channel_id=None, auto_tag="platinum"
    )

    # then
    assert list(
        SegmentMembership.objects.filter(segment=platinum).values_list("user_id", flat=True)
    ) == [customer_user.pk]
