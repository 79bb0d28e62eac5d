"""Fields of the customer's RFM row in the segment's channel (``segments/rfm.py``), with
the churn risk and expected next order stored on it (``segments/churn.py``).

Those move when the daily RFM run recomputes them: ``days_until_expected_order`` counts
from that run (``computed_at``), so that membership changes with the stored estimate
only (negative once the expected order is overdue)."""

from .. import triggers, values
from ..models import CustomerRfm
from ..churn import DAY_SECONDS
from ..rfm import RFM_GROUP_SLUGS
from ..sql import CustomerQuery, LeafSql, Sql, compare, compare_text
from .base import Field, Leaf

T_RFM = CustomerRfm._meta.db_table


def _rfm(query: CustomerQuery) -> str:
    return query.join_channel_row("r", T_RFM)


def rfm_group(leaf: Leaf, query: CustomerQuery) -> LeafSql:
    value = f'{_rfm(query)}."group"'
    return LeafSql(compare_text(value, leaf.op, leaf.value), Sql(value, []))


def _score(column: str):
    def score(leaf: Leaf, query: CustomerQuery) -> LeafSql:
        value = f"{_rfm(query)}.{column}"
        return LeafSql(compare(value, leaf.op, leaf.value), Sql(value, []))

    return score


def days_until_expected_order(leaf: Leaf, query: CustomerQuery) -> LeafSql:
    row = _rfm(query)
    value = (
        f"floor(extract(epoch FROM {row}.expected_next_order_at - {row}.computed_at)"
        f" / {DAY_SECONDS})::int"
    )
    return LeafSql(compare(value, leaf.op, leaf.value), Sql(value, []))


FIELDS = (
    Field(
        "rfm_group",
        label="RFM group",
        value=values.Choice(RFM_GROUP_SLUGS, "RFM group"),
        sql=rfm_group,
        triggers=(triggers.RFM,),
        needs_channel=True,
    ),
    Field(
        "rfm_recency",
        label="RFM recency score",
        value=values.SCORE,
        sql=_score("recency"),
        triggers=(triggers.RFM,),
        needs_channel=True,
    ),
    Field(
        "rfm_frequency",
        label="RFM frequency score",
        value=values.SCORE,
        sql=_score("frequency"),
        triggers=(triggers.RFM,),
        needs_channel=True,
    ),
    Field(
        "rfm_monetary",
        label="RFM monetary score",
        value=values.SCORE,
        sql=_score("monetary"),
        triggers=(triggers.RFM,),
        needs_channel=True,
    ),
    Field(
        "churn_risk",
        label="churn risk",
        value=values.SHARE,
        sql=_score("churn_risk"),
        triggers=(triggers.RFM,),
        needs_channel=True,
    ),
    Field(
        "days_until_expected_order",
        label="days until the expected next order",
        value=values.DAYS_AHEAD,
        sql=days_until_expected_order,
        triggers=(triggers.RFM,),
        needs_channel=True,
    ),
)
