"""Errors of the journeys domain (``errors.CRMError`` with ``JourneyErrorCode``)."""

from ..errors import CRMError
from .error_codes import JourneyErrorCode


class JourneyError(CRMError):
    code_enum = JourneyErrorCode
    code = JourneyErrorCode.INVALID
