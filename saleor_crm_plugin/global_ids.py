"""Relay global IDs as data: ``base64("Type:key")``, without the GraphQL layer.

Two domain jobs handle IDs in the API's format: a segment definition may name products,
categories and stores by their global IDs (and explain shows a store's), and Saleor's
export notification carries the export's and its requester's IDs. They use these
functions, so no domain module imports graphene (GraphQL code keeps Saleor's
``from_global_id_or_error``). The format is the one graphene writes and reads;
``tests/test_global_ids.py`` holds them equal.
"""

import base64


def to_global_id(type_name: str, key) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, str] | None:
    """``(type name, key)``; None for text that is not base64 of ``Type:key``."""
    try:
        text = base64.b64decode(global_id).decode()
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        return None
    type_name, colon, key = text.partition(":")
    return (type_name, key) if colon else None


def global_id_sql(type_name: str, key: str) -> str:
    """SQL computing the global ID of ``type_name`` whose key is the SQL ``key``.

    ``type_name`` is one of our constants (it is formatted into the text); PostgreSQL's
    base64 breaks lines every 76 characters, which ``translate`` takes out.
    """
    return (
        f"translate(encode(convert_to('{type_name}:' || ({key})::text, 'UTF8'), 'base64'), "
        "E'\\n', '')"
    )
