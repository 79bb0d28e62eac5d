"""The domain layer knows nothing of the API: no graphene, no GraphQL, no plugin."""

import ast

from tests.test_architecture import PACKAGE, _imported, _modules

DOMAIN = ("loyalty", "segments", "carts", "consent", "stores")
SHARED = ("errors.py", "money.py", "global_ids.py")
FORBIDDEN = ("graphene", "graphql", "graphql_relay", "saleor.graphql")
FORBIDDEN_OURS = ("saleor_crm_plugin.graphql", "saleor_crm_plugin.plugin")
# Saleor's gift-card gateway and its GraphQL mutations import each other: importing the
# GraphQL side first is the one way to import the gateway (the module says why).
ALLOWED = {("loyalty/gift_card_gateway.py", "saleor.graphql.payment.mutations.transaction.utils")}


def _is_forbidden(name: str) -> bool:
    return any(
        name == prefix or name.startswith(prefix + ".") for prefix in FORBIDDEN + FORBIDDEN_OURS
    )


def test_no_domain_module_imports_graphene_graphql_or_the_plugin():
    # given
    modules = [module for folder in DOMAIN for module in _modules(PACKAGE / folder)]
    modules += [
        (PACKAGE / name, ast.parse((PACKAGE / name).read_text(), filename=name)) for name in SHARED
    ]

    # when
    found = sorted(
        (str(path.relative_to(PACKAGE)), name)
        for path, tree in modules
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in _imported(path, node)
        if _is_forbidden(name)
    )

    # then
    assert [entry for entry in found if entry not in ALLOWED] == []
