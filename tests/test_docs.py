"""The docs stay true: every configuration field documented, README examples valid."""

import pathlib
import re

import pytest
from graphql import parse, validate
from saleor.graphql.api import schema

from saleor_crm_plugin.config import CONFIG_STRUCTURE

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def test_configuration_reference_documents_every_field():
    # given
    text = (DOCS / "configuration.md").read_text()

    # when
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.MULTILINE))

    # then
    assert documented == set(CONFIG_STRUCTURE)


def _graphql_operations(path: pathlib.Path) -> list[str]:
    blocks = re.findall(r"```graphql\n(.*?)```", path.read_text(), re.S)
    # A block may hold several operations separated by a blank line.
    return [
        operation
        for block in blocks
        for operation in re.split(r"\n\n(?=query|mutation)", block)
        if operation.strip()
    ]


def test_readme_graphql_examples_are_valid_against_the_schema():
    # given
    operations = _graphql_operations(ROOT / "README.md")

    # when
    errors = {operation[:60]: validate(schema, parse(operation)) for operation in operations}

    # then
    assert len(operations) >= 8
    assert {name: problems for name, problems in errors.items() if problems} == {}


@pytest.mark.parametrize("guide", ["graphql-storefront.md", "graphql-staff.md", "journeys.md"])
def test_graphql_guide_examples_are_valid_against_the_schema(guide):
    # given
    operations = _graphql_operations(DOCS / guide)

    # when
    errors = {operation[:60]: validate(schema, parse(operation)) for operation in operations}

    # then
    assert len(operations) >= 3
    assert {name: problems for name, problems in errors.items() if problems} == {}
