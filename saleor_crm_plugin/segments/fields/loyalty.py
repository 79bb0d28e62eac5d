"""Fields of the customer's loyalty account in the segment's channel."""

from ...loyalty.models import LoyaltyAccount
from .. import triggers, values
from ..sql import CustomerQuery, LeafSql, Sql, compare, compare_text
from .base import Field, Leaf

T_ACCOUNT = LoyaltyAccount._meta.db_table


def _account(query: CustomerQuery) -> str:
    return query.join_channel_row("la", T_ACCOUNT)


def points_balance(leaf: Leaf, query: CustomerQuery) -> LeafSql:
    value = f"COALESCE({_account(query)}.balance, 0)"  # no account: 0 points
    return LeafSql(compare(value, leaf.op, leaf.value), Sql(value, []))


def loyalty_tier(leaf: Leaf, query: CustomerQuery) -> LeafSql:
    value = f"lower(NULLIF({_account(query)}.tier_name, ''))"
    # Tier names compare case-insensitively.
    target = (
        tuple(item.lower() for item in leaf.value)
        if isinstance(leaf.value, tuple)
        else leaf.value.lower()
    )
    return LeafSql(compare_text(value, leaf.op, target), Sql(value, []))


FIELDS = (
    Field(
        "points_balance",
        label="points balance",
        value=values.POINTS,
        sql=points_balance,
        triggers=(triggers.LOYALTY,),
        needs_channel=True,
    ),
    Field(
        "loyalty_tier",
        label="loyalty tier",
        value=values.TEXT,
        sql=loyalty_tier,
        triggers=(triggers.LOYALTY,),
        needs_channel=True,
    ),
)
