"""The goal of every journey: an order placed after entering it (a conversion).

One rule, in SQL, for two readers: the stage step checks one enrollment before claiming
(never a message after the goal), and the sweep records conversions of the journey's
other enrollments, those held out included (their conversions are what the journey is
measured against) and those whose stages are done: an order counts until
``CONVERSION_WINDOW`` after the enrollment closed. The order is the shopper's first
counted order (``counting.counted_order``: placed, paid, not cancelled) in the
journey's channel after entering, by account or by e-mail; its gross total is the
conversion's revenue.
"""

import datetime

from django.db import connection
from saleor.order.models import Order

from ..counting import counted_order
from .models import EnrollmentStatus, Journey, JourneyEnrollment

CONVERSION_WINDOW = datetime.timedelta(days=7)

_CONVERT_SQL = """
UPDATE {enrollment} e
SET converted_order_id = c.order_id, converted_at = c.created_at, revenue = c.total,
    currency = c.currency, status = %(converted)s, closed_at = coalesce(e.closed_at, %(now)s),
    next_stage_at = NULL
FROM (
  SELECT DISTINCT ON (x.id) x.id AS enrollment_id, o.id AS order_id, o.created_at,
         o.total_gross_amount AS total, o.currency
  FROM {enrollment} x
  JOIN {journey} j ON j.id = x.journey_id
  JOIN {order} o ON o.channel_id = j.channel_id
   AND o.created_at > x.entered_at
   AND o.created_at <= coalesce(x.closed_at, %(now)s) + %(window)s
   AND (lower(o.user_email) = x.email OR (x.user_id IS NOT NULL AND o.user_id = x.user_id))
   AND {counted}
  WHERE {which}
    AND x.converted_order_id IS NULL
    AND x.status = ANY(%(convertible)s)
    AND (x.closed_at IS NULL OR x.closed_at > %(now)s - %(window)s)
  ORDER BY x.id, o.created_at
) c
WHERE e.id = c.enrollment_id
"""


def _convert(which: str, params: dict, *, now: datetime.datetime) -> int:
    counted = counted_order("o")
    sql = _CONVERT_SQL.format(
        enrollment=JourneyEnrollment._meta.db_table,
        journey=Journey._meta.db_table,
        order=Order._meta.db_table,
        counted=counted.text.replace("%s", "%(excluded)s"),
        which=which,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                **params,
                "converted": EnrollmentStatus.CONVERTED,
                "now": now,
                "window": CONVERSION_WINDOW,
                "excluded": counted.params[0],
                "convertible": [EnrollmentStatus.OPEN, EnrollmentStatus.COMPLETED],
            },
        )
        return cursor.rowcount


def enrollment_convert(*, enrollment: JourneyEnrollment, now: datetime.datetime) -> bool:
    """Record the enrollment's conversion if its goal is met; whether it is."""
    if not _convert("x.id = %(id)s", {"id": enrollment.pk}, now=now):
        return False
    enrollment.refresh_from_db()
    return True


def conversions_record(*, journey_id: int, now: datetime.datetime) -> int:
    """Record the conversions of the journey's enrollments; how many were new."""
    return _convert("x.journey_id = %(journey_id)s", {"journey_id": journey_id}, now=now)
