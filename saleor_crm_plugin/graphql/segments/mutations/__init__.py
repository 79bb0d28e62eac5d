from .customer_segment_create import CustomerSegmentCreate
from .customer_segment_delete import CustomerSegmentDelete
from .customer_segment_members_export import CustomerSegmentMembersExport
from .customer_segment_update import CustomerSegmentUpdate
from .customer_tags_add import CustomerTagsAdd
from .customer_tags_remove import CustomerTagsRemove

__all__ = [
    "CustomerSegmentCreate",
    "CustomerSegmentDelete",
    "CustomerSegmentMembersExport",
    "CustomerSegmentUpdate",
    "CustomerTagsAdd",
    "CustomerTagsRemove",
]
