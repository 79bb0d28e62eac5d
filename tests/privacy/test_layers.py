"""Privacy is a top layer: it reads every domain, and no domain imports it."""

import ast
import pathlib

import saleor_crm_plugin

PACKAGE = pathlib.Path(saleor_crm_plugin.__file__).parent
# The app's model list (models.py) names every model, privacy's too.
ABOVE_PRIVACY = {"privacy", "graphql", "tasks.py", "management", "migrations", "models.py"}


def test_no_domain_imports_privacy():
    # when
    found = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] not in ABOVE_PRIVACY
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom)
        and node.module
        and (
            node.module == "privacy"
            or node.module.startswith(("privacy.", "saleor_crm_plugin.privacy"))
        )
    )

    # then
    assert found == []
