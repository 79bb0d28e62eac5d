"""The configuration reference names every configuration field."""

import pathlib
import re

from saleor_crm_plugin.config import CONFIG_STRUCTURE

DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs"


def test_configuration_reference_documents_every_field():
    # given
    text = (DOCS / "configuration.md").read_text()

    # when
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.MULTILINE))

    # then
    assert documented == set(CONFIG_STRUCTURE)
