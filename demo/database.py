"""The demo's database: create it when missing, and remember when it was prepared.

Runs before Django is set up, with the psycopg that Saleor's environment already has:

    python -m demo.database check   # create the database if missing; print
                                    # "ready" when it was prepared for the current
                                    # migrations and demo code, else "prepare"
    python -m demo.database stamp   # record that preparation succeeded

Setting Django up takes tens of seconds, so a second run of the demo skips
``demo.prepare`` when nothing changed: the stamp names the database by its PostgreSQL
oid (a dropped and re-created database does not match) and fingerprints every
migration file of Saleor and of the plugin, and the demo's own modules (a new seed step
runs on the next start).
"""

import hashlib
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import saleor
from psycopg import sql

import saleor_crm_plugin


def database_url_parts(url: str) -> tuple[str, str]:
    """Return (database name, URL of the maintenance database on the same server)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit(f"error: DATABASE_URL names no database: {url}")
    return name, urlunsplit(parts._replace(path="/postgres"))


def ensure_database(url: str) -> int:
    """Create the database named by ``url`` if missing; return its oid."""
    name, maintenance_url = database_url_parts(url)
    try:
        connection = psycopg.connect(maintenance_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        raise SystemExit(f"error: cannot reach PostgreSQL at {maintenance_url}: {error}") from None
    query = "SELECT oid FROM pg_database WHERE datname = %s"
    with connection:
        row = connection.execute(query, (name,)).fetchone()
        if row is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.", file=sys.stderr)
            row = connection.execute(query, (name,)).fetchone()
    return row[0]


def preparation_fingerprint() -> str:
    digest = hashlib.sha256()
    demo = Path(__file__).parent
    sources = [
        (Path(package.__file__).parent, "**/migrations/**/*.py")
        for package in (saleor, saleor_crm_plugin)
    ]
    for root, pattern in [*sources, (demo, "*.py")]:
        for path in sorted(root.glob(pattern)):
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def stamp_path(state_dir: str, url: str) -> Path:
    name, _ = database_url_parts(url)
    return Path(state_dir) / f"prepared-{name}"


def expected_stamp(url: str) -> str:
    return f"{ensure_database(url)} {preparation_fingerprint()}\n"


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    database_url = os.environ["DATABASE_URL"]
    stamp = stamp_path(os.environ["DEMO_DIR"], database_url)
    if command == "check":
        current = stamp.read_text() if stamp.exists() else ""
        print("ready" if current == expected_stamp(database_url) else "prepare")
    elif command == "stamp":
        stamp.write_text(expected_stamp(database_url))
    else:
        raise SystemExit(f"usage: python -m demo.database [check|stamp], not {command!r}")
