from ..errors import CRMError
from .error_codes import CustomerSegmentErrorCode


class SegmentError(CRMError):
    """A segment or tag input the domain refuses; nothing has been written.

    ``field`` names the input ("definition", "name", "tags", "channel"), ``path`` the
    node of a definition at fault (``all[2].any[0]``; ``None`` for the root or
    non-definition errors).
    """

    code_enum = CustomerSegmentErrorCode
    code = CustomerSegmentErrorCode.INVALID
