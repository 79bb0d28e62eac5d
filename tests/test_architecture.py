"""Dependencies point one way: loyalty is the base domain; no import hides in a function."""

import ast
import pathlib

import saleor_crm_plugin

PACKAGE = pathlib.Path(saleor_crm_plugin.__file__).parent


def _modules(folder: pathlib.Path):
    for path in sorted(folder.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(), filename=str(path))


def _imported(path: pathlib.Path, node: ast.AST) -> list[str]:
    """Absolute names an import statement refers to."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    base = list(package[: len(package) - node.level + 1]) if node.level else []
    module = ".".join(base + ([node.module] if node.module else []))
    return [module] + [f"{module}.{alias.name}" for alias in node.names]


def test_loyalty_imports_nothing_from_segments_or_carts():
    # given
    forbidden = ("saleor_crm_plugin.segments", "saleor_crm_plugin.carts")

    # when
    found = sorted(
        f"{path.relative_to(PACKAGE)}: {name}"
        for path, tree in _modules(PACKAGE / "loyalty")
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in _imported(path, node)
        if name.startswith(forbidden)
    )

    # then
    assert found == []


def test_no_import_inside_a_function():
    # given: Django's AppConfig.ready is the one place that must import late
    allowed = {("apps.py", "ready")}

    # when
    found = sorted(
        (str(path.relative_to(PACKAGE)), function.name)
        for path, tree in _modules(PACKAGE)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    )

    # then
    assert [entry for entry in found if entry not in allowed] == []
