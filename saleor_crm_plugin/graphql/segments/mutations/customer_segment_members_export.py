import graphene
from django.db import transaction
from saleor.csv.events import export_started_event
from saleor.csv.models import ExportFile as ExportFileModel
from saleor.graphql.app.dataloaders import get_app_promise
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.mutations import BaseMutation
from saleor.graphql.csv.types import ExportFile
from saleor.permission.enums import AccountPermissions

from ....segments.tasks import segment_members_export_task
from ...utils import get_node_or_error
from ..enums import DOC_CATEGORY_SEGMENTS
from ..types import CustomerSegment, CustomerSegmentError


class CustomerSegmentMembersExport(BaseMutation):
    export_file = graphene.Field(
        ExportFile,
        description="The export job; its `url` is set when the file is ready.",
    )

    class Arguments:
        id = graphene.ID(required=True, description="ID of the segment.")

    class Meta:
        description = (
            "Export a segment's members as a CSV file (id, email, first_name, "
            "last_name, joined_at, tags) through Saleor's export files: the file is "
            "written in the background and its link is sent as Saleor's "
            "CSV_EXPORT_SUCCESS notification (NOTIFY_USER) to the staff user."
        )
        doc_category = DOC_CATEGORY_SEGMENTS
        permissions = (AccountPermissions.MANAGE_USERS,)
        error_type_class = CustomerSegmentError

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, id: str
    ):
        segment = get_node_or_error(info, id, only_type=CustomerSegment)
        app = get_app_promise(info.context).get()
        export_file = ExportFileModel.objects.create(app=app, user=info.context.user)
        export_started_event(export_file=export_file, app=app, user=info.context.user)
        transaction.on_commit(lambda: segment_members_export_task.delay(export_file.pk, segment.pk))
        return cls(export_file=export_file, errors=[])
