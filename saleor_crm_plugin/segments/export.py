"""CSV export of a segment's members, readable only by staff and apps with MANAGE_USERS.

The file is a ``SegmentMembersExport`` job, not one of Saleor's ``ExportFile`` rows:
Saleor's ``exportFiles`` query lists every export file with its URL to staff with
MANAGE_PRODUCTS, which must not see customers' e-mails. The file goes to Saleor's
private storage (a private bucket with short-lived signed URLs on S3 / GCS / Azure);
its link is given by the MANAGE_USERS-only ``CustomerSegmentExportFile.url`` and
sent to the requester with Saleor's usual CSV_EXPORT_SUCCESS notification.

Rows stream in chunks (a server-side cursor over members, one tag query per chunk), so
memory stays flat however large the segment is. Every text cell is neutralised
against CSV injection: one starting with ``= + - @``, a tab or a carriage return gets
a leading ``'`` so that a spreadsheet shows it instead of running it.
"""

import csv
import io
import tempfile
import uuid

from django.utils import timezone
from saleor.core import JobStatus
from saleor.core.notification.utils import get_site_context
from saleor.core.notify import NotifyEventType, NotifyHandler
from saleor.core.utils import build_absolute_uri
from saleor.plugins.manager import get_plugins_manager

from ..global_ids import to_global_id
from .models import SegmentMembersExport, SegmentMembership
from .selectors import customer_tags

CHUNK_SIZE = 2000
HEADER = ["id", "email", "first_name", "last_name", "joined_at", "tags"]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DATA_TYPE = "customer segment members"


def csv_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it, never as a formula it runs."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


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
            [
                user_id,
                csv_cell(email),
                csv_cell(first_name),
                csv_cell(last_name),
                joined_at.isoformat(),
                csv_cell(";".join(tags[user_id])),
            ]
        )
    return len(chunk)


def segment_members_export_create(*, segment, user, app) -> SegmentMembersExport:
    """A pending export of ``segment`` asked for by ``user`` or ``app``."""
    return SegmentMembersExport.objects.create(
        segment=segment, user=user if user and user.is_authenticated else None, app=app
    )


def segment_members_export(*, members_export: SegmentMembersExport) -> int:
    """Write the members' CSV into ``members_export`` and notify the requester.

    Safe to run twice: a finished job is left as it is.
    """
    if members_export.status != JobStatus.PENDING or members_export.segment_id is None:
        return 0
    with tempfile.TemporaryFile("w+b") as temporary_file:
        text = io.TextIOWrapper(temporary_file, encoding="utf-8", newline="")
        count = segment_members_csv(segment_id=members_export.segment_id, stream=text)
        text.flush()
        temporary_file.seek(0)
        # Unguessable: where the private storage is a plain directory, the name is
        # what keeps the file from being fetched by anyone.
        name = f"members_{timezone.now():%Y_%m_%d_%H_%M_%S}_{uuid.uuid4()}.csv"
        members_export.content_file.save(name, temporary_file, save=False)
        text.detach()
    members_export.status = JobStatus.SUCCESS
    members_export.save(update_fields=["content_file", "status", "updated_at"])
    _notify(members_export, NotifyEventType.CSV_EXPORT_SUCCESS)
    return count


def segment_members_export_failed(*, members_export: SegmentMembersExport, message: str) -> None:
    members_export.status = JobStatus.FAILED
    members_export.message = message[:255]
    members_export.save(update_fields=["status", "message", "updated_at"])
    _notify(members_export, NotifyEventType.CSV_EXPORT_FAILED)


def _notify(members_export: SegmentMembersExport, event: str) -> None:
    """Saleor's export notification (same payload shape as its own exports)."""
    user = members_export.user

    def global_id(type_name: str, pk: int | None) -> str | None:
        return to_global_id(type_name, pk) if pk else None

    def payload() -> dict:
        data = {
            "export": {
                "id": global_id("CustomerSegmentExportFile", members_export.pk),
                "user_id": global_id("User", members_export.user_id),
                "user_email": user.email if user else None,
                "app_id": global_id("App", members_export.app_id),
                "status": members_export.status,
                "message": members_export.message,
                "created_at": members_export.created_at,
                "updated_at": members_export.updated_at,
            },
            "recipient_email": user.email if user else None,
            "data_type": DATA_TYPE,
            **get_site_context(),
        }
        if members_export.content_file:
            data["csv_link"] = build_absolute_uri(members_export.content_file.url)
        return data

    manager = get_plugins_manager(allow_replica=True)
    manager.notify(event, payload_func=NotifyHandler(payload).payload)
