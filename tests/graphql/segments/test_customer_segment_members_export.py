"""`customerSegmentMembersExport`: the members as CSV through Saleor's export files."""

import csv
import io

import graphene
import pytest
from saleor.core import JobStatus
from saleor.csv.models import ExportEvent, ExportFile

from .utils import (
    DENIED,
    MANAGE_USERS,
    create_segment,
    denied_data,
    mutation_data,
    segment_id,
    tag,
)

EXPORT = """
mutation($id: ID!) {
  customerSegmentMembersExport(id: $id) {
    exportFile { id status }
    errors { field code message }
  }
}
"""


@pytest.fixture(autouse=True)
def _media_in_tmp_path(settings, tmp_path):
    """Export files go to Saleor's default storage: keep them out of the work tree."""
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def vips(customer_users):
    first, second, third = customer_users
    tag(first, "vip", "newsletter")
    tag(third, "VIP")
    tag(second, "newsletter")
    return create_segment()


def csv_rows(export_file) -> list[dict]:
    with export_file.content_file.open("rb") as stream:
        return list(csv.DictReader(io.StringIO(stream.read().decode())))


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_exports_the_members(requester, vips, customer_users, settings):
    # given
    first, _second, third = customer_users

    # when
    response = requester.post_graphql(EXPORT, {"id": segment_id(vips)})

    # then
    data = mutation_data(response, "customerSegmentMembersExport")
    export_file = ExportFile.objects.get()
    assert data == {
        "exportFile": {
            "id": graphene.Node.to_global_id("ExportFile", export_file.pk),
            "status": "PENDING",
        },
        "errors": [],
    }
    assert export_file.status == JobStatus.SUCCESS
    assert (export_file.user, export_file.app) == (requester.user, requester.app)
    rows = csv_rows(export_file)
    assert [(row["id"], row["email"], row["tags"]) for row in rows] == [
        (str(first.pk), first.email, "newsletter;vip"),
        (str(third.pk), third.email, "vip"),
    ]
    assert list(rows[0]) == ["id", "email", "first_name", "last_name", "joined_at", "tags"]
    assert (rows[1]["first_name"], rows[1]["last_name"]) == ("Chris", "Duck")
    assert export_file.content_file.path.startswith(settings.MEDIA_ROOT)
    assert set(ExportEvent.objects.values_list("type", flat=True)) == {
        "export_pending",
        "export_success",
    }


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_without_manage_users_exporting_is_denied(requester, vips):
    # when
    response = requester.post_graphql(EXPORT, {"id": segment_id(vips)})

    # then
    assert denied_data(response) == {"customerSegmentMembersExport": None}
    assert ExportFile.objects.count() == 0


def test_unknown_segment_is_not_found(staff_manage_users):
    # when
    response = staff_manage_users.post_graphql(
        EXPORT, {"id": graphene.Node.to_global_id("CustomerSegment", 0)}
    )

    # then
    data = mutation_data(response, "customerSegmentMembersExport")
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("id", "NOT_FOUND")]
    assert ExportFile.objects.count() == 0
