"""Install the `test` dependency group of pyproject.toml into .deps/, beside Saleor's environment.

    python -I scripts/install_test_deps.py DEPS_DIR     (run by scripts/env.sh)

Run with the Saleor interpreter in isolated mode (``-I``: no PYTHONPATH, no user site), so
that what counts as installed is exactly Saleor's environment. The group is resolved against
that environment: whatever it already provides (Faker, sortedcontainers, ...) is used as is,
only what it lacks (the group's packages and their missing dependencies) goes to DEPS_DIR,
and the environment itself is never written to. A package Saleor's environment has in a
version the group cannot use is an error, not a silent shadow on PYTHONPATH.

A stamp in DEPS_DIR records what was installed from (the group and the environment's
distributions): nothing changed, nothing runs but this check.
"""

import hashlib
import importlib.metadata
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import tomllib

REPO = pathlib.Path(__file__).resolve().parent.parent
PYPROJECT = REPO / "pyproject.toml"
GROUP = "test"
STAMP_NAME = ".test-group.sha256"
PIP_INSTALL = [
    sys.executable,
    "-I",
    "-m",
    "pip",
    "install",
    "--quiet",
    "--disable-pip-version-check",
]


def environment_fingerprint() -> str:
    groups = tomllib.loads(PYPROJECT.read_text())["dependency-groups"]
    # The metadata directories' names carry name and version; listing them is enough.
    installed = sorted(
        entry.name
        for path in sys.path
        if pathlib.Path(path).is_dir()
        for entry in pathlib.Path(path).iterdir()
        if entry.suffix in (".dist-info", ".egg-info")
    )
    payload = json.dumps({"groups": groups, "group": GROUP, "installed": installed})
    return hashlib.sha256(payload.encode()).hexdigest()


def missing_packages() -> list[str]:
    """`name==version` for each package the group needs that Saleor's environment lacks."""
    with tempfile.TemporaryDirectory() as tmp:
        report_path = pathlib.Path(tmp) / "report.json"
        subprocess.run(
            [*PIP_INSTALL, "--dry-run", "--report", report_path, "--group", f"{PYPROJECT}:{GROUP}"],
            check=True,
        )
        report = json.loads(report_path.read_text())
    wanted = [(item["metadata"]["name"], item["metadata"]["version"]) for item in report["install"]]
    clashes = [
        f"{name} {version} (Saleor's environment has {importlib.metadata.version(name)})"
        for name, version in wanted
        if is_installed(name)
    ]
    if clashes:
        sys.exit(
            f"error: the {GROUP!r} dependency group of {PYPROJECT} needs other versions of "
            f"packages Saleor's environment already has: {', '.join(clashes)}. That "
            "environment is never modified and .deps/ must not shadow it: choose versions "
            "compatible with Saleor's locked dependencies."
        )
    return [f"{name}=={version}" for name, version in wanted]


def is_installed(name: str) -> bool:
    try:
        importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def main(deps_dir: pathlib.Path) -> None:
    stamp = deps_dir / STAMP_NAME
    fingerprint = environment_fingerprint()
    if stamp.is_file() and stamp.read_text().strip() == fingerprint:
        return
    shutil.rmtree(deps_dir, ignore_errors=True)
    packages = missing_packages()
    if packages:
        subprocess.run([*PIP_INSTALL, "--no-deps", "--target", deps_dir, *packages], check=True)
    deps_dir.mkdir(exist_ok=True)
    stamp.write_text(fingerprint + "\n")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
