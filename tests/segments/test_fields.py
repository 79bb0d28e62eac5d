"""The field registry: every field declared once compiles, runs, explains and says what
changes it; a field declared in one place works end to end."""

import datetime
import pathlib
import re

import pytest
from django.utils import timezone

from saleor_crm_plugin.segments import triggers, values
from saleor_crm_plugin.segments.actions import customer_segment_create, customer_segment_preview
from saleor_crm_plugin.segments.error_codes import CustomerSegmentErrorCode
from saleor_crm_plugin.segments.exceptions import SegmentError
from saleor_crm_plugin.segments.explain import (
    ConditionResult,
    customer_segments_explain,
    describe_leaf,
)
from saleor_crm_plugin.segments.fields import FIELDS, Field
from saleor_crm_plugin.segments.models import SegmentMembership
from saleor_crm_plugin.segments.refresh import changed_customers, watches_time_or_changes
from saleor_crm_plugin.segments.sql import LeafSql, Sql, compare_text


DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "segments.md"


def test_the_field_reference_documents_every_registered_field():
    # given
    text = DOC.read_text()
    table = text[text.index("### Fields") : text.index("Number operators:")]

    # when
    documented = {
        name
        for row in re.findall(r"^\| (.*?) \|", table, flags=re.MULTILINE)
        for name in re.findall(r"`([a-z_]+)`", row)
    }

    # then
    assert documented == set(FIELDS)


def _sample(field: Field, op: str, references: dict):
    """A valid value of ``field`` for ``op``."""
    value_type = field.value
    if isinstance(value_type, values.Share):
        return [0, 1] if op == "between" else 1
    if isinstance(value_type, values.Number):
        return [1, 2] if op == "between" else 1
    if isinstance(value_type, values.Choice):
        one = value_type.choices[0]
    elif isinstance(value_type, values.Country):
        one = "PL"
    elif isinstance(value_type, values.Stores):
        one = references[values.Stores]
    elif isinstance(value_type, values.Text):
        one = "gold"
    elif isinstance(value_type, values.Tags):
        return "vip" if op == "has" else ["vip"]
    elif isinstance(value_type, values.Boolean):
        return True
    else:  # channels, products, categories: by slug
        return [references[type(value_type)]]
    return [one] if op == "in" else one


@pytest.fixture
def references(channel_USD, product, category, warehouse):
    return {
        values.Channels: channel_USD.slug,
        values.References: product.slug,
        values.Categories: category.slug,
        values.Stores: warehouse.slug,
    }


@pytest.mark.parametrize("name", list(FIELDS))
def test_every_operator_of_every_field_compiles_and_runs(name, references, channel_USD):
    # given
    field = FIELDS[name]
    definitions = [
        {"field": name, "op": op, "value": _sample(field, op, references)} for op in field.ops
    ]

    # when
    previews = [
        customer_segment_preview(definition=definition, channel_id=channel_USD.pk)
        for definition in definitions
    ]

    # then: each ran as one query over the customers (there are none here)
    assert field.ops
    assert [preview.count for preview in previews] == [0] * len(definitions)


@pytest.mark.parametrize("name", list(FIELDS))
def test_every_field_explains_itself(name, references, channel_USD, customer_user):
    # given
    field = FIELDS[name]
    op = field.ops[0]
    node = {"field": name, "op": op, "value": _sample(field, op, references)}
    segment = customer_segment_create(name=name, definition=node, channel_id=channel_USD.pk)

    # when
    (explanation,) = customer_segments_explain(user=customer_user, segment_ids=[segment.pk])

    # then
    (condition,) = explanation.conditions
    assert condition.description == describe_leaf(node)
    assert condition.description.startswith(f"{field.label} {values.OPERATORS[op]} ")
    assert condition.holds == explanation.is_member


@pytest.mark.parametrize("name", list(FIELDS))
def test_every_field_declares_what_changes_it(name, references):
    # given
    field = FIELDS[name]
    op = field.ops[0]
    definition = {"field": name, "op": op, "value": _sample(field, op, references)}
    unheard = any(trigger.changed is not None for trigger in field.triggers)

    # when
    watched = watches_time_or_changes(definition)

    # then: an event, a kind of change or time itself moves it; the periodic refresh
    # watches exactly the fields whose changes the plugin may not hear, or that age
    assert field.triggers or field.age is not None
    assert all(isinstance(trigger, triggers.Trigger) for trigger in field.triggers)
    assert field.window in (None, triggers.ORDER_PLACED)
    assert watched == (unheard or field.age is not None)


EMAIL_DOMAIN = "lower(split_part(u.email, '@', 2))"


def _email_domain(leaf, query) -> LeafSql:
    return LeafSql(compare_text(EMAIL_DOMAIN, leaf.op, leaf.value), Sql(EMAIL_DOMAIN, []))


@pytest.fixture
def email_domain_field(monkeypatch):
    # the one place a new field is declared
    field = Field(
        "email_domain",
        label="e-mail domain",
        value=values.TEXT,
        sql=_email_domain,
        triggers=(triggers.ACCOUNT,),
    )
    monkeypatch.setitem(FIELDS, field.name, field)
    return field


def test_a_field_declared_in_one_place_works_end_to_end(
    email_domain_field, customer_user, customer_user2
):
    # given
    definition = {"field": "email_domain", "op": "in", "value": ["example.com"]}
    since = timezone.now() - datetime.timedelta(minutes=1)

    # when
    segment = customer_segment_create(name="Ours", definition=definition, channel_id=None)

    # then: validated by its value type, compiled by its SQL, explained by its label,
    # watched by the periodic refresh through its trigger
    members = set(SegmentMembership.objects.filter(segment=segment).values_list("user", flat=True))
    assert members == {customer_user.pk, customer_user2.pk}
    (explanation,) = customer_segments_explain(user=customer_user, segment_ids=[segment.pk])
    assert explanation.conditions == [
        ConditionResult("", "e-mail domain in example.com", True, "example.com")
    ]
    customer_user.save(update_fields=["updated_at"])
    changed = changed_customers(
        definition=definition, channel_id=None, since=since, now=timezone.now()
    )
    assert customer_user.pk in changed
    with pytest.raises(SegmentError) as error:
        customer_segment_create(
            name="Bad", definition={**definition, "op": "gt", "value": 1}, channel_id=None
        )
    assert error.value.code == CustomerSegmentErrorCode.INVALID_OPERATOR
