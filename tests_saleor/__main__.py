"""Run Saleor's own test modules with the CRM active: ``python -m tests_saleor [pytest args]``.

Without arguments it runs ``MODULES``; with arguments, only those (paths relative to
Saleor's source). Saleor's source is where the installed ``saleor`` package lives, or
``SALEOR_TESTS_SOURCE``. A Saleor installed from a wheel has no test modules and no root
conftest.py: then this says so and exits 0 (``saleor_test_sources``).
"""

import importlib.util
import os
import pathlib
import sys

import pytest

INI = pathlib.Path(__file__).with_name("pytest.ini")

# What CI runs: the Saleor test modules that drive the CRM's hooks (checkout completion,
# payment, cancellation, fulfilment, refunds, staff edits, bulk import, customer
# accounts, gift cards), within CI's time budget. docs/reliability.md says why these.
_ORDER_MUTATIONS = "saleor/graphql/order/tests/mutations/test_"
MODULES = [
    "saleor/account/tests",
    "saleor/giftcard/tests",
    "saleor/checkout/tests/test_checkout_complete.py",
    "saleor/checkout/tests/test_order_from_checkout.py",
    "saleor/order/tests/test_order_actions.py",
    "saleor/order/tests/test_fulfillments_actions.py",
    "saleor/order/tests/test_order_actions_refund_products.py",
    "saleor/order/tests/test_order_actions_create_fulfillments_for_returned_products.py",
    "saleor/graphql/checkout/tests/mutations/test_checkout_complete.py",
    "saleor/graphql/checkout/tests/mutations/test_checkout_complete_with_payment.py",
    "saleor/graphql/checkout/tests/mutations/test_checkout_complete_with_transactions.py",
    "saleor/graphql/checkout/tests/mutations/test_order_create_from_checkout.py",
    *(
        f"{_ORDER_MUTATIONS}{name}.py"
        for name in [
            "order_mark_as_paid",
            "order_capture",
            "order_refund",
            "order_cancel",
            "order_bulk_cancel",
            "order_confirm",
            "order_fulfill",
            "fulfillment_approve",
            "fulfillment_refund_products",
            "fulfillment_return_products",
            "draft_order_complete",
            "order_update",
            "order_lines_create",
            "order_line_update",
            "order_line_delete",
            "order_bulk_create",
        ]
    ),
]


def saleor_source() -> pathlib.Path:
    """The folder holding the installed ``saleor`` package (and, in a checkout, conftest.py)."""
    if explicit := os.environ.get("SALEOR_TESTS_SOURCE"):
        return pathlib.Path(explicit)
    spec = importlib.util.find_spec("saleor")
    return pathlib.Path(spec.origin).parent.parent


def saleor_test_sources(source: pathlib.Path, modules: list[str]) -> list[str]:
    """What is missing for Saleor's tests under ``source``: its root conftest.py, modules."""
    wanted = ["conftest.py", *modules]
    return [name for name in wanted if not (source / name).exists()]


def main(args: list[str]) -> int:
    source = saleor_source()
    paths = [arg for arg in args if (source / arg.split("::")[0]).exists()]
    missing = saleor_test_sources(source, [path.split("::")[0] for path in paths] or MODULES)
    if missing:
        print(
            f"Saleor's own tests are not in this Saleor environment ({source}: no "
            f"{', '.join(missing)}; a Saleor installed from a wheel ships none). "
            "Skipping Saleor's suites with the CRM active.",
            flush=True,
        )
        return 0
    os.chdir(source)
    return pytest.main(
        ["-c", str(INI), "--rootdir", str(source), *args, *([] if paths else MODULES)]
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
