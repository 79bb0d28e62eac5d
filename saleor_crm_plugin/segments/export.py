"""CSV export of a segment's members, through Saleor's ``ExportFile`` mechanism.

Rows stream in chunks (a server-side cursor over members, one tag query per chunk), so
memory stays flat however large the segment is. The staff member (or app) who asked
gets Saleor's usual download-link notification.
"""

import csv
import io
import tempfile

from saleor.csv.models import ExportFile
from saleor.csv.notifications import send_export_download_link_notification
from saleor.csv.utils.export import get_filename, save_csv_file_in_export_file

from .models import SegmentMembership
from .selectors import customer_tags

CHUNK_SIZE = 2000
HEADER = ["id", "email", "first_name", "last_name", "joined_at", "tags"]


def segment_members_csv(*, segment_id: int, stream) -> int:
    """Write the header and one row per member to the text ``stream``; return the rows."""
    writer = csv.writer(stream)
    writer.writerow(HEADER)
    rows = (
        SegmentMembership.objects.filter(segment_id=segment_id)
        .order_by("user_id")
        .values_list("user_id", "user__email", "user__first_name", "user__last_name", "joined_at")
    )
    count = 0
    chunk: list[tuple] = []
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        chunk.append(row)
        if len(chunk) == CHUNK_SIZE:
            count += _write_chunk(writer, chunk)
            chunk = []
    count += _write_chunk(writer, chunk)
    return count


def _write_chunk(writer, chunk: list[tuple]) -> int:
    tags = customer_tags(user_ids=[row[0] for row in chunk])
    for user_id, email, first_name, last_name, joined_at in chunk:
        writer.writerow(
            [user_id, email, first_name, last_name, joined_at.isoformat(), ";".join(tags[user_id])]
        )
    return len(chunk)


def segment_members_export(*, export_file: ExportFile, segment_id: int) -> int:
    """Write the members' CSV into ``export_file`` and notify the requester."""
    with tempfile.TemporaryFile("w+b") as temporary_file:
        text = io.TextIOWrapper(temporary_file, encoding="utf-8", newline="")
        count = segment_members_csv(segment_id=segment_id, stream=text)
        text.flush()
        temporary_file.seek(0)
        save_csv_file_in_export_file(
            export_file, temporary_file, get_filename("customer_segment", "csv")
        )
        text.detach()
    send_export_download_link_notification(export_file, "customer segment members")
    return count
