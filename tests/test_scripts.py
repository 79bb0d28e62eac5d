"""The scripts a new user and CI run fail fast, and helpfully, without Saleor."""

import os
import pathlib
import subprocess
import sys

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
    interpreter.write_text(f"#!/bin/sh\nexec {sys.executable} -I -S \"$@\"\n")
    interpreter.chmod(0o755)

    # when
    result = run_script("test", SALEOR_VENV=str(tmp_path), SALEOR_PYTHON="")

    # then
    assert result.returncode == 3
    assert "(import saleor failed)" in result.stderr
