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

# The Saleor modules that drive the CRM's hooks (docs/reliability.md says why these).
MODULES = [
    "saleor/checkout/tests",
    "saleor/order/tests",
    "saleor/account/tests",
    "saleor/giftcard/tests",
    "saleor/graphql/checkout/tests",
    "saleor/graphql/order/tests",
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
    return pytest.main(["-c", str(INI), "--rootdir", str(source), *args, *([] if paths else MODULES)])

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
