"""Why a customer is or is not in a segment: every condition, its verdict and the value.

Each segment's definition is compiled for the one customer (``compile_explain_query``:
the same SQL as membership, one row with each leaf's verdict and actual value), and
groups are folded in Python from their children. ``is_member`` is the materialised
membership; the root condition's ``holds`` is what a refresh would decide now.

Explaining only reads, all of it on the alias given as ``using`` (GraphQL passes the
request's, the replica for queries). A segment that cannot be explained (a row broken
outside the API) is logged and left out; the others are explained.
"""

import dataclasses

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from .compiler import compile_explain_query
from .conditions import FIELDS, join_path
from .membership import segment_failed
from .models import CustomerSegment, SegmentMembership
from .values import OPERATORS


@dataclasses.dataclass(frozen=True)
class ConditionResult:
    path: str
    description: str
    holds: bool
    actual: str | None


@dataclasses.dataclass(frozen=True)
class SegmentExplanation:
    segment: CustomerSegment
    is_member: bool
    conditions: list[ConditionResult]


def describe_leaf(node: dict) -> str:
    """The field's label, its window, the operator's word and the value as written."""
    spec = FIELDS[node["field"]]
    value = node["value"]
    if isinstance(value, list):
        value = (
            " and ".join(map(str, value)) if node["op"] == "between" else ", ".join(map(str, value))
        )
    window = f" in the last {node['days']} days" if node.get("days") else ""
    return f"{spec.label}{window} {OPERATORS[node['op']]} {value}"


def customer_segments_explain(
    *,
    user,
    segment_ids: list[int] | None = None,
    using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME,
) -> list[SegmentExplanation]:
    """For each segment (all, or ``segment_ids``): member or not, and each condition."""
    segments = CustomerSegment.objects.using(using).order_by("pk")
    if segment_ids is not None:
        segments = segments.filter(pk__in=segment_ids)
    member_of = set(
        SegmentMembership.objects.using(using)
        .filter(user_id=user.pk)
        .values_list("segment_id", flat=True)
    )
    now = timezone.now()
    explanations = []
    for segment in segments:
        try:
            with transaction.atomic(using=using):
                conditions = _explain(segment, user_id=user.pk, now=now, using=using)
        except Exception:
            # A definition broken outside the API must not hide the other segments.
            segment_failed(segment.pk)
            continue
        explanations.append(SegmentExplanation(segment, segment.pk in member_of, conditions))
    return explanations


def _explain(segment: CustomerSegment, *, user_id: int, now, using: str) -> list[ConditionResult]:
    statement, leaves = compile_explain_query(
        segment.definition,
        channel_id=segment.channel_id,
        now=now,
        user_id=user_id,
        using=using,
    )
    with connections[using].cursor() as cursor:
        cursor.execute(statement.text, statement.params)
        row = cursor.fetchone()
    verdicts = {
        compiled.leaf.path: (bool(row[2 * index]), row[2 * index + 1])
        for index, compiled in enumerate(leaves)
    }
    conditions: list[ConditionResult] = []
    _fold(segment.definition, "", verdicts, conditions)
    return conditions


def _fold(node: dict, path: str, verdicts: dict, out: list[ConditionResult]) -> bool:
    """Append the node and its descendants (document order); return whether it holds."""
    if "field" in node:
        holds, actual = verdicts[path]
        out.append(ConditionResult(path, describe_leaf(node), holds, actual))
        return holds
    (key,) = node
    position = len(out)
    if key == "not":
        holds = not _fold(node["not"], join_path(path, "not"), verdicts, out)
        description = "not"
    else:
        results = [
            _fold(child, join_path(path, f"{key}[{index}]"), verdicts, out)
            for index, child in enumerate(node[key])
        ]
        holds = all(results) if key == "all" else any(results)
        description = f"{'all' if key == 'all' else 'any'} of {len(results)} conditions"
        actual_text = f"{sum(results)} of {len(results)} hold"
        out.insert(position, ConditionResult(path, description, holds, actual_text))
        return holds
    out.insert(position, ConditionResult(path, description, holds, None))
    return holds
