"""The scripts a new user and CI run fail fast, and helpfully, without Saleor."""

import importlib.metadata
import os
import pathlib
import subprocess
import sys
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = pathlib.Path(__file__).resolve().parent.parent


def run_script(name, **env):
    return subprocess.run(
        ["bash", str(REPO / "scripts" / name)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_test_script_without_saleor_environment_fails_fast_naming_the_fix(tmp_path):
    # when
    result = run_script("test", SALEOR_VENV=str(tmp_path / "missing"), SALEOR_PYTHON="")

    # then
    assert result.returncode == 3
    assert f"Saleor 3.23 is not importable from {tmp_path}/missing/bin/python" in result.stderr
    assert "SALEOR_VENV" in result.stderr
    assert "https://github.com/saleor/saleor" in result.stderr


def test_test_script_with_python_lacking_saleor_fails_fast(tmp_path):
    # given: a real interpreter in which `import saleor` fails
    interpreter = tmp_path / "bin" / "python"
    interpreter.parent.mkdir()
    interpreter.write_text(f'#!/bin/sh\nexec {sys.executable} -I -S "$@"\n')
    interpreter.chmod(0o755)

    # when
    result = run_script("test", SALEOR_VENV=str(tmp_path), SALEOR_PYTHON="")

    # then
    assert result.returncode == 3
    assert "(import saleor failed)" in result.stderr


SALEOR_DISTRIBUTIONS = """
import importlib.metadata
for dist in importlib.metadata.distributions():
    print(dist.metadata["Name"])
"""


def distribution_names(names):
    return {canonicalize_name(name) for name in names}


def test_test_dependency_group_installed_beside_saleor_without_shadowing_it():
    # given: scripts/test installed the group before starting this run
    group = tomllib.loads((REPO / "pyproject.toml").read_text())["dependency-groups"]["test"]
    requested = distribution_names(Requirement(spec).name for spec in group)

    # when
    in_deps = distribution_names(
        dist.metadata["Name"]
        for dist in importlib.metadata.distributions(path=[str(REPO / ".deps")])
    )
    saleor_environment = subprocess.run(
        [sys.executable, "-I", "-c", SALEOR_DISTRIBUTIONS],
        capture_output=True,
        text=True,
        check=True,
    )
    in_saleor = distribution_names(saleor_environment.stdout.split())

    # then: the group's own packages plus only what Saleor's environment lacks
    assert requested == {"factory-boy", "hypothesis", "aiosmtpd", "playwright"}
    assert requested <= in_deps
    assert in_deps.isdisjoint(in_saleor)
