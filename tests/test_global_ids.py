import graphene
import pytest

from saleor_crm_plugin.global_ids import from_global_id, to_global_id


@pytest.mark.parametrize(
    ("type_name", "key"),
    [("Product", 12), ("CustomerSegmentExportFile", 1), ("User", "abc:def"), ("Ünïcode", 7)],
)
def test_global_ids_are_graphene_s(type_name, key):
    # when
    global_id = to_global_id(type_name, key)

    # then
    assert global_id == graphene.Node.to_global_id(type_name, key)
    assert from_global_id(global_id) == graphene.Node.from_global_id(global_id)


@pytest.mark.parametrize(
    "text",
    ["", "not base64!", "UHJvZHVjdA==", "//79", "ŁÓDŹ"],
)
def test_text_graphene_cannot_read_is_none(text):
    # given: graphene refuses each (no "Type:key", not base64, not UTF-8, not ASCII)
    with pytest.raises(Exception):  # noqa: B017, PT011  graphene raises several kinds
        graphene.Node.from_global_id(text)

    # when / then
    assert from_global_id(text) is None


def test_text_graphene_reads_leniently_reads_the_same():
    # given: excess padding, which graphene's decoding ignores
    text = "UHJvZHVjdDox=="

    # when / then
    assert from_global_id(text) == graphene.Node.from_global_id(text) == ("Product", "1")
