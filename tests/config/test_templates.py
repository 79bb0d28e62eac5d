"""Templates are checked on save by rendering them as they are sent, with sample data."""

import pytest
from django.core.exceptions import ValidationError

from saleor_crm_plugin import mail
from saleor_crm_plugin.carts import default_templates
from saleor_crm_plugin.config import (
    DEFAULT_CONFIGURATION,
    parse_configuration,
    validate_configuration,
)
from saleor_crm_plugin.config.parsing import ConfigProblem
from saleor_crm_plugin.config.templates import body_render, subject_render, template_check


@pytest.mark.parametrize("kind", ["reminder", "offer", "last_call"])
def test_built_in_templates_pass_the_check(kind):
    # when
    checked = template_check(default_templates.BY_KIND[kind], subject=False)

    # then
    assert checked == default_templates.BY_KIND[kind]


def test_default_subjects_pass_the_check():
    # given
    subjects = [
        item["value"] for item in DEFAULT_CONFIGURATION if item["name"].endswith("_subject")
    ]

    # when
    checked = [template_check(subject, subject=True) for subject in subjects]

    # then
    assert checked == subjects


def test_the_check_renders_with_the_renderer_that_sends():
    # then
    assert (mail.body_render, mail.subject_render) == (body_render, subject_render)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{#if offer}}{{offer.code}}", "{{#if}} is not closed."),
        ("{{#unless variant}}x{{/if}}", "{{/if}} closes {{#unless}}."),
        ("Hi {{customer.first_name", "a '{{' is not closed with '}}'."),
        (
            "Hi {{customer.frist_name}}",
            "{{customer.frist_name}} is not a variable (did you mean {{customer.first_name}}?); "
            "the variables are: customer.user_id, customer.email, customer.first_name, "
            "customer.last_name.",
        ),
        (
            "{{price offer.value}}",
            "cannot be rendered with sample data: price() missing 2 required positional "
            "arguments: 'gross_amount' and 'currency'.",
        ),
    ],
)
def test_subject_that_would_send_wrong_is_refused(source, message):
    # when
    with pytest.raises(ConfigProblem) as raised:
        template_check(source, subject=True)

    # then
    assert raised.value.message == message


def test_template_stored_before_the_check_still_loads_but_is_refused_on_save():
    # given: an unclosed block, which pybars compiles (and renders as nothing)
    stored = [{"name": "cart_reminder_template", "value": "<p>{{#if offer}}{{offer.code}}</p>"}]

    # when
    loaded = parse_configuration(stored)
    with pytest.raises(ValidationError) as raised:
        validate_configuration(stored)

    # then: the channel's programme keeps running; staff must fix it to save again
    assert loaded.carts.reminder_template == stored[0]["value"]
    assert raised.value.message_dict == {
        "cart_reminder_template": ["Reminder template: {{#if}} is not closed."]
    }
