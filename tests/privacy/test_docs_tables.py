"""docs/privacy.md names every CRM table, so a new table cannot be left out of erasure."""

import pathlib

from django.apps import apps

DOC = pathlib.Path(__file__).parents[2] / "docs" / "privacy.md"


def test_every_crm_table_is_in_the_erasure_table():
    # given
    text = DOC.read_text()

    # when
    missing = sorted(
        model._meta.db_table
        for model in apps.get_app_config("saleor_crm").get_models()
        if f"`{model._meta.db_table}`" not in text
    )

    # then
    assert missing == []
