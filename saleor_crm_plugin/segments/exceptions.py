from .error_codes import CustomerSegmentErrorCode


class SegmentError(Exception):
    """A segment or tag input the domain refuses; nothing has been written.

    ``field`` names the input ("definition", "name", "tags", "channel"), ``path`` the
    node of a definition at fault (``all[2].any[0]``; ``None`` for the root or
    non-definition errors).
    """

    def __init__(
        self,
        message: str,
        *,
        code: CustomerSegmentErrorCode,
        field: str | None = None,
        path: str | None = None,
    ):
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message
        self.code = code
        self.field = field
        self.path = path
