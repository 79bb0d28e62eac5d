"""`customerSegmentMembersExport`: the members as CSV, only for MANAGE_USERS.

The file is not one of Saleor's export files (``exportFiles`` lists those, with their
URLs, to staff with MANAGE_PRODUCTS): it is a job of our own, in Saleor's private
storage, whose URL only MANAGE_USERS can read. Cells are neutralised against CSV
injection.
"""

import csv
import io

import graphene
import pytest
from saleor.core import JobStatus, private_storage
from saleor.core.utils import build_absolute_uri
from saleor.csv.models import ExportFile
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.segments.models import SegmentMembersExport

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
    exportFile { id status segment { name } }
    errors { field code message }
  }
}
"""

EXPORT_QUERY = """
query($id: ID!) {
  customerSegmentExportFile(id: $id) { id status url message }
}
"""

EXPORT_FILES = "{ exportFiles(first: 10) { edges { node { id url } } } }"


@pytest.fixture(autouse=True)
def _media_in_tmp_path(settings, tmp_path):
    """Export files go to Saleor's storages: keep them out of the work tree."""
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def vips(customer_users):
    first, second, third = customer_users
    tag(first, "vip", "newsletter")
    tag(third, "VIP")
    tag(second, "newsletter")
    return create_segment()


def csv_rows(members_export) -> list[dict]:
    with members_export.content_file.open("rb") as stream:
        return list(csv.DictReader(io.StringIO(stream.read().decode())))


def export_global_id(members_export) -> str:
    return graphene.Node.to_global_id("CustomerSegmentExportFile", members_export.pk)


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_exports_the_members(requester, vips, customer_users):
    # given
    first, _second, third = customer_users

    # when
    response = requester.post_graphql(EXPORT, {"id": segment_id(vips)})

    # then
    data = mutation_data(response, "customerSegmentMembersExport")
    members_export = SegmentMembersExport.objects.get()
    assert data == {
        "exportFile": {
            "id": export_global_id(members_export),
            "status": "PENDING",
            "segment": {"name": "VIPs"},
        },
        "errors": [],
    }
    assert members_export.status == JobStatus.SUCCESS
    assert (members_export.user, members_export.app) == (requester.user, requester.app)
    rows = csv_rows(members_export)
    assert [(row["id"], row["email"], row["tags"]) for row in rows] == [
        (str(first.pk), first.email, "newsletter;vip"),
        (str(third.pk), third.email, "vip"),
    ]
    assert list(rows[0]) == ["id", "email", "first_name", "last_name", "joined_at", "tags"]
    assert (rows[1]["first_name"], rows[1]["last_name"]) == ("Chris", "Duck")
    # in Saleor's private storage
    assert members_export.content_file.storage is private_storage
    # not one of Saleor's export files
    assert ExportFile.objects.count() == 0


def test_manage_users_reads_the_download_link(staff_manage_users, vips):
    # given
    staff_manage_users.post_graphql(EXPORT, {"id": segment_id(vips)})
    members_export = SegmentMembersExport.objects.get()

    # when
    response = staff_manage_users.post_graphql(
        EXPORT_QUERY, {"id": export_global_id(members_export)}
    )

    # then
    data = get_graphql_content(response)["data"]["customerSegmentExportFile"]
    assert data == {
        "id": export_global_id(members_export),
        "status": "SUCCESS",
        "url": build_absolute_uri(members_export.content_file.url),
        "message": None,
    }


def test_staff_with_manage_products_cannot_list_or_read_the_export(
    staff_api_client, permission_manage_users, permission_manage_products, vips
):
    # given: a members export by a MANAGE_USERS staff member
    staff_api_client.user.user_permissions.add(permission_manage_users)
    staff_api_client.post_graphql(EXPORT, {"id": segment_id(vips)})
    members_export = SegmentMembersExport.objects.get()
    assert members_export.status == JobStatus.SUCCESS

    # when: the same staff member with only MANAGE_PRODUCTS
    staff_api_client.user.user_permissions.set([permission_manage_products])
    listed = get_graphql_content(staff_api_client.post_graphql(EXPORT_FILES))
    direct = staff_api_client.post_graphql(EXPORT_QUERY, {"id": export_global_id(members_export)})

    # then: Saleor's export files do not hold it, and ours are MANAGE_USERS only
    assert listed["data"]["exportFiles"]["edges"] == []
    assert denied_data(direct) == {"customerSegmentExportFile": None}


def test_cells_that_a_spreadsheet_would_run_are_neutralised(staff_manage_users, customer_users):
    # given: names and tags starting with formula characters
    first, second, third = customer_users
    first.first_name, first.last_name = '=HYPERLINK("http://x")', "+1"
    first.save(update_fields=["first_name", "last_name"])
    second.first_name, second.last_name = "@SUM(A1)", "\tTab"
    second.save(update_fields=["first_name", "last_name"])
    third.first_name, third.last_name = "\rReturn", "Plain - name"
    third.save(update_fields=["first_name", "last_name"])
    for customer in customer_users:
        tag(customer, "vip", "-1")
    segment = create_segment()

    # when
    staff_manage_users.post_graphql(EXPORT, {"id": segment_id(segment)})

    # then
    rows = csv_rows(SegmentMembersExport.objects.get())
    assert [(row["first_name"], row["last_name"], row["tags"]) for row in rows] == [
        ('\'=HYPERLINK("http://x")', "'+1", "'-1;vip"),
        ("'@SUM(A1)", "'\tTab", "'-1;vip"),
        ("'\rReturn", "Plain - name", "'-1;vip"),
    ]


@pytest.mark.parametrize("requester", DENIED, indirect=True)
def test_without_manage_users_exporting_is_denied(requester, vips):
    # when
    response = requester.post_graphql(EXPORT, {"id": segment_id(vips)})

    # then
    assert denied_data(response) == {"customerSegmentMembersExport": None}
    assert SegmentMembersExport.objects.count() == 0
    assert ExportFile.objects.count() == 0


def test_unknown_segment_is_not_found(staff_manage_users):
    # when
    response = staff_manage_users.post_graphql(
        EXPORT, {"id": graphene.Node.to_global_id("CustomerSegment", 0)}
    )

    # then
    data = mutation_data(response, "customerSegmentMembersExport")
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("id", "NOT_FOUND")]
    assert SegmentMembersExport.objects.count() == 0
