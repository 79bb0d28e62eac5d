"""The examples of docs/graphql-staff.md, "Segments and tags", are valid against the schema.

Each of them is also what a test of this package sends (same fields and arguments).
"""

import pathlib
import re

import pytest
from graphql import parse, validate
from saleor.graphql.api import schema

DOC = pathlib.Path(__file__).resolve().parents[3] / "docs" / "graphql-staff.md"


def section_examples() -> list[str]:
    text = DOC.read_text()
    section = text[text.index("## Segments and tags") :]
    return re.findall(r"```graphql\n(.*?)```", section, flags=re.DOTALL)


def test_the_section_has_examples():
    # when
    examples = section_examples()

    # then
    assert len(examples) == 10


@pytest.mark.parametrize("example", section_examples())
def test_example_is_valid(example):
    # when
    errors = validate(schema, parse(example))

    # then
    assert errors == []
