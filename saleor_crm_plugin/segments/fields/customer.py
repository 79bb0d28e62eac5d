"""Fields of the customer themselves: when they joined, country, consent, tags."""

from saleor.account.models import Address

from ...consent.selectors import consent_granted_sql
from .. import triggers, values
from ..models import CustomerTag
from ..sql import CustomerQuery, LeafSql, Sql, compare_text
from .base import Field, Leaf

T_ADDRESS = Address._meta.db_table
T_TAG = CustomerTag._meta.db_table


def date_joined_days(leaf: Leaf, query: CustomerQuery) -> LeafSql:
    column = "u.date_joined"
    return LeafSql(query.days_since(column, leaf.op, leaf.value), query.age_in_days(column))


def country(leaf: Leaf, query: CustomerQuery) -> LeafSql:
    # The default billing address's country, else the default shipping address's.
    billing = query.join("ba", f"LEFT JOIN {T_ADDRESS} ba ON ba.id = u.default_billing_address_id")
    shipping = query.join(
        "sa", f"LEFT JOIN {T_ADDRESS} sa ON sa.id = u.default_shipping_address_id"
    )
    value = f"COALESCE(NULLIF({billing}.country, ''), NULLIF({shipping}.country, ''))"
    return LeafSql(compare_text(value, leaf.op, leaf.value), Sql(value, []))


def marketing_consent(leaf: Leaf, query: CustomerQuery) -> LeafSql:
    # As consent.actions.has_marketing_consent (the latest answer of the account or
    # its e-mail: an unsubscribe wins); no answer is no consent.
    value = f"COALESCE({consent_granted_sql(user_id='u.id', email='u.email')}, false)"
    return LeafSql(Sql(f"({value} = %s)", [leaf.value]), Sql(f"{value}::text", []))


def tags(leaf: Leaf, query: CustomerQuery) -> LeafSql:
    wanted = list(leaf.value)
    has_any = f"EXISTS (SELECT 1 FROM {T_TAG} t WHERE t.user_id = u.id AND t.tag = ANY(%s::text[]))"
    if leaf.op in ("has", "has_any"):
        holds = Sql(has_any, [wanted])
    elif leaf.op == "has_none":
        holds = Sql(f"(NOT {has_any})", [wanted])
    else:
        holds = Sql(
            f"((SELECT count(DISTINCT t.tag) FROM {T_TAG} t WHERE t.user_id = u.id "
            "AND t.tag = ANY(%s::text[])) = %s)",
            [wanted, len(wanted)],
        )
    actual = Sql(
        f"(SELECT string_agg(DISTINCT t.tag, ', ' ORDER BY t.tag) FROM {T_TAG} t "
        "WHERE t.user_id = u.id)",
        [],
    )
    return LeafSql(holds, actual)


FIELDS = (
    Field(
        "date_joined_days",
        label="days since the customer joined",
        value=values.DAYS,
        sql=date_joined_days,
        triggers=(),  # time alone: the account's age
        age=triggers.JOINED,
    ),
    Field(
        "tags",
        label="tags",
        value=values.TAGS,
        sql=tags,
        triggers=(triggers.TAGS,),
    ),
    Field(
        "country",
        label="country",
        value=values.COUNTRY,
        sql=country,
        triggers=(triggers.ACCOUNT,),
    ),
    Field(
        "marketing_consent",
        label="marketing consent",
        value=values.BOOLEAN,
        sql=marketing_consent,
        triggers=(triggers.CONSENT,),
    ),
)
