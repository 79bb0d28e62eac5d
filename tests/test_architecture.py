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


MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 60


def _string_lines(function: ast.AST) -> set[int]:
    """Lines that are SQL (or other) text: multi-line string constants inside the function."""
    return {
        line
        for node in ast.walk(function)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        for line in range(node.lineno, node.end_lineno + 1)
        if node.end_lineno > node.lineno
    }


def test_no_module_over_the_line_limit():
    # when
    found = sorted(
        (str(path.relative_to(PACKAGE)), len(path.read_text().splitlines()))
        for path, _tree in _modules(PACKAGE)
        if len(path.read_text().splitlines()) > MAX_MODULE_LINES
    )

    # then
    assert found == []


def test_no_function_over_the_line_limit_apart_from_sql_text():
    # when
    found = sorted(
        (str(path.relative_to(PACKAGE)), function.name, length)
        for path, tree in _modules(PACKAGE)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for length in [
            function.end_lineno
            - function.lineno
            + 1
            - len(_string_lines(function) & set(range(function.lineno, function.end_lineno + 1)))
        ]
        if length > MAX_FUNCTION_LINES
    )

    # then
    assert found == []


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Module -> modules of this package it imports (anywhere in the file)."""
    modules = {_module_name(path): (path, tree) for path, tree in _modules(PACKAGE)}
    graph: dict[str, set[str]] = {}
    for name, (path, tree) in modules.items():
        targets = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for imported in _imported(path, node):
                    # `from pkg import module` names a module; `from module import name` not
                    if imported in modules and imported != name:
                        targets.add(imported)
        graph[name] = targets
    return graph


def _pop_component(stack: list[str], on_stack: set[str], root: str) -> list[str]:
    """Pop the strongly connected component of ``root`` off Tarjan's stack."""
    component = []
    while True:
        member = stack.pop()
        on_stack.discard(member)
        component.append(member)
        if member == root:
            return component


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = _pop_component(stack, on_stack, node)
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_modules():
    # given: a package's __init__ re-exporting its own modules is not a cycle
    graph = {
        name: {target for target in targets if not target.startswith(name + ".")}
        for name, targets in _import_graph().items()
    }

    # when
    cycles = _cycles(graph)

    # then
    assert cycles == []
