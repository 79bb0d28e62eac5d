import graphene
from saleor.graphql.app.dataloaders import get_app_promise
from saleor.graphql.core import ResolveInfo
from saleor.permission.enums import AccountPermissions

from ....enqueue import enqueue_after_commit
from ....segments import export
from ....segments.tasks import segment_members_export_task
from ...utils import CRMBaseMutation, get_node_or_error
from ..enums import DOC_CATEGORY_SEGMENTS
from ..types import CustomerSegment, CustomerSegmentErrorType, CustomerSegmentExportFile


class CustomerSegmentMembersExport(CRMBaseMutation):
    export_file = graphene.Field(
        CustomerSegmentExportFile,
        description="The export job; its `url` is set when the file is ready.",
    )

    class Arguments:
        id = graphene.ID(required=True, description="ID of the segment.")

    class Meta:
        description = (
            "Export a segment's members as a CSV file (id, email, first_name, "
            "last_name, joined_at, tags), written in the background. The link is read "
            "from `customerSegmentExportFile(id)` (MANAGE_USERS) and sent as Saleor's "
            "CSV_EXPORT_SUCCESS notification (NOTIFY_USER) to the staff user. The file "
            "is not one of Saleor's `exportFiles`, which staff with MANAGE_PRODUCTS list."
        )
        doc_category = DOC_CATEGORY_SEGMENTS
        permissions = (AccountPermissions.MANAGE_USERS,)
        error_type_class = CustomerSegmentErrorType

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root, info: ResolveInfo, /, *, id: str
    ):
        segment = get_node_or_error(info, id, only_type=CustomerSegment)
        app = get_app_promise(info.context).get()
        members_export = export.segment_members_export_create(
            segment=segment, user=info.context.user, app=app
        )
        enqueue_after_commit(segment_members_export_task, members_export.pk)
        return cls(export_file=members_export, errors=[])
