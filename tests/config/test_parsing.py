"""Collecting every problem of a configuration, each named by its field's label."""

from django.core.exceptions import ValidationError
from saleor.plugins.error_codes import PluginErrorCode

from saleor_crm_plugin.config.parsing import ConfigErrors, ConfigProblem, Line, integer


def test_errors_of_every_field_are_raised_together_with_labels_and_lines():
    # given
    errors = ConfigErrors({"a": "Field A", "b": "Field B"})

    # when
    errors.value("a", integer, "x")
    errors.add("b", ConfigProblem("first."), Line(2, "  one | two  "))
    errors.add("b", ConfigProblem("second.", PluginErrorCode.REQUIRED))
    try:
        errors.raise_if_any()
    except ValidationError as error:
        raised = error

    # then
    assert raised.message_dict == {
        "a": ["Field A: 'x' is not a whole number."],
        "b": ['Field B, line 2 ("one | two"): first.', "Field B: second."],
    }
    assert [item.code for item in raised.error_dict["b"]] == ["invalid", "required"]


def test_a_long_line_is_quoted_shortened():
    # when
    quoted = str(Line(7, "x" * 100))

    # then
    assert quoted == f'line 7 ("{"x" * 59}…")'


def test_no_problem_raises_nothing():
    # given
    errors = ConfigErrors({"a": "Field A"})

    # when
    value = errors.value("a", integer, " 12 ")
    errors.raise_if_any()

    # then
    assert value == 12
