"""The one shape of a domain error, shared by every domain of the plugin.

A domain refuses an input by raising a subclass of its own base (``LoyaltyError``,
``SegmentError``, ``CartRecoveryError``), each a :class:`CRMError` bound to its
``<Domain>ErrorCode`` enum. The error carries what a caller needs and nothing about
the API:

* ``message``: a sentence for a person;
* ``code``: a member of the domain's enum (a subclass may name its default code by the
  member or by its value; it is turned into the member when the class is made, and a
  code foreign to the domain fails there, at import);
* ``field``: the input it concerns (``"points"``, ``"definition"``), or ``None``;
* ``path``: where inside a structured input (``all[2].any[0]`` of a segment
  definition), or ``None``.

The GraphQL layer turns any of them into Saleor's ``errors { field code message }``
with one function (``graphql.utils.domain_error_to_validation_error``); the plugin
adapter maps the two that can stop an order to Saleor's checkout codes. This module
imports nothing of the plugin, so every domain (loyalty first) may import it.
"""

from enum import Enum


class CRMError(Exception):
    """Base of every domain error; subclasses set ``code_enum`` and may set ``code``."""

    code_enum: type[Enum]
    code: Enum

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__:
            cls.code = cls.code_enum(cls.code)

    def __init__(
        self,
        message: str,
        *,
        code: Enum | None = None,
        field: str | None = None,
        path: str | None = None,
    ):
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message
        self.code = self.code_enum(self.code if code is None else code)
        self.field = field
        self.path = path
