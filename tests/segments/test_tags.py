"""Tags: normalised, case-insensitive, length-limited; automatic tags follow segments."""

import pytest

from saleor_crm_plugin.segments.actions import (
    customer_segment_create,
    customer_segment_delete,
    customer_segment_update,
    customer_tags_add,
    customer_tags_remove,
)
from saleor_crm_plugin.segments.error_codes import CustomerSegmentErrorCode
from saleor_crm_plugin.segments.exceptions import SegmentError
from saleor_crm_plugin.segments.models import CustomerTag, TagSource
from saleor_crm_plugin.segments.selectors import customer_tags, users_with_tags_qs
from saleor_crm_plugin.segments.tags import normalize_tag


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("VIP", "vip"),
        ("  Big   Spender\t", "big spender"),
        ("b2b:wholesale", "b2b:wholesale"),
        ("Zażółć_gęślą-jaźń", "zażółć_gęślą-jaźń"),
        ("x" * 50, "x" * 50),
    ],
)
def test_tags_are_normalised(raw, stored):
    assert normalize_tag(raw) == stored


@pytest.mark.parametrize("raw", ["", "   ", "x" * 51, "a/b", "<script>", "tag;drop", 7])
def test_invalid_tags_are_refused_and_nothing_is_written(customer_user, raw):
    # when
    with pytest.raises(SegmentError) as error:
        customer_tags_add(user=customer_user, tags=["fine", raw])

    # then
    assert (error.value.code, error.value.field) == (CustomerSegmentErrorCode.INVALID_TAG, "tags")
    assert not CustomerTag.objects.exists()


def test_adding_is_case_insensitive_and_idempotent(customer_user):
    # when
    first = customer_tags_add(user=customer_user, tags=["VIP", " vip ", "Newsletter"])
    second = customer_tags_add(user=customer_user, tags=["Vip"])

    # then
    assert first == second == ["newsletter", "vip"]
    assert CustomerTag.objects.filter(user=customer_user).count() == 2


def test_removing_manual_tags_keeps_automatic_ones(customer_user, customer_user2):
    # given: customer_user is tagged "vip" by hand and by a rule
    customer_tags_add(user=customer_user, tags=["vip", "b2b"])
    customer_segment_create(
        name="B2B",
        definition={"field": "tags", "op": "has", "value": "b2b"},
        channel_id=None,
        auto_tag="VIP",
    )

    # when
    after = customer_tags_remove(user=customer_user, tags=["VIP", "unknown"])

    # then: the rule's "vip" remains
    assert after == ["b2b", "vip"]
    assert list(
        CustomerTag.objects.filter(user=customer_user, tag="vip").values_list("source", flat=True)
    ) == [TagSource.AUTOMATIC]
    assert customer_tags(user_ids=[customer_user.pk, customer_user2.pk]) == {
        customer_user.pk: ["b2b", "vip"],
        customer_user2.pk: [],
    }


def test_automatic_tag_follows_membership_rename_and_deletion(customer_user, customer_user2):
    # given
    customer_tags_add(user=customer_user, tags=["b2b"])
    segment = customer_segment_create(
        name="B2B",
        definition={"field": "tags", "op": "has", "value": "b2b"},
        channel_id=None,
        auto_tag="Wholesale",
    )
    assert list(users_with_tags_qs(tags=["wholesale"])) == [customer_user]

    # when: the rule's tag is renamed
    customer_segment_update(segment=segment, auto_tag="Trade")

    # then
    assert customer_tags(user_ids=[customer_user.pk]) == {customer_user.pk: ["b2b", "trade"]}

    # when: the customer loses the b2b tag, then gets it back, then the rule goes
    customer_tags_remove(user=customer_user, tags=["b2b"])
    assert customer_tags(user_ids=[customer_user.pk]) == {customer_user.pk: []}
    customer_tags_add(user=customer_user, tags=["b2b"])
    assert customer_tags(user_ids=[customer_user.pk]) == {customer_user.pk: ["b2b", "trade"]}
    customer_segment_delete(segment=segment)

    # then
    assert customer_tags(user_ids=[customer_user.pk]) == {customer_user.pk: ["b2b"]}
    assert list(users_with_tags_qs(tags=["b2b", "trade"])) == []
