"""Errors of the consent domain (see ``errors.CRMError``)."""

from ..errors import CRMError
from .error_codes import ConsentErrorCode


class ConsentError(CRMError):
    code_enum = ConsentErrorCode
    code = ConsentErrorCode.INVALID


class ReasonRequired(ConsentError):
    """Someone other than the shopper re-grants a withdrawn answer without saying why."""

    code = ConsentErrorCode.REASON_REQUIRED
