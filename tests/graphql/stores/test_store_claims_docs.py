"""docs/stores.md, "Claiming a receipt": its GraphQL examples hold against the schema."""

import re

from graphql import parse, validate
from saleor.graphql.api import schema

from tests.test_docs import DOCS

SECTION = "## Claiming a receipt (storefronts)"


def test_the_claim_examples_are_valid_against_the_schema():
    # given: the section, up to the next section of its level
    text = (DOCS / "stores.md").read_text()
    section = text[text.index(SECTION) + len(SECTION) :].split("\n## ", 1)[0]
    operations = re.findall(r"```graphql\n(.*?)```", section, re.S)

    # when
    errors = {operation[:60]: validate(schema, parse(operation)) for operation in operations}

    # then
    assert len(operations) == 4
    assert {name: problems for name, problems in errors.items() if problems} == {}
